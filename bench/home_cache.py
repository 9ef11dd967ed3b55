"""The home page and a dashboard, cold and warm, through the status cache.

SYNTHETIC national data: 500 organisations × 15 KPIs × 120 months (written
if absent), a scrutiny member (sees every organisation, no drafts). Cold:
the cache emptied before each request, so every organisation is rated
again; warm: the entries of the versions in the database are there; and between
the two, one organisation's version moved on before each request (a write). Server
time through Django's full handler (DEBUG off); the cache is Redis when
CACHE_URL is set, as in production, else this process's memory.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national500 \
     CACHE_URL=redis://127.0.0.1:6379/0 CACHE_KEY_PREFIX=bench-home \
     .venv/bin/python bench/home_cache.py [requests]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.synthetic import existing_organisations  # noqa: E402
from kpis.access import SCRUTINY_MEMBER  # noqa: E402
from kpis.status_cache import status_version_bump  # noqa: E402

ORGANISATIONS, KPIS, MONTHS = 500, 15, 120
AIM_P95_MS = 300


def prepare() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    count = existing_organisations().count()
    if count != ORGANISATIONS:
        call_command(
            "generate_synthetic_national", organisations=ORGANISATIONS, kpis=KPIS,
            months=MONTHS, last="2026-10", replace=bool(count),
        )  # fmt: skip
    _common.gc.collect()
    _common.gc.freeze()


def member() -> User:
    user, _ = User.objects.get_or_create(username="synthetic-bench-member")
    user.groups.add(Group.objects.get_or_create(name=SCRUTINY_MEMBER)[0])
    return user


def main(requests: int = 20) -> None:
    prepare()
    client = Client()
    client.force_login(member())
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(_common.machine())
    print(
        f"SYNTHETIC {ORGANISATIONS} organisations × {KPIS} KPIs × {MONTHS} months; "
        f"cache {backend}; {requests} requests each"
    )
    pages = {"home": "/", "dashboard": f"/o/{_common.SLUG}/"}
    for label, url in pages.items():

        def cold(url=url):
            cache.clear()
            return client.get(url)

        figures = _common.time_calls(cold, requests)
        figures["bytes"] = len(figures.pop("result").content)
        print(_common.line(f"{label}, cold (cache emptied)", figures))
        if label == "home":
            # The usual case after a write: one organisation's version moved
            # on, so only its card is worked out again.
            organisation = existing_organisations().first()

            def one_changed(url=url, organisation=organisation):
                status_version_bump(organisation_id=organisation.pk)
                return client.get(url)

            figures = _common.time_calls(one_changed, requests)
            figures["bytes"] = len(figures.pop("result").content)
            print(_common.line(f"{label}, one organisation changed", figures))
        figures = _common.time_get(client, url, requests)
        print(_common.line(f"{label}, warm", figures))
        if label == "home":
            verdict = "meets" if figures["p95"] < AIM_P95_MS else "MISSES"
            print(f"  warm home p95 {figures['p95']:.0f} ms {verdict} the aim of {AIM_P95_MS} ms")
    cache.clear()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
