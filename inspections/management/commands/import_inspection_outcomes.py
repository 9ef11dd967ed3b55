"""``manage.py import_inspection_outcomes PATH``.

Ofsted's "Local authority inspection outcomes" file (.ods, as published; see
data/ofsted/). A thin wrapper around ``inspection_outcomes_import()``:
all-or-nothing, every bad row printed, exit status 1; re-importing replaces
the earlier import.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.outcomes import MAX_FILE_BYTES, OutcomesFileError, OutcomesRowErrors
from inspections.services import inspection_outcomes_import
from trustmonitor.security import command_line_user, log_event


class Command(BaseCommand):
    help = (
        "Import Ofsted's 'Local authority inspection outcomes' spreadsheet (every LA's latest "
        "ILACS judgements and the ILACS history). All-or-nothing; replaces the earlier import."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")

    def handle(self, *args, path, **options):
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)  # one byte over is enough to refuse
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        name = Path(path).name
        try:
            result = inspection_outcomes_import(name=name, data=data)
        except OutcomesFileError as error:
            log_event(
                "inspection_outcomes_import_refused",
                user=command_line_user(),
                file=name,
                reason=str(error),
            )
            raise CommandError(f"{path}: {error}") from None
        except OutcomesRowErrors as error:
            count = len(error.errors)
            log_event(
                "inspection_outcomes_import_refused", user=command_line_user(), file=name,
                reason=f"{count} bad rows",
            )  # fmt: skip
            lines = "\n".join(f"  {e}" for e in error.errors)
            s = "" if count == 1 else "s"
            raise CommandError(f"{path}: {count} bad row{s}; nothing was saved:\n{lines}") from None
        log_event(
            "inspection_outcomes_imported", user=command_line_user(), file=name,
            inspections=result.inspections, as_at=result.release.as_at.isoformat(),
        )  # fmt: skip
        self.stdout.write(f"{path}: {result.summary()}")
