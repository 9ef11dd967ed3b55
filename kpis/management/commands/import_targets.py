"""``manage.py import_targets PATH --organisation SLUG [--dry-run]``.

Columns kpi,valid_from,target,lower,upper. A thin wrapper around
``targets_import()``: all-or-nothing, every bad row printed, exit status 1.
"""

from django.core.management.base import BaseCommand

from kpis.formatting import plain
from kpis.imports.files import ImportFileError
from kpis.imports.targets import targets_import
from kpis.management.commands.import_readings import (
    log_outcome,
    organisation_by_slug,
    read_file,
    refuse_file,
    report,
)


def _band(target, lower, upper) -> str:
    if target is None:
        return "target not yet agreed"
    return f"{plain(target)} ({plain(lower)}–{plain(upper)})"


def _describe_target(row, previous=None) -> str:
    new = _band(row.target, row.lower, row.upper)
    change = new if previous is None else f"{_band(*previous)} → {new}"
    return f"row {row.row}: {row.kpi_code} from {row.valid_from.isoformat()} {change}"


class Command(BaseCommand):
    help = (
        "Import targets and tolerance bands from a CSV or XLSX file with columns "
        "kpi,valid_from,target,lower,upper. All-or-nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--organisation", metavar="SLUG", required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and preview the file; save nothing."
        )

    def handle(self, *args, path, organisation, dry_run, **options):
        name, data = read_file(path)
        org = organisation_by_slug(organisation)
        try:
            result = targets_import(organisation=org, name=name, data=data, dry_run=dry_run)
        except ImportFileError as error:
            raise refuse_file("targets", path, error, organisation=org, name=name) from None
        log_outcome("targets", result, organisation=org, name=name)
        report(
            self,
            path,
            result,
            _describe_target,
            preview=dry_run or options["verbosity"] >= 2,
        )
