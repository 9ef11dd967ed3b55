from django.core.management.base import BaseCommand, CommandError

from kpis import exports
from kpis.formatting import band, with_unit
from kpis.models import Organisation
from kpis.periods import PeriodError, parse_period
from kpis.rating import STATUS_LABELS
from kpis.selectors import not_held_reason, status_table


class Command(BaseCommand):
    help = "Print each KPI's RAG status for one month (default: latest month with data)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", metavar="SLUG")
        parser.add_argument("--period", metavar="YYYY-MM")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument(
            "--published",
            action="store_true",
            help="Only what scrutiny members see: months whose return is submitted or accepted "
            "(default: every reading held, drafts too).",
        )

    def handle(self, *args, organisation, period, format, published, **options):
        try:
            org = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist:
            known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No organisation with slug {organisation!r} (known: {known})."
            ) from None
        try:
            month = parse_period(period) if period else None
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if month and (reason := not_held_reason(organisation=org, period=month)):
            raise CommandError(reason)

        table = status_table(organisation=org, period=month, drafts=not published)
        if table.period is None:
            raise CommandError(
                f"{org.name} has no {'published ' if published else ''}readings yet."
            )
        if format == "csv":
            exports.write_status_csv(table, self.stdout)
        elif format == "json":
            self.stdout.write(exports.status_json(table))
        else:
            self._write_table(table)

    def _write_table(self, table):
        headers = ["KPI", "Value", "Target", "Band", "Status", "12m", "Title"]
        lines = [
            [
                row.kpi.code,
                with_unit(row.value, row.kpi.unit),
                with_unit(row.target, row.kpi.unit),
                band(row.lower, row.upper, row.kpi.unit),
                STATUS_LABELS[row.status],
                row.met_or_within_12m,
                row.kpi.title,
            ]
            for row in table.rows
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(headers, *lines, strict=False)]
        self.stdout.write(f"{table.organisation.name} — {table.period:%B %Y}")
        for line in [headers, *lines]:
            cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths[:-1], strict=True)]
            self.stdout.write("  ".join([*cells, line[-1]]).rstrip())
