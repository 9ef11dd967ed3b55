"""What the KPI page says around its chart: true about what the chart draws."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import InspectionKind
from kpis import spc
from tests.fast_fixtures import load_fixtures


@pytest.fixture
def inspections(seeds):
    load_fixtures("inspections_letters", "inspections_plans")
    return seeds


def _june_visit(seeds):
    """A monitoring visit of Sandwell's inside PI1's readings (Jan–Dec 2018)."""
    services.inspection_create(
        organisation=seeds["sandwell"],
        kind=InspectionKind.MONITORING_VISIT,
        title="TEST monitoring visit",
        start_date=dt.date(2018, 6, 12),
    )


def _page(client, user, slug, code, query=""):
    client.force_login(user)
    return client.get(reverse("kpi_detail", args=[slug, code]) + query)


def test_the_trend_view_says_nothing_of_a_mean_it_does_not_draw(client, member):
    html = _page(client, member, "sandwell", "PI1").content.decode()
    names = {
        t.get("name") for t in _page(client, member, "sandwell", "PI1").context["figure"]["data"]
    }
    assert "Mean" not in names
    assert "spc-summary" not in html
    assert "mean" not in html.lower()


def test_the_spc_view_says_why_it_draws_only_the_mean(client, member):
    html = _page(client, member, "sandwell", "PI1", "?view=spc").content.decode()
    assert spc.TOO_FEW.format(minimum=spc.MIN_POINTS, count=12) in html
    assert "monthly readings with their mean" in html


def test_the_caption_says_which_zones_are_shaded(client, member):
    html = _page(client, member, "birmingham", "KPI13").content.decode()
    assert (
        'against the target in force (<span class="polarity">Lower is better</span>), shaded '
        "green where a reading meets the target and amber where it misses it but is within "
        "tolerance."
    ) in html
    sandwell = _page(client, member, "sandwell", "PI1").content.decode()
    assert "PI1 month by month; no target is agreed, so no band is shaded." in sandwell


def test_inspections_outside_the_readings_are_listed_not_drawn(client, member, inspections):
    response = _page(client, member, "birmingham", "KPI1")
    figure = response.context["figure"]
    assert "Inspections" not in {t.get("name") for t in figure["data"]}
    # The axis spans Oct 2018, the one reading, not the visits around it.
    assert figure["layout"]["xaxis"]["range"] == ["2018-09-16", "2018-10-16"]
    html = response.content.decode()
    assert "Inspections near these months, outside the chart" in html
    assert "Not drawn: the chart spans the months of the readings, Oct 2018." in html
    assert "Sixth monitoring visit</a>, 14 Aug 2018 (before the first reading)" in html
    assert "(ILACS)</a>, 1 Dec 2018 (after the last reading)" in html
    assert "with inspections marked" not in html


def test_an_inspection_inside_the_readings_is_drawn_with_its_short_name(client, member, seeds):
    _june_visit(seeds)
    response = _page(client, member, "sandwell", "PI1")
    layout = response.context["figure"]["layout"]
    assert [a["text"] for a in layout["annotations"]] == ["Monitoring visit Jun 2018"]
    html = response.content.decode()
    assert "with inspections marked" in html
    assert "Inspections marked on the chart" in html
    assert "TEST monitoring visit</a>, 12 Jun 2018" in html


def test_the_spc_view_never_says_it_marks_the_inspections_it_does_not_draw(client, member, seeds):
    _june_visit(seeds)
    response = _page(client, member, "sandwell", "PI1", "?view=spc")
    figure = response.context["figure"]
    assert not figure["layout"].get("annotations") and not figure["layout"].get("shapes")
    html = response.content.decode()
    assert "marked on the chart" not in html and "with inspections marked" not in html
    assert "Inspections in or near these months (not marked on this chart)" in html
    assert "TEST monitoring visit</a>, 12 Jun 2018" in html


def test_it_shows_the_seeds_footnote_and_notes_on_the_kpis_page(client, member):
    html = _page(client, member, "sandwell", "PI13").content.decode()
    assert (
        '<dt>Footnote in the source</dt><dd class="kpi-footnote">** PI 13 PLEASE NOTE '
        "ESTABLISHMENT WAS INCREASED IN FEBRUARY 2018 TO 220 STAFF FROM 184</dd>"
    ) in html
    assert "Vacancy rate of social workers **" in html
    assert '<dd class="kpi-notes">Polarity from Appendix 1' in html


def test_it_shows_a_definition_when_there_is_one(client, member, seeds):
    seeds["sandwell"].kpis.filter(code="PI1").update(definition="TEST contacts decided in 24h")
    html = _page(client, member, "sandwell", "PI1").content.decode()
    assert '<dd class="kpi-definition">TEST contacts decided in 24h</dd>' in html
    assert "Footnote in the source" not in html


def _marked(response) -> list[str]:
    """The short names of the inspections the chart marks, as drawn."""
    return [a["text"] for a in response.context["figure"]["layout"].get("annotations", [])]


def test_an_inspection_recorded_after_the_page_was_seen_is_marked_at_once(client, member, seeds):
    """The chart is kept in the status cache with the ratings; the
    inspections it marks are not ratings data, and a new one still shows."""
    assert _marked(_page(client, member, "sandwell", "PI1")) == []  # seen: now cached
    _june_visit(seeds)
    assert _marked(_page(client, member, "sandwell", "PI1")) == ["Monitoring visit Jun 2018"]


def test_the_two_views_are_kept_apart(client, member, seeds):
    _june_visit(seeds)
    trend = _page(client, member, "sandwell", "PI1")
    spc_view = _page(client, member, "sandwell", "PI1", "?view=spc")
    assert _marked(trend) == ["Monitoring visit Jun 2018"] and _marked(spc_view) == []
    assert "Mean" in {t.get("name") for t in spc_view.context["figure"]["data"]}
    again = _page(client, member, "sandwell", "PI1")
    assert "Mean" not in {t.get("name") for t in again.context["figure"]["data"]}
    assert _marked(again) == _marked(trend)
