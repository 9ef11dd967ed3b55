"""Every chart plots and hovers readings in the KPI's own unit, whatever the
number of readings: below, at and above SPC's 15-reading threshold, through
the JSON the page hands to Plotly (the SPC chart once plotted percentages
10,000 times too large below 15 readings)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Organisation, Reading, Target
from kpis.periods import add_months
from tests.kpis.views.test_kpi_detail import _plotted
from tests.publication import accept_months

START = dt.date(2010, 1, 1)


def _kpi_with(count: int) -> tuple[KPI, list[Decimal]]:
    """A made-up (TEST) percent KPI with ``count`` monthly readings of 50–54.5 %."""
    organisation = Organisation.objects.create(name="Test trust (made up)", slug="test-trust")
    kpi = KPI.objects.create(
        organisation=organisation, code="T1", title="Test KPI", unit="percent", polarity="higher"
    )
    Target.objects.create(kpi=kpi, valid_from=START, value=52, lower=50, upper=55)
    values = [Decimal(50) + Decimal(i % 10) / 2 for i in range(count)]
    months = [add_months(START, i) for i in range(count)]
    Reading.objects.bulk_create(
        Reading(kpi=kpi, period=month, value=value)
        for month, value in zip(months, values, strict=True)
    )
    accept_months(organisation, months)
    return kpi, values


def _figure(client, user, view):
    client.force_login(user)
    url = reverse("kpi_detail", args=["test-trust", "T1"]) + ("?view=spc" if view == "spc" else "")
    return client.get(url).context["figure"]


def _ys(figure, names):
    return [y for t in figure["data"] if t.get("name") in names for y in _plotted(t)]


@pytest.mark.parametrize("count", [1, 2, 12, 14, 15, 120])
def test_the_trend_chart_plots_percentages(client, member, count):
    _, values = _kpi_with(count)
    figure = _figure(client, member, "trend")
    assert _ys(figure, {"Trend"}) == [float(v) for v in values]
    # Every plotted point (status markers too) sits in the readings' range.
    markers = _ys(figure, {"Green", "Amber", "Red"})
    assert len(markers) == count
    assert all(50 <= y <= 54.5 for y in markers)


@pytest.mark.parametrize("count", [1, 2, 12, 14, 15, 120])
def test_the_spc_chart_plots_and_hovers_percentages(client, member, count):
    _, values = _kpi_with(count)
    figure = _figure(client, member, "spc")
    assert _ys(figure, {"Readings"})[:count] == [float(v) for v in values]
    mean = _ys(figure, {"Mean"})
    expected = float(sum(values) / len(values))
    assert mean and all(abs(m - expected) < 1e-9 for m in mean)
    hovers = [
        c[0]
        for t in figure["data"]
        if t.get("mode") == "markers"
        for c in t.get("customdata") or []
    ]
    assert sorted(hovers) == sorted(f"{v.normalize():f}%" for v in values)
    limits = _ys(figure, {"Upper process limit", "Lower process limit"})
    # Limits only from 15 readings, and then about the mean in the same unit.
    assert bool(limits) == (count >= 15)
    assert all(40 < y < 65 for y in limits)
