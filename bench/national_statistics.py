"""Time DfE's national statistics: importing the CSWW file, ``benchmark``
over its 9 years, and a KPI page with a linked measure.

The statistics are real (data/dfe/, as DfE publishes them); the KPI pages
timed are the seeds' and one SYNTHETIC organisation's (bench/synthetic.py).
Prints figures; asserts nothing about time. Uses its own scratch SQLite file unless
DATABASE_URL is set:
    .venv/bin/python bench/national_statistics.py [repeats]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tm_national \
        .venv/bin/python bench/national_statistics.py [repeats]
"""

import gc
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/trustmonitor-bench-national.sqlite3")

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kpis.models import KPI, Organisation  # noqa: E402
from national.models import Measure  # noqa: E402
from national.selectors import benchmark_rows  # noqa: E402
from national.services import measure_import  # noqa: E402

CSWW = _common.ROOT / "data" / "dfe" / "csww_indicators_2017_to_2025.csv"


def main(repeats: int = 10) -> None:
    # The seeds first (their fixed primary keys), then three SYNTHETIC
    # organisations of 40 KPIs × 120 months (as bench/pages.py times on
    # SQLite), whichever the database.
    call_command("migrate", verbosity=0)
    call_command("loaddata", "birmingham", "sandwell", verbosity=0)
    _common.prepare(organisations=3)
    call_command("load_national_demo", stdout=io.StringIO())
    # The SYNTHETIC organisation stands for Birmingham's LA, its SYN1 is linked
    # to the vacancy rate: the page bench/pages.py times, with the panel.
    Organisation.objects.filter(slug=_common.SLUG).update(
        old_la_code="330", new_la_code="E08000025"
    )
    KPI.objects.filter(organisation__slug=_common.SLUG, code="SYN1").update(
        national_measure=Measure.objects.get(slug="vacancy-rate")
    )
    gc.collect()
    gc.freeze()
    print(_common.machine())
    data = CSWW.read_bytes()
    print(f"{CSWW.name}: {len(data):,} bytes, {data.count(b'\n') - 1:,} rows")

    def import_csww():
        return measure_import(
            slug="bench-vacancy", name=CSWW.name, data=data, indicator="vacancy_rate_fte",
            polarity="lower",
        )  # fmt: skip

    print(
        _common.line("import_statistics (service), CSWW", _common.time_calls(import_csww, repeats))
    )
    birmingham = Organisation.objects.get(slug="birmingham")
    measure = Measure.objects.get(slug="vacancy-rate")
    rows = benchmark_rows(organisation=birmingham, measure=measure)
    print(f"benchmark rows: {len(rows)} years ({rows[0].year}–{rows[-1].year})")
    print(
        _common.line(
            "benchmark_rows, Birmingham vacancy",
            _common.time_calls(
                lambda: benchmark_rows(organisation=birmingham, measure=measure), repeats * 5
            ),
        )
    )

    def command():
        call_command(
            "benchmark", "birmingham", "--measure", "vacancy-rate", "--format", "json",
            stdout=io.StringIO(),
        )  # fmt: skip

    print(_common.line("benchmark command (json)", _common.time_calls(command, repeats * 5)))
    client = Client()
    client.force_login(_common.bench_user())
    for label, url in (
        ("SYNTHETIC KPI page, linked (SYN1)", f"/o/{_common.SLUG}/kpi/SYN1/"),
        ("SYNTHETIC KPI page, not linked (SYN2)", f"/o/{_common.SLUG}/kpi/SYN2/"),
        ("KPI page, linked (Sandwell PI13)", "/o/sandwell/kpi/PI13/"),
        ("KPI page, not linked (Sandwell PI1)", "/o/sandwell/kpi/PI1/"),
        ("dashboard with 'vs national' (Sandwell)", "/o/sandwell/"),
        ("measure page, all LAs (vacancy 2025)", "/national/vacancy-rate/"),
    ):
        print(_common.line(label, _common.time_get(client, url, repeats * 3)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
