"""DfE's published statistics for the demo: the files in ``data/dfe/``, the
measures made of them and the seed KPIs linked to them. Loaded by
``manage.py load_national_demo`` (in one transaction) and by the background
task behind the national load page (each file in its own, with progress).
"""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kpis.models import KPI
from kpis.status_cache import status_version_bump
from national.ees import StatisticsFileError
from national.models import LoadState, Measure, NationalLoad
from national.neighbour_files import NeighbourFileError
from national.services import measure_import, neighbour_model_import


class LoadError(Exception):
    """A file of ``data/dfe/`` was refused; the message names it and why."""


CSWW = "csww_indicators_2017_to_2025.csv"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
AS_AT_SEPTEMBER = "as at 30 September"
YEAR_TO_MARCH = "the year to 31 March"

# slug, file, indicator, --where, title, polarity, unit, which year a figure is for
MEASURES = [
    ("vacancy-rate", CSWW, "vacancy_rate_fte", {},
     "Social worker vacancy rate (FTE)", "lower", "percent", AS_AT_SEPTEMBER),
    ("turnover-rate", CSWW, "turnover_rate_fte", {},
     "Social worker turnover rate (FTE)", "lower", "percent", AS_AT_SEPTEMBER),
    ("agency-rate", CSWW, "agency_rate_fte", {},
     "Agency social worker rate (FTE)", "lower", "percent", AS_AT_SEPTEMBER),
    ("caseload", CSWW, "caseload_fte", {},
     "Average caseload per case-holding social worker (FTE)", "lower", "average",
     AS_AT_SEPTEMBER),
    ("rereferrals", C1, "rereferral_percent", {"category": "Referrals and Re-referrals"},
     "Re-referrals within 12 months of a previous referral", "lower", "percent",
     YEAR_TO_MARCH),
    ("cpp-subsequent", D3, "CPP_subsequent_percent",
     {"category": "Child Protection Plans which are a second or subsequent plan"},
     "Child protection plans that are a second or subsequent plan (ever)", "lower", "percent",
     YEAR_TO_MARCH),
]  # fmt: skip

# Imported in this order, so the 2025 model is the latest (the default).
NEIGHBOUR_MODELS = [
    ("DfE 2021", "New_Statistical_Neighbour_Groupings_April_2021.csv"),
    ("DfE 2025", "sn_model_2025_wide.csv"),
]

# Only where the KPI's definition counts what the measure counts (docs/national.md
# says why each is linked, and why the near misses are not).
LINKS = [
    ("birmingham", "KPI2", "rereferrals"),
    ("birmingham", "KPI14", "caseload"),
    ("sandwell", "PI13", "vacancy-rate"),
    ("sandwell", "PI14", "caseload"),
]


STEPS = len(MEASURES) + len(NEIGHBOUR_MODELS) + 1


def national_demo_load(*, progress: Callable[[int, str], None] = lambda step, line: None):
    """Import every measure and neighbour model, then link the seed KPIs;
    ``progress(step, line)`` after each of the ``STEPS`` steps. Each import
    replaces its measure or model whole, so running it again is safe."""
    folder = settings.BASE_DIR / "data" / "dfe"
    step = 0
    for slug, name, indicator, where, title, polarity, unit, year_note in MEASURES:
        data = (folder / name).read_bytes()
        try:
            result = measure_import(
                slug=slug, name=name, data=data, indicator=indicator, where=where,
                title=title, polarity=polarity,
            )  # fmt: skip
        except StatisticsFileError as error:
            raise LoadError(f"{name}: {error}") from None
        if result.errors:
            raise LoadError(f"{name}: {result.errors[0]}")
        Measure.objects.filter(slug=slug).update(unit=unit, year_note=year_note)
        step += 1
        progress(step, f"{slug}: {result.saved} values from {name}")
    for model, name in NEIGHBOUR_MODELS:
        try:
            result = neighbour_model_import(
                model=model, name=name, data=(folder / name).read_bytes()
            )
        except NeighbourFileError as error:
            raise LoadError(f"{name}: {error}") from None
        if result.errors:
            raise LoadError(f"{name}: {result.errors[0]}")
        step += 1
        progress(step, f"{model}: {result.local_authorities} local authorities")
    linked = 0
    for organisation, code, slug in LINKS:
        linked += KPI.objects.filter(organisation__slug=organisation, code=code).update(
            national_measure=Measure.objects.get(slug=slug)
        )
    # update() sends no signals; the dashboards' cached KPIs carry the link.
    status_version_bump(organisation_id=None)
    progress(step + 1, f"{linked} KPIs linked to a national measure.")


# --- the same load as background work, with its progress on a page ----------


def national_load_start(*, user) -> NationalLoad:
    """Queue a load for the worker; the page follows its ``NationalLoad`` row."""
    from national.tasks import national_load_run  # the task module imports this one

    load = NationalLoad.objects.create(started_by=user, steps=STEPS)
    transaction.on_commit(partial(national_load_run.enqueue, load.pk))
    return load


def national_load_run(*, load_id: int) -> None:
    """Run a queued load, writing its progress after each file. Not one
    transaction, so the page sees each step: each file is imported whole or
    not at all, and a refused file stops the load with the earlier ones in."""
    loads = NationalLoad.objects.filter(pk=load_id)
    loads.update(state=LoadState.RUNNING)
    lines = []

    def progress(step: int, line: str) -> None:
        lines.append(line)
        loads.update(step=step, log="\n".join(lines))

    try:
        national_demo_load(progress=progress)
    except Exception as error:
        loads.update(state=LoadState.FAILED, error=str(error), finished_at=timezone.now())
        raise
    loads.update(state=LoadState.DONE, finished_at=timezone.now())
