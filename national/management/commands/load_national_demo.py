"""``manage.py load_national_demo``: DfE's published statistics for the demo.

Imports the measures and both neighbour models from ``data/dfe/`` (DfE's
files as published) and links the seed KPIs whose definitions match a
measure. Safe to run again: each import replaces its measure or model.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kpis.models import KPI
from national.models import Measure
from national.services import measure_import, neighbour_model_import

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


class Command(BaseCommand):
    help = "Import DfE's statistics from data/dfe/ for the demo and link the matching seed KPIs."

    @transaction.atomic
    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "data" / "dfe"
        for slug, name, indicator, where, title, polarity, unit, year_note in MEASURES:
            data = (folder / name).read_bytes()
            result = measure_import(
                slug=slug, name=name, data=data, indicator=indicator, where=where,
                title=title, polarity=polarity,
            )  # fmt: skip
            if result.errors:
                raise CommandError(f"{name}: {result.errors[0]}")
            Measure.objects.filter(slug=slug).update(unit=unit, year_note=year_note)
            self.stdout.write(f"{slug}: {result.saved} values from {name}")
        for model, name in NEIGHBOUR_MODELS:
            result = neighbour_model_import(
                model=model, name=name, data=(folder / name).read_bytes()
            )
            if result.errors:
                raise CommandError(f"{name}: {result.errors[0]}")
            self.stdout.write(f"{model}: {result.local_authorities} local authorities")
        linked = 0
        for organisation, code, slug in LINKS:
            linked += KPI.objects.filter(organisation__slug=organisation, code=code).update(
                national_measure=Measure.objects.get(slug=slug)
            )
        self.stdout.write(f"{linked} KPIs linked to a national measure.")
