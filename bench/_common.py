"""Set-up shared by the bench scripts: environment, Django, the SYNTHETIC
national data, a user, timing through Django's full handler, and the machine.

Import it first (``from bench import _common``): it puts the project on the
path, sets production settings (DEBUG off) and calls ``django.setup()``.
Uses a scratch SQLite file unless DATABASE_URL is set; the national figures
in docs/performance.md are on PostgreSQL
(``DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national``).
"""

import datetime as dt
import gc
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/trustmonitor-bench.sqlite3")
os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustmonitor.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

BENCH_USER = "synthetic-bench"
# The first SYNTHETIC national organisation: the one the page benches time.
SLUG = "synthetic-national-001"


def prepare(*, static: bool = True, organisations: int | None = None) -> None:
    """Migrate, collect static files (the pages link the manifest's names) and
    make sure the SYNTHETIC national data exists (written if absent: the full
    150 organisations on PostgreSQL, 3 on SQLite unless told)."""
    call_command("migrate", verbosity=0)
    if static:
        call_command("collectstatic", interactive=False, verbosity=0)
    from bench.synthetic import existing_organisations

    if not existing_organisations().exists():
        if organisations is None:
            organisations = 150 if connection.vendor == "postgresql" else 3
        call_command(
            "generate_synthetic_national",
            organisations=organisations,
            kpis=40,
            months=120,
            last="2026-10",
        )
    # As gunicorn.conf.py's post_worker_init does: what start-up loaded is
    # frozen out of the collector's sight, so full collections stay short.
    gc.collect()
    gc.freeze()


def bench_user(username: str = BENCH_USER) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"is_superuser": True})
    return user


def machine() -> str:
    return (
        f"database: {connection.vendor}; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}, "
        f"Python {platform.python_version()}, date {dt.date.today()}"
    )


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(0, int(round(fraction * len(sorted_values))) - 1)]


def count_queries(call) -> tuple[object, int]:
    """(call's result, queries it ran)."""
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        result = call()
    return result, len(queries)


def time_calls(call, repeats: int) -> dict:
    """p50, p95 and best of ``repeats`` calls in milliseconds, after one
    untimed warm-up call whose queries are counted."""
    result, queries = count_queries(call)
    timings, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    return {
        "result": result,
        "queries": queries,
        "best": timings[0],
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        # This process's CPU time (not the database's): steadier than the
        # wall clock when other work shares the machine.
        "cpu": statistics.median(cpu),
    }


def time_get(client, url: str, repeats: int) -> dict:
    """Server time of GET ``url`` through Django's full handler (middleware,
    view, selectors, template), checked to answer 200."""

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    figures = time_calls(get, repeats)
    figures["bytes"] = len(figures.pop("result").content)
    return figures


def line(label: str, figures: dict) -> str:
    extra = f", {figures['bytes'] / 1024:.0f} kB" if "bytes" in figures else ""
    return (
        f"{label:<34} p50 {figures['p50']:6.0f} ms  p95 {figures['p95']:6.0f} ms  "
        f"best {figures['best']:6.0f} ms  cpu p50 {figures['cpu']:5.0f} ms  "
        f"{figures['queries']:>3} queries{extra}"
    )
