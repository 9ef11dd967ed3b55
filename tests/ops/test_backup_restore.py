"""The documented round trip (docs/deploy.md): back up, restore into a new
database, and ``kpi_status`` prints the same bytes for every organisation.

Everything runs as an operator would run it, through ``manage.py`` in
subprocesses, against scratch databases of the same kind as the test run's
(PostgreSQL when DATABASE_URL names one, else SQLite files), which are
dropped afterwards.
"""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from ops.services import NOT_EMPTY

BASE_DIR = Path(settings.BASE_DIR)
ORGANISATIONS = ["birmingham", "sandwell"]
FORMATS = ["table", "csv", "json"]
PERIODS = [None, "2018-11"]


def _manage(database_url, *arguments, check=True):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "true",
    }
    # The interpreter running the tests and the project's own manage.py.
    finished = subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        check=False,
    )
    if check and finished.returncode:
        pytest.fail(f"manage.py {' '.join(arguments)}: {finished.stderr.decode()}")
    return finished


class _Postgres:
    """Scratch databases on the test run's PostgreSQL server."""

    def __init__(self):
        db = connection.settings_dict
        auth = quote(db["USER"] or "postgres")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        self.server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.prefix = f"{connection.settings_dict['NAME']}_bk_{secrets.token_hex(3)}"
        self.names = []

    def create(self, suffix):
        name = f"{self.prefix}_{suffix}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return f"{self.server}/{name}"

    def drop_all(self):
        with connection.cursor() as cursor:
            for name in self.names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _SQLite:
    def __init__(self, directory):
        self.directory = directory

    def create(self, suffix):
        return f"sqlite:///{self.directory / f'{suffix}.sqlite3'}"

    def drop_all(self):
        pass  # tmp_path goes with the test


# transaction=True: the scratch databases are created over the test
# database's connection, and CREATE DATABASE cannot run inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scratch(tmp_path):
    databases = _Postgres() if connection.vendor == "postgresql" else _SQLite(tmp_path)
    try:
        yield databases
    finally:
        databases.drop_all()


def _readings(lines):
    return ("kpi,period,value,commentary\n" + "\n".join(lines) + "\n").encode()


def _load(database_url, tmp_path):
    """Migrate, load the seeds and import readings twice, so that readings,
    returns and their history all have rows to carry over."""
    _manage(database_url, "migrate", "--noinput", "-v", "0")
    _manage(
        database_url, "loaddata", "birmingham", "sandwell", "inspections_letters",
        "inspections_plans", "-v", "0",
    )  # fmt: skip
    first = tmp_path / "november.csv"
    first.write_bytes(
        _readings(
            [f"KPI{n},2018-11,{60 + n},first figures" for n in range(1, 16)]
            + [f"KPI{n},2018-12,{70 + n}," for n in range(1, 16)]
        )
    )
    corrected = tmp_path / "november-corrected.csv"
    corrected.write_bytes(_readings(["KPI2,2018-11,24.1,Spike after a change of threshold."]))
    sandwell = tmp_path / "sandwell.csv"
    sandwell.write_bytes(_readings([f"PI{n},2019-01,{40 + n},from upload" for n in range(1, 16)]))
    # The three imports in one interpreter (each manage.py start is seconds);
    # call_command runs each exactly as its command line does.
    imports = [(first, "birmingham"), (corrected, "birmingham"), (sandwell, "sandwell")]
    script = "from django.core.management import call_command\n" + "".join(
        f"call_command('import_readings', {str(path)!r}, '--organisation', {slug!r})\n"
        for path, slug in imports
    )
    _manage(database_url, "shell", "--no-imports", "-c", script)


# One interpreter prints kpi_status for every organisation, month and format
# (call_command writes exactly what the command line prints); the command line
# itself runs too, for each organisation's default month.
_EVERY_STATUS = f"""
import io, json
from django.core.management import call_command
out = {{}}
for slug in {ORGANISATIONS!r}:
    for period in {PERIODS!r}:
        for format in {FORMATS!r}:
            arguments = ["kpi_status", slug, "--format", format]
            arguments += ["--period", period] if period else []
            buffer = io.StringIO()
            call_command(*arguments, stdout=buffer)
            out[" ".join(arguments)] = buffer.getvalue()
print(json.dumps(out))
"""


def _statuses(database_url):
    """name → exactly what kpi_status printed."""
    every = _manage(database_url, "shell", "--no-imports", "-c", _EVERY_STATUS).stdout
    out = {name: text.encode() for name, text in json.loads(every).items()}
    # The command line too, in the contract's format (each run is a new
    # interpreter: seconds each, so not every format again).
    for slug in ORGANISATIONS:
        arguments = ["kpi_status", slug, "--format", "csv"]
        out["command line: " + " ".join(arguments)] = _manage(database_url, *arguments).stdout
    return out


_COUNTS = """
import json
from kpis.models import MonthlyReturn, Reading, Target
reading = Reading.objects.get(kpi__code="KPI2", period="2018-11-01")
print(json.dumps({
    "reading history": Reading.history.count(),
    "target history": Target.history.count(),
    "return history": MonthlyReturn.history.count(),
    "readings": Reading.objects.count(),
    "KPI2 November": [str(h.value) for h in reading.history.order_by("history_id")],
}))
"""


def _counts(database_url):
    return json.loads(_manage(database_url, "shell", "--no-imports", "-c", _COUNTS).stdout)


@pytest.fixture(scope="module")
def backed_up(django_db_setup, django_db_blocker, tmp_path_factory):
    """A loaded database and its backup, made once for the round trip, the
    refusal and the file's mode (each migrate is seconds in a subprocess)."""
    directory = tmp_path_factory.mktemp("backup")
    with django_db_blocker.unblock():
        scratch = _Postgres() if connection.vendor == "postgresql" else _SQLite(directory)
        try:
            source = scratch.create("source")
            _load(source, directory)
            backup = directory / "trustmonitor.backup"
            old = os.umask(0o022)  # the usual umask, which alone would give 0644
            try:
                made = _manage(source, "backup", str(backup))
            finally:
                os.umask(old)
            yield SimpleNamespace(scratch=scratch, source=source, backup=backup, made=made)
        finally:
            scratch.drop_all()


def test_a_restored_backup_prints_the_same_status_for_every_organisation(backed_up):
    before = _statuses(backed_up.source)
    counts = _counts(backed_up.source)
    assert counts["reading history"] == 15 * 3 + 1  # 45 imported, 1 corrected
    assert counts["KPI2 November"] == ["62.0000", "24.1000"]

    assert b"Backed up to" in backed_up.made.stdout
    restored = backed_up.scratch.create("restored")
    done = _manage(restored, "restore", str(backed_up.backup))
    assert b"Restored" in done.stdout

    after = _statuses(restored)
    assert after.keys() == before.keys()
    for name in before:
        assert before[name], name
        assert after[name] == before[name], name
    assert _counts(restored) == counts


def test_it_never_restores_over_a_database_with_tables(backed_up):
    refused = _manage(backed_up.source, "restore", str(backed_up.backup), check=False)
    assert refused.returncode != 0
    assert NOT_EMPTY.split("{name!r} ")[1][:60] in refused.stderr.decode()
    assert _counts(backed_up.source)["readings"] > 0  # nothing of it touched


def test_a_backup_is_readable_by_its_owner_only(backed_up):
    assert stat.S_IMODE(backed_up.backup.stat().st_mode) == 0o600
    assert backed_up.backup.stat().st_size > 0


def test_it_never_overwrites_a_backup(scratch, tmp_path):
    source = scratch.create("source")
    backup = tmp_path / "trustmonitor.backup"
    backup.write_bytes(b"an older backup")
    refused = _manage(source, "backup", str(backup), check=False)
    assert refused.returncode != 0
    assert b"already exists: choose a new file name" in refused.stderr
    assert backup.read_bytes() == b"an older backup"
