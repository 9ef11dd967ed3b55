"""User-written text reaching a chart is text, never markup (issue 15,
item 8): Plotly renders ``<b>`` and ``<a href>`` in hover text, names and
annotations, and reads ``%{…}`` in a hover template as a placeholder."""

import datetime as dt
import json
from decimal import Decimal

from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import InspectionKind
from kpis.charts import plotly_text
from kpis.models import KPI, Comparator, Reading
from national.charts import benchmark_figure

MARKUP = '<b>TEST</b> <a href="https://example.org/">visit</a> %{y}'
ESCAPED = '&lt;b&gt;TEST&lt;/b&gt; &lt;a href="https://example.org/"&gt;visit&lt;/a&gt; %{y}'


def _figure(client, user):
    client.force_login(user)
    return client.get(reverse("kpi_detail", args=["sandwell", "PI1"])).context["figure"]


def _all_text(figure: dict) -> str:
    return json.dumps(figure, ensure_ascii=False)


def test_an_inspection_title_is_text_in_the_chart(client, member, seeds):
    sandwell = seeds["sandwell"]
    months = list(Reading.objects.filter(kpi__organisation=sandwell, kpi__code="PI1")
                  .order_by("period").values_list("period", flat=True))  # fmt: skip
    inspection_services.inspection_create(
        organisation=sandwell, kind=InspectionKind.FOCUSED_VISIT, title=MARKUP,
        start_date=months[len(months) // 2] + dt.timedelta(days=10),
    )  # fmt: skip
    figure = _figure(client, member)
    [markers] = [t for t in figure["data"] if t.get("name") == "Inspections"]
    assert [ESCAPED in str(c[0]) for c in markers["customdata"]] == [True]
    assert "<b>TEST" not in _all_text(figure)
    assert "<a href" not in _all_text(figure)


def test_a_comparator_label_is_text_and_no_template(client, member, seeds):
    kpi = KPI.objects.get(organisation=seeds["sandwell"], code="PI1")
    Comparator.objects.create(kpi=kpi, kind="region", year=2018, value=Decimal("20"),
                              label=MARKUP[:100])  # fmt: skip
    figure = _figure(client, member)
    [line] = [t for t in figure["data"] if "TEST" in t.get("name", "")]
    assert line["name"] == f"{ESCAPED} (2018)"
    assert line["customdata"][0] == [f"{ESCAPED} (2018)"]
    assert "TEST" not in line["hovertemplate"]
    assert "<b>TEST" not in _all_text(figure)


def test_an_area_name_is_text_in_the_national_chart():
    from national.selectors import BenchmarkRow

    row = BenchmarkRow(
        year="2025", sort_year=2025, value=Decimal("17"), suppression="", england=None,
        region=None, region_name="", statistical_neighbours=None, neighbours_with_value=0,
        rank=None, of=0, quartile=None,
    )  # fmt: skip
    figure = benchmark_figure([row], unit="percent", la_label=MARKUP, region_label="")
    [line] = figure["data"]
    assert line["name"] == ESCAPED
    assert line["customdata"] == [ESCAPED]
    assert "TEST" not in line["hovertemplate"]


def test_plotly_text_leaves_plain_words_alone():
    assert plotly_text("Fifth monitoring visit") == "Fifth monitoring visit"
    assert plotly_text("Children's services") == "Children's services"
