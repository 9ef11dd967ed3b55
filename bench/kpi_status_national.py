"""Run ``kpi_status --format json`` (statuses and SPC icons) for every
SYNTHETIC national organisation: total time and per-organisation p50/p95.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/kpi_status_national.py
"""

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.core.management import call_command  # noqa: E402

from bench.synthetic import existing_organisations  # noqa: E402


def main() -> None:
    _common.prepare(static=False)
    slugs = list(existing_organisations().values_list("slug", flat=True))
    print(_common.machine())
    timings, kpis = [], 0
    start = time.perf_counter()
    for slug in slugs:
        out = io.StringIO()
        began = time.perf_counter()
        call_command("kpi_status", slug, format="json", stdout=out)
        timings.append((time.perf_counter() - began) * 1000)
        kpis += out.getvalue().count('"kpi"')
    total = time.perf_counter() - start
    timings.sort()
    print(
        f"kpi_status --format json for {len(slugs)} SYNTHETIC organisations ({kpis:,} KPI rows): "
        f"total {total:.1f} s; per organisation p50 {statistics.median(timings):.0f} ms, "
        f"p95 {_common.percentile(timings, 0.95):.0f} ms, best {timings[0]:.0f} ms"
    )


if __name__ == "__main__":
    main()
