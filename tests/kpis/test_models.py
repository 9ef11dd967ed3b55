import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis.models import KPI, Reading, Target


def _kpi(seeds):
    return KPI.objects.get(organisation__slug="birmingham", code="KPI2")


@pytest.mark.parametrize(
    ("value", "lower", "upper"),
    [("21", "22", "24"), ("25", "17", "24")],
    ids=["lower-above-target", "target-above-upper"],
)
def test_it_refuses_a_target_outside_its_tolerance_band(seeds, value, lower, upper):
    target = Target(
        kpi=_kpi(seeds),
        valid_from=dt.date(2019, 4, 1),
        value=Decimal(value),
        lower=Decimal(lower),
        upper=Decimal(upper),
    )
    with pytest.raises(ValidationError, match="lower ≤ target ≤ upper"):
        target.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_it_keeps_one_reading_per_kpi_and_month(seeds):
    kpi = _kpi(seeds)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(kpi=kpi, period=dt.date(2018, 10, 1), value=Decimal("20"))
    assert kpi.readings.get(period=dt.date(2018, 10, 1)).value == Decimal("24")


def test_it_refuses_a_reading_dated_mid_month(seeds):
    reading = Reading(kpi=_kpi(seeds), period=dt.date(2018, 11, 15), value=Decimal("20"))
    with pytest.raises(ValidationError, match="first day of its month"):
        reading.full_clean()


@pytest.mark.parametrize(
    "fields",
    [
        {"agreed": True, "value": None, "lower": None, "upper": None},
        {"agreed": False, "value": 20, "lower": 16, "upper": 23},
        {"agreed": True, "value": 20, "lower": None, "upper": 23},
    ],
    ids=["agreed-without-figures", "not-agreed-with-figures", "half-a-band"],
)
def test_a_target_is_figures_or_not_yet_agreed_never_half(seeds, fields):
    kpi = KPI.objects.get(organisation__slug="birmingham", code="KPI2")
    target = Target(kpi=kpi, valid_from=dt.date(2019, 4, 1), **fields)
    with pytest.raises(ValidationError, match="a target not yet agreed has none"):
        target.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()
