"""Back up the database to one file and restore it into a fresh database.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client tools
must be at least the server's version). SQLite: the sqlite3 online backup
API, which copies a consistent snapshot while the app keeps running. The
restore refuses a database that already has tables, so it can never
overwrite live data: create a new, empty database and point DATABASE_URL at
it. The round trip is in docs/deploy.md and tests/ops/test_backup_restore.py.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 — runs pg_dump / pg_restore, see _run
from pathlib import Path

from django.db import connection

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"

EXISTS = "{path} already exists: choose a new file name (a backup never overwrites another)."
NOT_FOUND = "{path} does not exist."
NOT_EMPTY = (
    "The database {name!r} already has tables: restore only into a new, empty database "
    "(e.g. createdb trustmonitor_restored), then point DATABASE_URL at it."
)
WRONG_KIND = "{path} is not a {vendor} backup made by `manage.py backup`."
NO_TOOL = "{tool} is not on PATH: install the PostgreSQL client tools (postgresql-client)."
TOOL_FAILED = "{tool} failed (exit status {status}): {stderr}"
UNSUPPORTED = "Backups of {vendor} databases are not supported (PostgreSQL and SQLite are)."


class BackupError(Exception):
    pass


def _pg_command(tool: str) -> tuple[list[str], dict[str, str]]:
    """The tool's path, its connection options and an environment holding
    the password (never on the command line, where `ps` would show it)."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(NO_TOOL.format(tool=tool))
    db = connection.settings_dict
    options = []
    if db.get("HOST"):
        options += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        options += ["--port", str(db["PORT"])]
    if db.get("USER"):
        options += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return [path, "--no-password", *options], env


def _run(tool: str, arguments: list[str]) -> None:
    command, env = _pg_command(tool)
    # An argument list, no shell; the arguments are the settings' own
    # connection details and a path the operator gave.
    finished = subprocess.run(  # noqa: S603
        [*command, *arguments], env=env, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(
            TOOL_FAILED.format(
                tool=tool, status=finished.returncode, stderr=finished.stderr.strip()
            )
        )


def _sqlite_connect(name) -> sqlite3.Connection:
    return sqlite3.connect(str(name))


def _sqlite_copy(source_name, target_name) -> None:
    """Copy one SQLite database into another with SQLite's online backup."""
    source = _sqlite_connect(source_name)
    target = _sqlite_connect(target_name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def database_backup(*, path: Path) -> Path:
    """Write the whole database to ``path`` (which must not exist yet)."""
    path = Path(path)
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(UNSUPPORTED.format(vendor=vendor))
    # Created here, readable by its owner only (0600: it holds every account's
    # password hash and the trusts' data), and never over an existing file;
    # the dump then writes into it, keeping the mode.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(EXISTS.format(path=path)) from None
    os.chmod(path, 0o600)
    try:
        _dump(vendor, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _dump(vendor: str, path: Path) -> None:
    if vendor == "postgresql":
        # Custom format: compressed, and pg_restore can restore it whole or
        # in parts. No owner or grants, so it restores under any role.
        _run(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(path),
                "--dbname",
                connection.settings_dict["NAME"],
            ],
        )
    else:
        _sqlite_copy(connection.settings_dict["NAME"], path)


def _check_kind(path: Path, magic: bytes, vendor: str) -> None:
    with path.open("rb") as file:
        if file.read(len(magic)) != magic:
            raise BackupError(WRONG_KIND.format(path=path, vendor=vendor))


def database_restore(*, path: Path) -> None:
    """Load a backup into the (new, empty) database DATABASE_URL names."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(NOT_FOUND.format(path=path))
    name = connection.settings_dict["NAME"]
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(UNSUPPORTED.format(vendor=vendor))
    if connection.introspection.table_names():
        raise BackupError(NOT_EMPTY.format(name=str(name)))
    if vendor == "postgresql":
        _check_kind(path, PG_MAGIC, "PostgreSQL")
        # Release our own connection first: pg_restore needs none of it.
        connection.close()
        _run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                name,
                str(path),
            ],
        )
    else:
        _check_kind(path, SQLITE_MAGIC, "SQLite")
        connection.close()
        _sqlite_copy(path, name)
    _status_cache_new_epoch()


def _status_cache_new_epoch() -> None:
    """The restored database's status versions may be ones the shared cache
    also holds from the database it replaces: start them apart."""
    from kpis.models import StatusVersion
    from kpis.status_cache import status_versions_new_epoch

    if StatusVersion._meta.db_table in connection.introspection.table_names():
        status_versions_new_epoch()
