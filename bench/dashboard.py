"""Time the dashboard for one SYNTHETIC organisation of 40 KPIs × 120 months.

Server time is measured through Django's full request handler (test client:
middleware, view, selectors, rating, template), with production settings
(DEBUG off). Uses a scratch SQLite file unless DATABASE_URL is set.
Run: .venv/bin/python bench/dashboard.py [requests]
"""

import datetime as dt
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/trustmonitor-bench.sqlite3")
os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustmonitor.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.synthetic import POLARITIES, months  # noqa: E402
from kpis.models import KPI, Organisation, Reading, Target  # noqa: E402

SLUG = "synthetic-bench-trust"


def build(kpi_count=40, month_count=120):
    Organisation.objects.filter(slug=SLUG).delete()
    organisation = Organisation.objects.create(name="SYNTHETIC bench trust", slug=SLUG)
    kpis = KPI.objects.bulk_create(
        KPI(
            organisation=organisation,
            code=f"SYN{n}",
            title=f"SYNTHETIC KPI {n}",
            unit="percent",
            polarity=POLARITIES[n % 3],
            order=n,
            service_area=f"Area {n % 5}",
        )
        for n in range(kpi_count)
    )
    Target.objects.bulk_create(
        Target(kpi=kpi, valid_from=valid_from, value=70, lower=60, upper=80)
        for kpi in kpis
        for valid_from in (dt.date(2014, 4, 1), dt.date(2020, 4, 1))
    )
    Reading.objects.bulk_create(
        (
            Reading(kpi=kpi, period=period, value=50 + (i * 7 + k) % 40, source="fixture")
            for k, kpi in enumerate(kpis)
            for i, period in enumerate(months(month_count))
        ),
        batch_size=2000,
    )
    user, _ = User.objects.get_or_create(username="synthetic-bench", is_superuser=True)
    return user


def _check(response):
    if response.status_code != 200:
        raise SystemExit(f"dashboard answered {response.status_code}")


def main(requests: int = 30) -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = build()
    client = Client()
    client.force_login(user)
    url = f"/o/{SLUG}/"
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        _check(client.get(url))
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        _check(response)
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    print(
        f"database: {connection.vendor}; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, date {dt.date.today()}"
    )
    print(
        f"dashboard, SYNTHETIC 40 KPIs × 120 months, {requests} requests: "
        f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
        f"{len(queries)} queries, {len(response.content) / 1024:.0f} kB HTML"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
