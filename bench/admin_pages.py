"""Time the admin changelists over the SYNTHETIC national set (720,000 readings).

Server time through Django's full handler with DEBUG off (bench/_common.py),
logged in as a superuser: each changelist's first page, a search, a filter,
a deep page and the date drill-down; p50, p95, best, CPU, queries, size.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/admin_pages.py [requests]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.test import Client  # noqa: E402

from kpis.models import Organisation  # noqa: E402


def pages() -> dict[str, str]:
    organisation = Organisation.objects.get(slug=_common.SLUG)
    return {
        "readings": "/admin/kpis/reading/",
        "readings, search SYN1": "/admin/kpis/reading/?q=SYN1",
        "readings, search a title word": "/admin/kpis/reading/?q=synthetic",
        "readings, one organisation": (
            f"/admin/kpis/reading/?kpi__organisation__id__exact={organisation.pk}"
        ),
        "readings, page 7,000": "/admin/kpis/reading/?p=7000",
        "readings, year 2026": "/admin/kpis/reading/?period_year=2026",
        "targets": "/admin/kpis/target/",
        "KPIs": "/admin/kpis/kpi/",
        "KPIs, search": "/admin/kpis/kpi/?q=SYN1",
        "comparators": "/admin/kpis/comparator/",
    }


def main(requests: int = 20) -> None:
    _common.prepare()
    client = Client()
    user = _common.bench_user()
    user.is_staff = True  # the admin site asks for staff as well as superuser
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    print(_common.machine())
    print(f"SYNTHETIC national set, admin changelists, {requests} requests each")
    for label, url in pages().items():
        print(_common.line(label, _common.time_get(client, url, requests)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
