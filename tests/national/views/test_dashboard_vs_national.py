"""The dashboard's "vs national" column: the month's value against England, read with polarity."""

import csv
import io

import pytest
from django.urls import reverse

from kpis.models import KPI
from national.models import Measure

# The seeds' Sandwell values for Dec 2018 (the latest month): PI13 28.8%
# (lower is better), PI3 82.1% (higher is better), PI14 18.8 (average).


def _link(code, measure, **kpi_fields):
    KPI.objects.filter(organisation__slug="sandwell", code=code).update(
        national_measure=measure, **kpi_fields
    )


def _cells(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard", args=["sandwell"]))
    html = response.content.decode()
    return response, html


def _sentence(response, code):
    row = next(r for r in response.context["rows"] if r.kpi.code == code)
    comparison = response.context["national"].get(row.kpi.pk)
    return comparison.sentence() if comparison else ""


@pytest.mark.parametrize(
    ("code", "england", "expected"),
    [
        # lower is better: 28.8 against 30 is better, against 20 worse, 28.8 the same
        ("PI13", "30", "Better than England (2018: 30%)"),
        ("PI13", "20", "Worse than England (2018: 20%)"),
        ("PI13", "28.8", "Same as England (2018: 28.8%)"),
        # higher is better: 82.1 against 80 is better, against 90 worse
        ("PI3", "80", "Better than England (2018: 80%)"),
        ("PI3", "90", "Worse than England (2018: 90%)"),
    ],
)
def test_it_reads_the_comparison_with_the_kpis_polarity(
    client, member, national_measure, code, england, expected
):
    measure = national_measure(polarity=KPI.objects.get(code=code).polarity)
    measure.values.filter(geographic_level="national", time_period="2024").update(
        time_period="2018", year=2018, value=england
    )
    _link(code, measure)
    response, html = _cells(client, member)
    assert _sentence(response, code) == expected
    assert expected in html


def test_it_compares_with_the_latest_year_up_to_the_month_shown(client, member, national_measure):
    measure = national_measure()
    # 2024 and 2025 are after Dec 2018: nothing to compare with yet.
    _link("PI13", measure)
    response, _ = _cells(client, member)
    assert _sentence(response, "PI13") == ""
    measure.values.filter(geographic_level="national", time_period="2024").update(
        time_period="2017", year=2017
    )
    response, _ = _cells(client, member)
    assert _sentence(response, "PI13") == "Worse than England (2017: 17.3%)"


def test_it_is_blank_when_the_units_differ_or_the_polarities_disagree(
    client, member, national_measure
):
    measure = national_measure(unit="average")
    measure.values.filter(geographic_level="national", time_period="2024").update(
        time_period="2018", year=2018
    )
    _link("PI13", measure)
    response, _ = _cells(client, member)
    assert _sentence(response, "PI13") == ""  # percent KPI, average measure
    Measure.objects.filter(pk=measure.pk).update(unit="percent", polarity="higher")
    response, _ = _cells(client, member)
    assert _sentence(response, "PI13") == ""  # the KPI says lower is better


def test_it_is_blank_without_a_linked_measure(client, member, national_measure):
    national_measure()
    response, _ = _cells(client, member)
    assert response.context["national"] == {}


def test_the_dashboard_csv_keeps_its_columns(client, member, national_measure):
    measure = national_measure()
    measure.values.filter(geographic_level="national", time_period="2024").update(
        time_period="2018", year=2018
    )
    _link("PI13", measure)
    client.force_login(member)
    response = client.get(reverse("dashboard_csv", args=["sandwell"]))
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == [
        "kpi",
        "title",
        "period",
        "value",
        "target",
        "lower",
        "upper",
        "polarity",
        "status",
        "met_or_within_12m",
    ]


@pytest.mark.parametrize("linked", [1, 15])
def test_its_query_count_does_not_grow_with_linked_kpis(
    client, member, national_measure, django_assert_max_num_queries, linked
):
    """The dashboard's budget (tests/kpis/views/test_dashboard.py: 21) plus one
    query for England's figures of every linked measure."""
    measure = national_measure()
    for kpi in KPI.objects.filter(organisation__slug="sandwell")[:linked]:
        _link(kpi.code, measure)
    client.force_login(member)
    with django_assert_max_num_queries(21):
        client.get(reverse("dashboard", args=["sandwell"]))
