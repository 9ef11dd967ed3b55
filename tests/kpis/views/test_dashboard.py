import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI, Organisation, Reading, Target
from tests.publication import accept_months


def _dashboard(client, user, slug="birmingham", **params):
    client.force_login(user)
    return client.get(reverse("dashboard", args=[slug]), params)


def _row(response, code):
    return next(row for row in response.context["rows"] if row.kpi.code == code)


def test_it_shows_each_kpi_with_its_status_in_words(client, member):
    response = _dashboard(client, member)
    assert response.status_code == 200
    assert response.context["table"].period == dt.date(2018, 10, 1)
    assert len(response.context["rows"]) == 15
    assert _row(response, "KPI2").status == "amber"
    assert _row(response, "KPI10").status == "green"
    html = response.content.decode()
    assert '<span class="chip chip-amber">Amber</span>' in html
    assert "24%" in html and "17–24%" in html


def test_it_shows_met_or_within_count(client, member):
    response = _dashboard(client, member)
    assert _row(response, "KPI1").met_or_within_12m == "1/1"
    assert "1/1 — 100%" in response.content.decode()


def test_it_shows_a_past_month_when_picked(client, member):
    response = _dashboard(client, member, "sandwell", period="2018-03")
    assert response.context["table"].period == dt.date(2018, 3, 1)
    pi1 = _row(response, "PI1")
    assert pi1.value == Decimal("78.9")
    assert pi1.status == "no_target"
    assert pi1.direction == "improving"  # 74.0 → 78.9, higher is better


def test_it_filters_by_status(client, member):
    response = _dashboard(client, member, status="amber")
    codes = {row.kpi.code for row in response.context["rows"]}
    assert "KPI2" in codes
    assert all(row.status == "amber" for row in response.context["rows"])
    assert "KPI10" not in codes


def test_it_filters_by_service_area(client, member):
    area = KPI.objects.get(organisation__slug="sandwell", code="PI3").service_area
    response = _dashboard(client, member, "sandwell", service_area=area)
    rows = response.context["rows"]
    assert rows and all(row.kpi.service_area == area for row in rows)
    assert len(rows) < 15


def test_it_sorts_by_status_worst_first_and_reverses(client, member):
    rows = _dashboard(client, member, sort="status").context["rows"]
    assert rows[0].status in {"red", "amber"}
    assert rows[-1].status == "green"
    reversed_rows = _dashboard(client, member, sort="-status").context["rows"]
    assert reversed_rows[0].status == "green"


def test_it_ignores_a_malformed_month_and_says_so(client, member):
    response = _dashboard(client, member, period="2018-13")
    assert response.status_code == 200
    assert response.context["table"].period == dt.date(2018, 10, 1)
    assert response.context["form"].errors["period"]


def test_it_requires_login(client, seeds):
    response = client.get(reverse("dashboard", args=["birmingham"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_checks_ownership(client, sandwell_officer, officer):
    assert _dashboard(client, sandwell_officer).status_code == 404
    own = _dashboard(client, sandwell_officer, "sandwell").content.decode()
    assert '<h1 class="h3 mb-1">Sandwell Children&#x27;s Trust</h1>' in own
    birmingham = _dashboard(client, officer).content.decode()
    assert '<h1 class="h3 mb-1">Birmingham Children&#x27;s Trust</h1>' in birmingham


def test_it_is_404_for_an_unknown_organisation(client, member):
    assert _dashboard(client, member, "nowhere").status_code == 404


def _organisation_with(kpi_count: int) -> Organisation:
    organisation = Organisation.objects.create(
        name=f"Demo trust {kpi_count}", slug=f"demo-{kpi_count}"
    )
    for n in range(kpi_count):
        kpi = KPI.objects.create(
            organisation=organisation,
            code=f"D{n}",
            title=f"Demo KPI {n}",
            unit="percent",
            polarity=["higher", "lower", "within"][n % 3],
            order=n,
        )
        Target.objects.create(kpi=kpi, valid_from=dt.date(2018, 4, 1), value=50, lower=40, upper=60)
        Reading.objects.bulk_create(
            Reading(kpi=kpi, period=dt.date(2018, m, 1), value=30 + 3 * m) for m in range(1, 13)
        )
    accept_months(organisation, [dt.date(2018, m, 1) for m in range(1, 13)])
    return organisation


@pytest.mark.parametrize("kpi_count", [5, 50])
def test_its_query_count_does_not_grow_with_kpis(
    client, member, django_assert_max_num_queries, kpi_count
):
    organisation = _organisation_with(kpi_count)
    client.force_login(member)
    # The same ceiling for 5 KPIs and for 50: no query per KPI.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("dashboard", args=[organisation.slug]))
    assert len(response.context["rows"]) == kpi_count


def test_it_lists_questions_for_the_meeting_with_their_figures(client, member):
    response = _dashboard(client, member, "sandwell")
    rules = {(q.rule, q.code) for q in response.context["questions"]}
    assert ("worse_than_neighbours", "PI2") in rules  # 69.2 against 57.9, lower is better
    assert ("worse_than_neighbours", "PI4") not in rules  # 85.9 against 82.30: better
    html = response.content.decode()
    assert "Questions for this meeting" in html
    assert "worse than statistical neighbours (2018) by 11.3 per 10,000" in html


def test_it_reads_comparators_with_polarity_beside_the_value(client, member):
    rows = {r.kpi.code: r for r in _dashboard(client, member, "sandwell").context["rows"]}
    assert (
        rows["PI3"].comparison_sentence == "better than statistical neighbours (2018) by 0.6 points"
    )
    assert rows["PI1"].comparison is None  # no comparator data
