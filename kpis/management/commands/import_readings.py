"""``manage.py import_readings PATH [--organisation SLUG] [--dry-run] [--comparators]
[--accept-unusual]``.

A thin wrapper: the same ``readings_import()`` as the upload page. Any bad row
and nothing is saved; every bad row is printed and the exit status is 1. So
too for a value unusual for its KPI (``kpis.plausibility``), each listed with
its row and reason, unless ``--accept-unusual`` says they are right.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpis.formatting import plain
from kpis.imports.files import MAX_UPLOAD_BYTES, ImportFileError
from kpis.imports.layouts import MappingError
from kpis.imports.readings import readings_import
from kpis.imports.rows import ImportResult, file_kpi_codes, organisations_for_kpi_codes
from kpis.models import Organisation
from kpis.periods import format_period
from trustmonitor.security import command_line_user, log_event, log_import

NAME_THE_ORGANISATION = (
    "Say which organisation the readings are for with --organisation SLUG: {reason} "
    "(known: {known})."
)


def read_file(path: str) -> tuple[str, bytes]:
    """The file's name and bytes; no more than one byte past the upload limit
    is read, which is enough for the import to refuse it."""
    try:
        with open(path, "rb") as handle:
            return Path(path).name, handle.read(MAX_UPLOAD_BYTES + 1)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None


def organisation_by_slug(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise CommandError(f"No organisation with slug {slug!r} (known: {_known()}).") from None


def log_outcome(what: str, result: ImportResult, *, organisation, name: str) -> None:
    """The security log's line for a command's import of ``what`` ("readings"
    or "targets"): ``readings_imported`` or ``readings_import_refused``."""
    user = command_line_user()
    if result.errors:
        log_event(
            f"{what}_import_refused",
            user=user,
            organisation=organisation,
            file=name,
            reason=f"{len(result.errors)} bad rows",
            via="command",
        )
    elif result.unconfirmed and not result.dry_run:
        log_event(
            f"{what}_import_refused",
            user=user,
            organisation=organisation,
            file=name,
            reason=f"{len(result.unconfirmed)} unusual values",
            via="command",
        )
    elif result.saved:
        log_import(
            f"{what}_imported",
            result,
            user=user,
            organisation=organisation,
            file=name,
            via="command",
        )


def refuse_file(what: str, path, error: ImportFileError, *, organisation, name: str):
    """Log a file refused before any row was read, and the command's error."""
    log_event(
        f"{what}_import_refused",
        user=command_line_user(),
        organisation=organisation,
        file=name,
        reason=str(error),
        via="command",
    )
    return CommandError(f"{path}: {error}")


def _known() -> str:
    return ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"


def report(command: BaseCommand, path: str, result: ImportResult, describe, *, preview: bool):
    """Print the outcome; raise CommandError listing every bad row."""
    if preview:
        for row in result.new:
            command.stdout.write(f"  new      {describe(row)}")
        for row, previous in result.changed:
            command.stdout.write(f"  changed  {describe(row, previous)}")
    command.stdout.write(f"{path}: {result.summary()}")
    if result.errors:
        count = len(result.errors)
        lines = "\n".join(str(error) for error in result.errors)
        raise CommandError(
            f"{count:,} bad row{'s' if count != 1 else ''} in {path}; nothing was saved:\n{lines}"
        )


def report_mapping(command: BaseCommand, mapping, skipped) -> None:
    """Print how a trust's own sheet was read: each column's role, the rows skipped."""
    how = "remembered for these headings" if mapping.remembered else "found from the headings"
    command.stdout.write(f"Mapping ({how}; headings in row {mapping.heading_row}):")
    for column in mapping.columns:
        if column.role == "blank":
            continue
        command.stdout.write(f"  {column.letter} {column.heading!r}: {column.what}")
    if skipped:
        rows = ", ".join(f"{s.row} ({s.reason})" for s in skipped)
        command.stdout.write(f"Rows skipped: {rows}")


def report_comparators(command: BaseCommand, result: ImportResult, *, asked: bool) -> None:
    if not result.mapping or not result.mapping.comparators:
        return
    counts = (
        f"{len(result.comparators_new)} new, {len(result.comparators_changed)} changed, "
        f"{len(result.comparators_unchanged)} unchanged"
    )
    if result.comparators_saved:
        outcome = "saved"
    elif asked:
        outcome = "nothing saved"
    else:
        outcome = "not saved (add --comparators to save them)"
    command.stdout.write(f"Comparators for {result.mapping.year}: {counts}; {outcome}")


def report_unusual(command: BaseCommand, path: str, result: ImportResult) -> None:
    """List the values unusual for their KPI; refuse the file while any is
    not accepted (``--accept-unusual``)."""
    for unusual in result.unusual:
        if unusual.accepted:
            command.stdout.write(f"  unusual, accepted: {unusual}")
    if result.unconfirmed:
        count = len(result.unconfirmed)
        lines = "\n".join(str(unusual) for unusual in result.unconfirmed)
        raise CommandError(
            f"{count:,} unusual value{'s' if count != 1 else ''} in {path}; nothing was saved. "
            f"Correct them, or run again with --accept-unusual if they are right:\n{lines}"
        )


def _describe_reading(row, previous=None) -> str:
    value = (
        plain(row.value) if previous is None else f"{plain(previous.value)} → {plain(row.value)}"
    )
    return f"row {row.row}: {row.kpi_code} {format_period(row.period)} {value}"


class Command(BaseCommand):
    help = (
        "Import readings from a CSV or XLSX file (long layout kpi,period,value,commentary or "
        "wide layout kpi,<month>,<month>…). All-or-nothing: any bad row and nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="Whose readings; may be left out when the KPI codes are one organisation's.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and preview the file; save nothing."
        )
        parser.add_argument(
            "--accept-unusual",
            action="store_true",
            help="Save values unusual for their KPI (a percent given as a fraction, over ten "
            "times the median, beyond the process limits) as they are; without it the file "
            "is refused and each is listed.",
        )
        parser.add_argument(
            "--comparators",
            action="store_true",
            help="Also save the statistical neighbour, England and region averages of a "
            "trust's own sheet as comparators for the year.",
        )

    def handle(self, *args, path, organisation, dry_run, comparators, accept_unusual, **options):
        name, data = read_file(path)
        try:
            if organisation:
                org = organisation_by_slug(organisation)
            else:
                org = self._infer(name, data)
            result = readings_import(
                organisation=org,
                name=name,
                data=data,
                dry_run=dry_run,
                progress=self.stderr.write,
                save_comparators=comparators,
                accept_unusual=accept_unusual,
            )
        except MappingError as error:
            report_mapping(self, error.mapping, error.mapping.skipped)
            raise refuse_file(
                "readings", path, error, organisation=organisation, name=name
            ) from None
        except ImportFileError as error:
            raise refuse_file(
                "readings", path, error, organisation=organisation, name=name
            ) from None
        log_outcome("readings", result, organisation=org, name=name)
        if result.mapping is not None:
            report_mapping(self, result.mapping, result.skipped)
            report_comparators(self, result, asked=comparators)
        report(
            self,
            path,
            result,
            _describe_reading,
            preview=dry_run or options["verbosity"] >= 2,
        )
        report_unusual(self, path, result)

    def _infer(self, name: str, data: bytes) -> Organisation:
        owners = organisations_for_kpi_codes(codes=file_kpi_codes(name=name, data=data))
        if len(owners) == 1:
            return owners[0]
        if not owners and Organisation.objects.count() == 1:
            return Organisation.objects.get()
        if owners:
            slugs = " and ".join(o.slug for o in owners)
            reason = f"the KPI codes in the file belong to {slugs}"
        else:
            reason = "no organisation has the KPI codes in the file"
        raise CommandError(NAME_THE_ORGANISATION.format(reason=reason, known=_known()))
