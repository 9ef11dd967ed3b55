"""The KPI page's national comparison panel, and linking a KPI to a measure."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import KPI
from trustmonitor.security import LOGGER_NAME


def _link(code, measure, slug="birmingham"):
    KPI.objects.filter(organisation__slug=slug, code=code).update(national_measure=measure)


def _detail(client, user, slug="birmingham", code="KPI12"):
    client.force_login(user)
    return client.get(reverse("kpi_detail", args=[slug, code]))


def test_it_shows_the_las_national_figures_by_year(client, member, national_measure):
    _link("KPI12", national_measure())
    response = _detail(client, member)
    panel = response.context["national"]
    assert panel.la_name == "Birmingham" and panel.region_name == "West Midlands"
    # Worked by hand (tests/national/conftest.py): 2025 Birmingham 17.1 of
    # 8.7 12 17.1 20 → rank 3 of 4, Q2 14.55 < 17.1 ≤ Q3 17.825 → C; SN mean
    # (8.7 + 12 + 20) / 3 = 13.5667 (335 suppressed, 801–806 have no row).
    latest = panel.newest_first[0]
    assert (latest.year, latest.value, latest.england, latest.region) == (
        "2025", Decimal("17.1"), Decimal("14.2"), Decimal("13"),
    )  # fmt: skip
    assert (latest.statistical_neighbours, latest.neighbours_with_value) == (Decimal("13.5667"), 3)
    assert (latest.rank, latest.of, latest.quartile) == (3, 4, "C")
    html = response.content.decode()
    assert "National comparison" in html
    assert "each year is the one dfe publishes the figure for: as at 30 september" in html.lower()
    assert (
        "13.6%" in html and "(3 of 10)" in html and "3 of 4" in html and "C (third quarter)" in html
    )
    assert "13.8%" in html  # 2024: (14.1 + 11 + 9 + 21) / 4 = 13.775, to one place


def test_its_chart_draws_the_la_england_region_and_neighbours(client, member, national_measure):
    _link("KPI12", national_measure())
    figure = _detail(client, member).context["national_figure"]
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert list(lines) == [
        "Birmingham",
        "England",
        "West Midlands",
        "Statistical neighbours' average",
    ]
    assert lines["Birmingham"]["x"] == ["2024", "2025"]
    assert lines["Birmingham"]["y"] == [26.6, 17.1]
    assert lines["England"]["line"]["dash"] != lines["Birmingham"]["line"]["dash"]
    assert 'id="national-figure"' in _detail(client, member).content.decode()


def test_an_unlinked_kpi_says_so_and_draws_no_national_chart(client, member, national_measure):
    national_measure()
    response = _detail(client, member)
    assert response.context["national"] is None
    assert "This KPI is not linked to a national measure." in response.content.decode()
    assert 'id="national-figure"' not in response.content.decode()


def test_only_commissioners_see_the_link_form(
    client, member, officer, commissioner, national_measure
):
    national_measure()
    assert "Save link" not in _detail(client, member).content.decode()
    assert "Save link" not in _detail(client, officer).content.decode()
    assert "Save link" in _detail(client, commissioner).content.decode()


def test_a_commissioner_links_and_unlinks_and_it_is_logged(
    client, commissioner, national_measure, caplog
):
    measure = national_measure()
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    client.force_login(commissioner)
    url = reverse("kpi_national_link", args=["birmingham", "KPI12"])
    response = client.post(url, {"measure": measure.pk})
    assert response.url == reverse("kpi_detail", args=["birmingham", "KPI12"])
    assert (
        KPI.objects.get(organisation__slug="birmingham", code="KPI12").national_measure == measure
    )
    client.post(url, {"measure": ""})
    assert KPI.objects.get(organisation__slug="birmingham", code="KPI12").national_measure is None
    changes = [
        r for r in caplog.records if getattr(r, "event", "") == "kpi_national_measure_changed"
    ]
    assert [(r.kpi, r.before, r.after, r.user) for r in changes] == [
        ("KPI12", "-", "rate", "commissioner"),
        ("KPI12", "rate", "-", "commissioner"),
    ]


def test_an_unknown_measure_is_refused_and_changes_nothing(client, commissioner, national_measure):
    _link("KPI12", national_measure())
    client.force_login(commissioner)
    response = client.post(
        reverse("kpi_national_link", args=["birmingham", "KPI12"]),
        {"measure": "99999"},
        follow=True,
    )
    assert "Choose one of the national measures listed." in response.content.decode()
    assert (
        KPI.objects.get(organisation__slug="birmingham", code="KPI12").national_measure.slug
        == "rate"
    )


@pytest.mark.parametrize(
    ("user", "status"), [("member", 403), ("officer", 403), ("sandwell_officer", 404)]
)
def test_it_checks_ownership(client, national_measure, request, user, status):
    measure = national_measure()
    client.force_login(request.getfixturevalue(user))
    response = client.post(
        reverse("kpi_national_link", args=["birmingham", "KPI12"]), {"measure": measure.pk}
    )
    assert response.status_code == status
    assert KPI.objects.get(organisation__slug="birmingham", code="KPI12").national_measure is None
    assert client.get(reverse("kpi_national_link", args=["birmingham", "KPI12"])).status_code in (
        404,
        405,
    )


def test_a_get_of_the_link_url_changes_nothing(client, commissioner, national_measure):
    national_measure()
    client.force_login(commissioner)
    assert client.get(reverse("kpi_national_link", args=["birmingham", "KPI12"])).status_code == 405


def test_its_query_count_with_a_linked_measure_is_constant(
    client, member, commissioner, national_measure, django_assert_max_num_queries
):
    """The KPI page's budget (tests/kpis/views/test_kpi_detail.py: 19) plus the
    three queries of the panel: the latest neighbour model, its neighbours and
    the measure's values. Commissioners add three: the link form's measure
    list, and the user and organisation reads of the commissioning check."""
    _link("PI4", national_measure(), slug="sandwell")
    client.force_login(member)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("kpi_detail", args=["sandwell", "PI4"])).status_code == 200
    client.force_login(commissioner)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("kpi_detail", args=["sandwell", "PI4"])).status_code == 200
