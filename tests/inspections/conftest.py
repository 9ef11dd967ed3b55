import datetime as dt

import pytest

from inspections import services
from inspections.models import BRAG, FindingKind, Grade, InspectionKind, Judgement
from kpis.models import KPI


@pytest.fixture
def visit(seeds):
    """A made-up (TEST) Birmingham inspection with one finding, linked to KPI15."""
    birmingham = seeds["birmingham"]
    inspection = services.inspection_create(
        organisation=birmingham,
        kind=InspectionKind.ILACS,
        title="TEST full inspection",
        start_date=dt.date(2018, 9, 3),
        end_date=dt.date(2018, 9, 14),
    )
    Judgement.objects.create(inspection=inspection, area="Leadership", grade=Grade.GOOD, order=1)
    Judgement.objects.create(
        inspection=inspection, area="Overall effectiveness",
        grade=Grade.REQUIRES_IMPROVEMENT, order=2,
    )  # fmt: skip
    finding = services.finding_create(
        inspection=inspection,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="TEST supervision is not consistently reflective.",
        kpis=[KPI.objects.get(organisation=birmingham, code="KPI15")],
        kpi_link_reason="Supervision in month is KPI15.",
    )
    late = services.action_create(
        finding=finding, number="1", text="TEST audit supervision records", lead="GT",
        timescale=dt.date(2023, 7, 1), timescale_text="Jul-23", status=BRAG.AMBER,
    )  # fmt: skip
    done = services.action_create(
        finding=finding, number="2", text="TEST train managers", lead="LH / GT",
        timescale=dt.date(2023, 3, 1), timescale_text="Mar-23", status=BRAG.BLUE,
    )  # fmt: skip
    return {"inspection": inspection, "finding": finding, "late": late, "done": done}
