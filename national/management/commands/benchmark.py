"""``manage.py benchmark SLUG --measure SLUG [--neighbours MODEL] [--format table|csv|json]``.

One row per published year: the organisation's LA against England, its
region, its statistical neighbours and every LA (``benchmark_rows()``).
"""

from django.core.management.base import BaseCommand, CommandError

from kpis.models import Organisation
from national import exports
from national.models import Measure, NeighbourModel
from national.selectors import BENCHMARK_COLUMNS, benchmark_rows


def _known(names) -> str:
    return ", ".join(names) or "none"


class Command(BaseCommand):
    help = (
        "Print an organisation's local authority against England, its region, its statistical "
        "neighbours and every LA, one row per year of a national measure."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", metavar="SLUG")
        parser.add_argument("--measure", metavar="SLUG", required=True)
        parser.add_argument("--neighbours", metavar="MODEL", help="Default: the latest imported")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, organisation, measure, neighbours, format, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            known = _known(Organisation.objects.values_list("slug", flat=True))
            raise CommandError(f"No organisation with slug {organisation!r} (known: {known}).")
        if not (org.old_la_code or org.new_la_code):
            raise CommandError(
                f"{org.name} has no local authority code: set its old and new LA codes "
                "in the admin."
            )
        chosen = Measure.objects.filter(slug=measure).first()
        if chosen is None:
            known = _known(Measure.objects.values_list("slug", flat=True))
            raise CommandError(f"No national measure {measure!r} (known: {known}).")
        if neighbours and not NeighbourModel.objects.filter(name=neighbours).exists():
            known = _known(NeighbourModel.objects.values_list("name", flat=True))
            raise CommandError(f"No neighbour model {neighbours!r} (known: {known}).")
        rows = benchmark_rows(organisation=org, measure=chosen, neighbours_model=neighbours)
        if format == "csv":
            exports.write_benchmark_csv(rows, self.stdout)
        elif format == "json":
            self.stdout.write(exports.benchmark_json(rows))
        else:
            self._write_table(org, chosen, rows)

    def _write_table(self, org, measure, rows):
        records = exports.benchmark_records(rows)
        lines = [[str(record[c]) for c in BENCHMARK_COLUMNS] for record in records]
        headers = list(BENCHMARK_COLUMNS)
        widths = [max(len(c) for c in col) for col in zip(headers, *lines, strict=False)]
        self.stdout.write(
            f"{org.name} (LA {org.old_la_code or org.new_la_code}) — {measure.title}"
            f" [{measure.polarity or 'no polarity'}]"
        )
        for line in [headers, *lines]:
            self.stdout.write("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))
