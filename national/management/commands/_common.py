"""What the national commands share: reading the file, printing a refusal."""

from pathlib import Path

from django.core.management.base import CommandError

# Enough for any EES open-data CSV; one byte more is read so the parser can refuse it.
READ_LIMIT = 50 * 1024 * 1024 + 1

REFUSED = "{path}: nothing imported, {count} bad row{s}:"


def read_file(path: str) -> tuple[str, bytes]:
    try:
        with open(path, "rb") as handle:
            return Path(path).name, handle.read(READ_LIMIT)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None


def refuse_rows(command, path: str, errors: list) -> CommandError:
    """Print every bad row to stderr; the CommandError to raise (exit status 1)."""
    s = "" if len(errors) == 1 else "s"
    command.stderr.write(REFUSED.format(path=path, count=len(errors), s=s))
    for error in errors:
        command.stderr.write(f"  {error}")
    return CommandError(f"{path}: {len(errors)} bad row{s}; nothing was imported.")
