"""Write a SYNTHETIC national data set for benchmarks (never real data)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.synthetic import SyntheticDataExists, delete_national, write_national
from kpis.periods import PeriodError, parse_period
from kpis.rating import last_overdue_month


class Command(BaseCommand):
    help = (
        "Write SYNTHETIC organisations (slugs synthetic-national-NNN), each with KPIs, "
        "monthly readings, targets, comparators and monthly returns, for benchmarks. "
        "Refuses if SYNTHETIC national data exists, unless --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=150)
        parser.add_argument("--kpis", type=int, default=40, help="KPIs per organisation")
        parser.add_argument("--months", type=int, default=120)
        parser.add_argument(
            "--last",
            metavar="YYYY-MM",
            help="Latest month (default: the latest month whose return is due)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing SYNTHETIC national data first"
        )

    def handle(self, *args, organisations, kpis, months, last, seed, replace, **options):
        if min(organisations, kpis, months) < 1:
            raise CommandError("--organisations, --kpis and --months must be at least 1.")
        try:
            last = parse_period(last) if last else last_overdue_month(timezone.localdate())
        except PeriodError as error:
            raise CommandError(str(error)) from None
        start = time.perf_counter()

        def progress(message):
            self.stdout.write(f"[{time.perf_counter() - start:6.1f} s] {message}")

        if replace:
            removed = delete_national(progress=progress)
            progress(f"removed {removed} SYNTHETIC organisations")
        try:
            counts = write_national(
                organisations=organisations,
                kpis_each=kpis,
                month_count=months,
                last=last,
                seed=seed,
                progress=progress,
            )
        except SyntheticDataExists as error:
            raise CommandError(str(error)) from None
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"SYNTHETIC national data written in {time.perf_counter() - start:.1f} s: "
                f"{summary}."
            )
        )
