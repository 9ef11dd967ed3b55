"""``manage.py import_statistics PATH --measure SLUG --indicator COLUMN
[--where COLUMN=VALUE]… [--title TEXT] [--polarity higher|lower]``.

A thin wrapper around ``measure_import()``: all-or-nothing, every bad row
printed, exit status 1.
"""

from django.core.management.base import BaseCommand, CommandError

from national.management.commands._common import read_file, refuse_rows
from national.models import GeographicLevel
from national.services import StatisticsFileError, measure_import
from trustmonitor.security import command_line_user, log_event

BAD_WHERE = "--where {text!r} is not COLUMN=VALUE, e.g. --where category=Referrals"
REPEATED_WHERE = "--where names {column!r} twice"


def parse_where(pairs: list[str]) -> dict[str, str]:
    where: dict[str, str] = {}
    for text in pairs:
        column, sep, value = text.partition("=")
        if not sep or not column.strip():
            raise CommandError(BAD_WHERE.format(text=text))
        if column.strip() in where:
            raise CommandError(REPEATED_WHERE.format(column=column.strip()))
        where[column.strip()] = value.strip()
    return where


class Command(BaseCommand):
    help = (
        "Import one indicator of a DfE explore-education-statistics open-data CSV "
        "(National, Regional and Local authority rows) as a national measure. "
        "All-or-nothing; re-importing replaces the measure's values."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--measure", metavar="SLUG", required=True)
        parser.add_argument("--indicator", metavar="COLUMN", required=True)
        parser.add_argument(
            "--where",
            metavar="COLUMN=VALUE",
            action="append",
            default=[],
            help="Keep only rows whose filter COLUMN holds VALUE (repeatable).",
        )
        parser.add_argument("--title", metavar="TEXT")
        parser.add_argument("--polarity", choices=["higher", "lower"])

    def handle(self, *args, path, measure, indicator, where, title, polarity, **options):
        where = parse_where(where)
        name, data = read_file(path)
        try:
            result = measure_import(
                slug=measure,
                name=name,
                data=data,
                indicator=indicator,
                where=where,
                title=title,
                polarity=polarity,
            )
        except StatisticsFileError as error:
            log_event(
                "statistics_import_refused", user=command_line_user(), file=name, reason=str(error)
            )
            raise CommandError(f"{path}: {error}") from None
        if result.errors:
            log_event(
                "statistics_import_refused",
                user=command_line_user(),
                file=name,
                measure=measure,
                reason=f"{len(result.errors)} bad rows",
            )
            raise refuse_rows(self, path, result.errors)
        log_event(
            "statistics_imported",
            user=command_line_user(),
            file=name,
            measure=measure,
            values=result.saved,
            replaced=result.replaced,
        )
        levels = ", ".join(
            f"{result.by_level.get(level, 0)} {label}" for level, label in GeographicLevel.choices
        )
        periods = result.periods
        span = periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"
        self.stdout.write(
            f"{result.measure.slug}: {result.saved} values imported ({levels}; {span}"
            f"{', ' + result.measure.time_identifier if result.measure.time_identifier else ''})"
            + (f", replacing {result.replaced}" if result.replaced else "")
            + (f"; {result.skipped} rows at other levels or filtered out" if result.skipped else "")
            + "."
        )
