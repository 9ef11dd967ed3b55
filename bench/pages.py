"""Time the pages for one SYNTHETIC national organisation (40 KPIs × 120 months).

Server time through Django's full handler with DEBUG off (see bench/_common.py):
the dashboard, a KPI's page (trend view and SPC view), the Schedule 6 report
the returns list and the home page (every organisation's counts);
p50, p95, best, CPU, queries and HTML size.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/pages.py [requests] [page ...]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.test import Client  # noqa: E402

PAGES = {
    "dashboard": f"/o/{_common.SLUG}/",
    "kpi detail (trend)": f"/o/{_common.SLUG}/kpi/SYN1/",
    "kpi detail (spc)": f"/o/{_common.SLUG}/kpi/SYN1/?view=spc",
    "report (Schedule 6)": f"/o/{_common.SLUG}/report/2026-10/",
    "returns": f"/o/{_common.SLUG}/returns/",
    # Every organisation's counts for its latest month (the page after log-in).
    "home (all organisations)": "/",
}


def main(requests: int = 30, pages=None) -> None:
    _common.prepare()
    client = Client()
    client.force_login(_common.bench_user())
    print(_common.machine())
    print(f"SYNTHETIC organisation {_common.SLUG}, 40 KPIs × 120 months, {requests} requests each")
    for label, url in PAGES.items():
        if not pages or any(p in label for p in pages):
            print(_common.line(label, _common.time_get(client, url, requests)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30, sys.argv[2:])
