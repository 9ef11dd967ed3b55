"""Rate a SYNTHETIC national-scale set: 150 organisations × 40 KPIs × 120 months.

Prints the time to build the monthly series (target in force per month) and
to rate it (statuses, direction, 12-month counts, months off target).
Run: .venv/bin/python bench/rate_national.py
"""

import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustmonitor.settings")

import django  # noqa: E402

django.setup()

from bench.synthetic import national_frames  # noqa: E402
from kpis import rating  # noqa: E402


def main(repeats: int = 3) -> None:
    kpis, readings, targets = national_frames()
    print(f"SYNTHETIC national set: {len(kpis):,} KPIs, {len(readings):,} readings")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, date {dt.date.today()}"
    )
    best = None
    for run in range(repeats):
        start = time.perf_counter()
        series = rating.build_series(kpis=kpis, readings=readings, targets=targets)
        built = time.perf_counter()
        rated = rating.rate_series(series, today=dt.date(2026, 11, 23))
        done = time.perf_counter()
        print(
            f"run {run + 1}: build_series {built - start:.2f} s, "
            f"rate_series {done - built:.2f} s, total {done - start:.2f} s"
        )
        best = min(best or 1e9, done - start)
    print(f"statuses: {rated['status'].value_counts().to_dict()}")
    print(f"best total: {best:.2f} s for {len(rated):,} KPI-months")


if __name__ == "__main__":
    main()
