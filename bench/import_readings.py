"""Time readings_import() on SYNTHETIC files: a 10,000-row long CSV (40 KPIs ×
250 months) and a 40 × 120 wide XLSX, through the same service as the upload
page and ``manage.py import_readings``, history included (set-up in
bench/_common.py).

Each file is timed three ways: all rows new, all rows changed, all unchanged;
and as a dry run (the upload page's preview). Uses a scratch SQLite file
unless DATABASE_URL is set. Prints figures; asserts nothing.
Run: .venv/bin/python bench/import_readings.py
"""

import datetime as dt
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.contrib.auth.models import User  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.synthetic import POLARITIES, months  # noqa: E402
from kpis.imports.readings import readings_import  # noqa: E402
from kpis.models import KPI, MonthlyReturn, Organisation, Reading  # noqa: E402

SLUG = "synthetic-import-bench-trust"
KPI_COUNT = 40


def build() -> Organisation:
    remove()
    organisation = Organisation.objects.create(name="SYNTHETIC import bench trust", slug=SLUG)
    KPI.objects.bulk_create(
        KPI(
            organisation=organisation,
            code=f"SYN{n}",
            title=f"SYNTHETIC KPI {n}",
            unit="percent",
            polarity=POLARITIES[n % 3],
            precision=1,
            order=n,
        )
        for n in range(KPI_COUNT)
    )
    return organisation


def remove() -> None:
    """Delete the synthetic organisation and all its history (history rows
    have no foreign-key constraint, so a cascade leaves them behind)."""
    kpi_ids = list(KPI.objects.filter(organisation__slug=SLUG).values_list("pk", flat=True))
    return_ids = list(
        MonthlyReturn.objects.filter(organisation__slug=SLUG).values_list("pk", flat=True)
    )
    # The cascade records each deleted reading and return in the history
    # first, so clear the history after it.
    Organisation.objects.filter(slug=SLUG).delete()
    Reading.history.filter(kpi_id__in=kpi_ids).delete()
    MonthlyReturn.history.filter(id__in=return_ids).delete()


def _value(k: int, i: int, shift: int) -> str:
    return f"{50 + (i * 7 + k + shift) % 400 / 10:.1f}"


def long_csv(month_count: int, shift: int = 0) -> bytes:
    # From 2000-01, the first month the app holds (kpis.periods.EARLIEST_PERIOD).
    periods = months(month_count, dt.date(2000, 1, 1))
    lines = ["kpi,period,value,commentary"]
    lines += [
        f"SYN{k},{period:%Y-%m},{_value(k, i, shift)},SYNTHETIC"
        for k in range(KPI_COUNT)
        for i, period in enumerate(periods)
    ]
    return ("\n".join(lines) + "\n").encode()


def wide_xlsx(month_count: int, shift: int = 0) -> bytes:
    periods = months(month_count, dt.date(2010, 1, 1))
    book = Workbook()
    sheet = book.active
    sheet.append(["kpi", "title", *(dt.datetime(p.year, p.month, 1) for p in periods)])
    for k in range(KPI_COUNT):
        values = [float(_value(k, i, shift)) for i in range(month_count)]
        sheet.append([f"SYN{k}", f"SYNTHETIC KPI {k}", *values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label: str, organisation, user, name: str, data: bytes, **kwargs) -> None:
    start = time.perf_counter()
    # The synthetic sawtooth is unusual by the process limits: the timing
    # includes the plausibility check, and then saves as confirmed.
    result = readings_import(
        organisation=organisation, name=name, data=data, user=user, accept_unusual=True, **kwargs
    )
    seconds = time.perf_counter() - start
    rows = len(result.new) + len(result.changed) + len(result.unchanged)
    if result.errors:
        raise SystemExit(f"{label}: unexpected errors, first {result.errors[0]}")
    print(
        f"  {label:<34} {rows:>6,} rows  {seconds:6.2f} s  {rows / seconds:>8,.0f} rows/s"
        f"  ({result.summary()})"
    )


def run(label: str, name: str, make, month_count: int, user) -> None:
    organisation = build()
    first, second = make(month_count), make(month_count, shift=3)
    print(f"{label} ({len(first) / 1024:.0f} kB):")
    timed("dry run (preview), all new", organisation, user, name, first, dry_run=True)
    timed("import, all new", organisation, user, name, first)
    timed("import, all changed", organisation, user, name, second)
    timed("import, all unchanged", organisation, user, name, second)


def main() -> None:
    _common.prepare(static=False)
    user, _ = User.objects.get_or_create(username="synthetic-import-bench")
    print(_common.machine())
    try:
        run("SYNTHETIC long CSV, 40 KPIs × 250 months", "bench.csv", long_csv, 250, user)
        run("SYNTHETIC wide XLSX, 40 KPIs × 120 months", "bench.xlsx", wide_xlsx, 120, user)
    finally:
        remove()


if __name__ == "__main__":
    main()
