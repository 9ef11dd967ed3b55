import base64
import datetime as dt
import re
from decimal import Decimal

import numpy as np
from django.urls import reverse


def _detail(client, user, slug, code):
    client.force_login(user)
    return client.get(reverse("kpi_detail", args=[slug, code]))


def test_it_draws_the_sandwell_trend_with_twelve_points(client, member):
    response = _detail(client, member, "sandwell", "PI1")
    assert response.status_code == 200
    figure = response.context["figure"]
    points = [t for t in figure["data"] if t.get("mode") == "markers"]
    assert sum(len(t["x"]) for t in points) == 12
    assert len(response.context["rows"]) == 12
    assert 'id="trend-figure"' in response.content.decode()


def test_it_shows_target_band_and_definition_for_birmingham(client, member):
    response = _detail(client, member, "birmingham", "KPI10")
    html = response.content.decode()
    assert "240 days" in html and "220–260 days" in html
    assert response.context["rows"][0].status == "green"
    names = [t.get("name") for t in response.context["figure"]["data"]]
    assert "Green zone (target met)" in names and "Target" in names


def test_it_shows_comparators(client, member):
    response = _detail(client, member, "sandwell", "PI2")
    names = [t.get("name") for t in response.context["figure"]["data"]]
    assert any(name and name.startswith("England") for name in names)
    assert "43.3 per 10,000" in response.content.decode()


def test_it_is_404_for_an_unknown_kpi(client, member):
    assert _detail(client, member, "birmingham", "KPI99").status_code == 404


def test_it_checks_ownership(client, sandwell_officer):
    assert _detail(client, sandwell_officer, "birmingham", "KPI1").status_code == 404
    own = _detail(client, sandwell_officer, "sandwell", "PI1").content.decode()
    assert '<h1 class="h3">PI1: ' in own


def test_its_query_count_is_constant(client, member, django_assert_max_num_queries):
    client.force_login(member)
    url = reverse("kpi_detail", args=["sandwell", "PI4"])
    # 20 the first time: with the year's failure rules, the KPI's
    # rectification plans and the status cache's versions.
    with django_assert_max_num_queries(20):
        first = client.get(url)
    # 12 after: the ratings, the month's return and the publication marks
    # come from the status cache; the page is the same.
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert _without_tokens(response) == _without_tokens(first)
    # every month of the appendix, newest first, as entered
    rows = response.context["rows"]
    assert len(rows) == 12
    assert [(r.period, r.value) for r in rows[:3]] == [
        (dt.date(2018, 12, 1), Decimal("85.9")),
        (dt.date(2018, 11, 1), Decimal("84.5")),
        (dt.date(2018, 10, 1), Decimal("71.9")),
    ]


def _without_tokens(response) -> str:
    """The page as the reader sees it: the nonce and masked CSRF token differ per response."""
    page = response.content.decode().replace(str(response.context["csp_nonce"]), "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _plotted(trace):
    """A trace's y values as the browser reads them (plotly may pack them)."""
    y = trace["y"]
    if isinstance(y, dict):
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    return y


def test_the_spc_chart_plots_readings_in_the_kpis_own_unit(client, member):
    """Sandwell PI1 has 12 readings: the chart shows them as percentages
    (83.0 … 66.6) and their mean, not in the engine's ten-thousandths."""
    client.force_login(member)
    response = client.get(reverse("kpi_detail", args=["sandwell", "PI1"]) + "?view=spc")
    traces = {t["name"]: t for t in response.context["figure"]["data"]}
    readings = _plotted(traces["Readings"])
    assert readings[0] == 83.0 and readings[-1] == 66.6
    assert max(readings) == 83.0 and min(readings) == 57.5
    mean = _plotted(traces["Mean"])
    assert mean[0] == mean[1] and round(mean[0], 2) == 73.89
