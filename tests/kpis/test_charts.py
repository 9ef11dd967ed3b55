import datetime as dt
from decimal import Decimal as D

import pandas as pd
import pytest

from kpis import charts, rating
from kpis.periods import add_months


def _frame():
    return pd.DataFrame(
        {
            "period": [dt.date(2019, m, 1) for m in (1, 2, 3, 4)],
            "value": [D("85"), D("74.9"), None, D("80")],
            "target": [D("85"), D("85"), D("85"), D("90")],
            "lower": [D("75"), D("75"), D("75"), D("80")],
            "upper": [D("95"), D("95"), D("95"), D("95")],
            "status": ["green", "red", "missing", "amber"],
        }
    )


def _trace(figure, name):
    return next(t for t in figure["data"] if t["name"] == name)


def _zone_at(zone, day):
    """A zone's (bottom, top) at a date: the heights of the shape's level
    edges that span that date. None where the zone is not drawn."""
    xs, ys = list(zone["x"]), list(zone["y"])
    heights = [
        ys[i]
        for i in range(len(xs) - 1)
        if None not in (xs[i], xs[i + 1]) and ys[i] == ys[i + 1]
        and min(xs[i], xs[i + 1]) <= day <= max(xs[i], xs[i + 1])
    ]  # fmt: skip
    return (min(heights), max(heights)) if heights else None


def test_it_shades_the_band_and_follows_target_changes():
    figure = charts.trend_figure(_frame(), unit="percent", polarity="higher")
    green, amber = (
        _trace(figure, "Green zone (target met)"),
        _trace(figure, "Amber zone (within tolerance)"),
    )
    assert green["fill"] == amber["fill"] == "toself"
    assert green["fillcolor"] != amber["fillcolor"]
    assert amber["fillpattern"]["shape"] == "/"  # tells them apart in greyscale print
    # Higher is better: amber from the lower edge to the target, green above
    # it; April's new target (90, band 80–95) moves both.
    assert _zone_at(amber, dt.date(2019, 1, 1)) == (75.0, 85.0)
    assert _zone_at(amber, dt.date(2019, 4, 1)) == (80.0, 90.0)
    assert _zone_at(green, dt.date(2019, 4, 1))[0] == 90.0
    assert list(_trace(figure, "Target")["y"])[-2:] == [90.0, 90.0]


def test_it_colours_and_shapes_points_by_status():
    figure = charts.trend_figure(_frame(), unit="percent", polarity="higher")
    green, red, amber = (_trace(figure, n) for n in ("Green", "Red", "Amber"))
    assert (green["marker"]["color"], green["marker"]["symbol"]) == ("#00703c", "circle")
    assert (red["marker"]["color"], red["marker"]["symbol"]) == ("#d4351c", "x")
    assert list(amber["x"]) == [dt.date(2019, 4, 1)]
    assert amber["customdata"][0][0] == "80%"
    # The missing month has no point; it is not drawn as zero.
    assert sum(len(t["x"]) for t in figure["data"] if t["mode"] == "markers") == 3


def test_it_draws_no_band_without_a_target():
    frame = _frame().assign(target=None, lower=None, upper=None, status="no_target")
    figure = charts.trend_figure(frame, unit="percent", polarity="higher")
    assert {t["name"] for t in figure["data"]} == {"Trend", "No target"}


def test_it_draws_comparator_lines_and_event_markers():
    figure = charts.trend_figure(
        _frame(),
        unit="rate_per_10k",
        polarity="lower",
        comparators=[{"label": "England (2018)", "kind": "england", "value": D("43.3")}],
        events=[{"date": dt.date(2019, 2, 14), "label": "Monitoring visit"}],
    )
    england = _trace(figure, "England (2018)")
    assert list(england["y"]) == [43.3, 43.3]
    assert england["line"]["dash"] == "dot"
    inspections = _trace(figure, "Inspections")
    assert list(inspections["x"]) == [dt.date(2019, 2, 14)]
    assert inspections["customdata"][0][0] == "Monitoring visit"
    assert len(figure["layout"]["shapes"]) == 1


def test_the_spc_chart_draws_limits_and_marks_signals():
    from kpis import spc

    values = [D(v) for v in "10 12 11 13 12 11 10 12 13 11 12 11 10 12 30".split()]
    periods = [dt.date(2018 + (m // 12), m % 12 + 1, 1) for m in range(len(values))]
    analysis = spc.analyse(values)
    figure = charts.spc_figure(periods, analysis, spc.point_signals(analysis, "lower"), unit="days")
    names = {t["name"] for t in figure["data"]}
    assert {"Mean", "Upper process limit", "Lower process limit", "Upper two-sigma"} <= names
    concern = _trace(figure, "Special cause: concern")
    assert list(concern["x"]) == [periods[-1]]  # 30 days, above the limit, lower is better


def test_the_spc_chart_below_fifteen_readings_shows_only_readings_and_mean():
    from kpis import spc

    values = [D(v) for v in "10 12 11 13".split()]
    periods = [dt.date(2018, m, 1) for m in range(1, 5)]
    analysis = spc.analyse(values)
    figure = charts.spc_figure(
        periods, analysis, spc.point_signals(analysis, "higher"), unit="count"
    )
    assert {t["name"] for t in figure["data"]} == {"Readings", "Mean"}


# --- Zones by polarity -----------------------------------------------------------
# One month per case, rated by kpis.rating itself: each point must sit in the
# zone of its own colour, on the boundaries too (at the target it is Green, on
# the band's edge Amber, beyond it Red and in neither zone).
ZONE_CASES = {
    # polarity: target, lower, upper, values
    "higher": ("85", "75", "95", ["85", "84.9", "75", "74.9", "95", "99"]),
    "lower": ("21", "17", "24", ["21", "21.1", "24", "24.1", "17", "10"]),
    "within": ("50", "40", "60", ["50", "40", "60", "39.9", "60.1"]),
}


def _one_polarity(polarity):
    target, lower, upper, values = ZONE_CASES[polarity]
    months = [dt.date(2019, 1, 1) + dt.timedelta(days=31 * i) for i in range(len(values))]
    frame = pd.DataFrame(
        {
            "period": [m.replace(day=1) for m in months],
            "value": [D(v) for v in values],
            "target": D(target),
            "lower": D(lower),
            "upper": D(upper),
            "polarity": polarity,
        }
    )
    return frame.assign(status=rating.rate(frame))


@pytest.mark.parametrize("polarity", ZONE_CASES)
def test_each_reading_sits_in_the_zone_of_its_status(polarity):
    frame = _one_polarity(polarity)
    figure = charts.trend_figure(frame, unit="percent", polarity=polarity)
    zones = {t["name"]: t for t in figure["data"] if t.get("fill") == "toself"}
    green = zones["Green zone (target met)"]
    amber = zones.get("Amber zone (within tolerance)")

    def inside(zone, day, value):
        edges = _zone_at(zone, day) if zone is not None else None
        return edges is not None and edges[0] <= value <= edges[1]

    for period, value, status in zip(frame["period"], frame["value"], frame["status"], strict=True):
        value = float(value)
        if status == "green":
            assert inside(green, period, value), (polarity, value)
        elif status == "amber":
            assert inside(amber, period, value), (polarity, value)
            # Only on the target itself do the two zones meet.
            assert not inside(green, period, value) or value == float(frame["target"][0])
        else:
            assert status == "red"
            assert not inside(green, period, value) and not inside(amber, period, value)


def test_higher_is_green_from_the_target_to_the_top_and_amber_down_to_the_lower_edge():
    figure = charts.trend_figure(_one_polarity("higher"), unit="percent", polarity="higher")
    top = figure["layout"]["yaxis"]["range"][1]
    day = dt.date(2019, 1, 1)
    assert _zone_at(_trace(figure, "Green zone (target met)"), day) == (85.0, top)
    assert _zone_at(_trace(figure, "Amber zone (within tolerance)"), day) == (75.0, 85.0)


def test_lower_is_green_from_the_target_to_the_bottom_and_amber_up_to_the_upper_edge():
    figure = charts.trend_figure(_one_polarity("lower"), unit="percent", polarity="lower")
    bottom = figure["layout"]["yaxis"]["range"][0]
    day = dt.date(2019, 1, 1)
    assert _zone_at(_trace(figure, "Green zone (target met)"), day) == (bottom, 21.0)
    assert _zone_at(_trace(figure, "Amber zone (within tolerance)"), day) == (21.0, 24.0)


def test_within_band_is_green_across_the_band_with_no_amber():
    figure = charts.trend_figure(_one_polarity("within"), unit="percent", polarity="within")
    assert _zone_at(_trace(figure, "Green zone (target met)"), dt.date(2019, 1, 1)) == (40.0, 60.0)
    assert not any(t["name"] == "Amber zone (within tolerance)" for t in figure["data"])


def test_a_month_without_a_target_has_no_zone():
    frame = _frame()
    frame.loc[1, ["target", "lower", "upper"]] = None
    figure = charts.trend_figure(frame, unit="percent", polarity="higher")
    amber = _trace(figure, "Amber zone (within tolerance)")
    assert _zone_at(amber, dt.date(2019, 2, 1)) is None
    assert _zone_at(amber, dt.date(2019, 1, 1)) == (75.0, 85.0)
    assert _zone_at(amber, dt.date(2019, 3, 1)) == (75.0, 85.0)


# --- The x-axis, its ticks and the inspection markers --------------------------


def _months(count, start=dt.date(2018, 10, 1)):
    return [add_months(start, n) for n in range(count)]


def _frame_of(months):
    return pd.DataFrame(
        {
            "period": months,
            "value": [D("80")] * len(months),
            "target": D("85"),
            "lower": D("75"),
            "upper": D("95"),
            "status": "amber",
        }
    )


EVENTS = [
    {"date": dt.date(2018, 5, 15), "label": "Fifth monitoring visit", "short": "Monitoring visit May 2018"},
    {"date": dt.date(2018, 12, 3), "label": "Full inspection of local authority children's services (ILACS)",
     "short": "ILACS Dec 2018"},
    {"date": dt.date(2019, 8, 14), "label": "Sixth monitoring visit", "short": "Monitoring visit Aug 2019"},
]  # fmt: skip


def test_the_x_axis_spans_the_readings_not_the_inspections_around_them():
    months = _months(6)  # Oct 2018 – Mar 2019
    figure = charts.trend_figure(
        _frame_of(months),
        unit="percent",
        polarity="higher",
        events=EVENTS,
        comparators=[{"label": "England (2018)", "kind": "england", "value": D("70")}],
    )
    half = dt.timedelta(days=15)
    assert list(figure["layout"]["xaxis"]["range"]) == [
        dt.date(2018, 10, 1) - half,
        dt.date(2019, 3, 1) + half,
    ]
    # Only the ILACS (Dec 2018) falls inside; May 2018 and Aug 2019 are not drawn.
    assert list(_trace(figure, "Inspections")["x"]) == [dt.date(2018, 12, 3)]
    assert len(figure["layout"]["shapes"]) == 1
    assert list(_trace(figure, "England (2018)")["x"]) == list(figure["layout"]["xaxis"]["range"])


def test_it_names_each_drawn_inspection_on_the_chart_with_its_short_label():
    figure = charts.trend_figure(
        _frame_of(_months(12, dt.date(2018, 1, 1))),
        unit="percent",
        polarity="higher",
        events=EVENTS,
    )
    assert [a["text"] for a in figure["layout"]["annotations"]] == [
        "Monitoring visit May 2018",
        "ILACS Dec 2018",
    ]
    assert [a["x"] for a in figure["layout"]["annotations"]] == [
        dt.date(2018, 5, 15),
        dt.date(2018, 12, 3),
    ]
    # The full title stays on hover.
    assert _trace(figure, "Inspections")["customdata"][1][0].startswith("Full inspection")


def test_it_lists_the_inspections_outside_the_readings_and_on_which_side():
    split = charts.split_events(EVENTS, [dt.date(2018, 10, 1)])
    assert split["drawn"] == []
    assert [(e["short"], e["side"]) for e in split["outside"]] == [
        ("Monitoring visit May 2018", "before"),
        ("ILACS Dec 2018", "after"),
        ("Monitoring visit Aug 2019", "after"),
    ]
    assert charts.split_events(EVENTS, [])["outside"][0]["short"] == "Monitoring visit May 2018"


def _ticks(axis):
    return list(axis["tickvals"]), list(axis["ticktext"])


@pytest.mark.parametrize("count", [1, 2, 12, 15, 120])
def test_no_tick_label_repeats_on_either_chart(count):
    from kpis import spc

    months = _months(count)
    analysis = spc.analyse([D("80") + i for i in range(count)])
    figures = [
        charts.trend_figure(_frame_of(months), unit="percent", polarity="higher"),
        charts.spc_figure(months, analysis, spc.point_signals(analysis, "higher"), unit="percent"),
    ]
    first, last = figures[0]["layout"]["xaxis"]["range"]
    for figure in figures:
        values, texts = _ticks(figure["layout"]["xaxis"])
        assert len(texts) == len(set(texts)) >= 1
        assert 1 <= len(texts) <= charts.MAX_TICKS
        assert all(first <= v <= last for v in values)
        assert texts[0] == f"{months[0]:%b}<br>{months[0]:%Y}"
        assert list(figure["layout"]["xaxis"]["range"]) == [first, last]


def test_one_reading_shows_its_one_month_once():
    figure = charts.trend_figure(_frame_of(_months(1)), unit="percent", polarity="higher")
    assert _ticks(figure["layout"]["xaxis"]) == ([dt.date(2018, 10, 1)], ["Oct<br>2018"])


def test_the_spc_mean_runs_the_width_of_the_axis_so_one_reading_shows_it():
    from kpis import spc

    months = _months(1)
    analysis = spc.analyse([D("85")])
    figure = charts.spc_figure(
        months, analysis, spc.point_signals(analysis, "higher"), unit="percent"
    )
    mean = _trace(figure, "Mean")
    assert list(mean["x"]) == list(figure["layout"]["xaxis"]["range"])
    assert list(mean["y"]) == [85.0, 85.0]


# --- What is not text, for low vision (WCAG 1.4.1, 1.4.11, 2.1.1) -------------


def _contrast_on_white(colour):
    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    return 1.05 / (luminance(colour) + 0.05)


def _spc_with_every_signal():
    from kpis import spc

    values = [D(v) for v in "10 12 11 13 12 11 10 12 13 11 12 11 10 12 30 2".split()]
    periods = [add_months(dt.date(2018, 1, 1), m) for m in range(len(values))]
    analysis = spc.analyse(values)
    return charts.spc_figure(periods, analysis, spc.point_signals(analysis, "lower"), unit="days")


def _marks(figure):
    """Every line and marker drawn, with its colour (the zones' fills aside)."""
    for trace in figure["data"]:
        if trace.get("fill") == "toself":
            continue
        if "lines" in trace["mode"] and trace["line"].get("width") != 0:
            yield trace["name"], "line", trace["line"]["color"]
        if "markers" in trace["mode"]:
            yield trace["name"], "marker", trace["marker"]["color"]


@pytest.mark.parametrize("polarity", ["higher", "lower", "within"])
def test_every_line_and_point_is_3_to_1_on_white(polarity):
    trend = charts.trend_figure(_frame(), unit="percent", polarity=polarity)
    for name, kind, colour in [*_marks(trend), *_marks(_spc_with_every_signal())]:
        assert _contrast_on_white(colour) >= 3, f"{name} {kind} {colour}"


@pytest.mark.parametrize(
    ("polarity", "edges"),
    [("higher", [[75, 80]]), ("lower", [[95]]), ("within", [[75, 80], [95]])],
)
def test_the_band_is_drawn_by_its_edges_not_only_its_pale_shading(polarity, edges):
    """The zones' fills are 1.2:1 on white: the edge of tolerance that bounds
    a zone (the target bounds the other side) is a dashed line."""
    figure = charts.trend_figure(_frame(), unit="percent", polarity=polarity)
    drawn = [t for t in figure["data"] if t["name"] == "Edge of tolerance"]
    assert [sorted({y for y in t["y"] if y is not None}) for t in drawn] == edges
    assert [t["showlegend"] for t in drawn] == [True] + [False] * (len(drawn) - 1)


def test_spc_signals_differ_in_shape_as_well_as_colour():
    figure = _spc_with_every_signal()
    points = {t["name"]: t["marker"]["symbol"] for t in figure["data"] if t["mode"] == "markers"}
    assert {"Common cause", "Special cause: concern"} <= set(points)
    assert len(set(points.values())) == len(points), points
    shapes = [style["symbol"] for style in charts.SIGNAL_STYLE.values()]
    assert len(set(shapes)) == len(shapes)


def test_the_legend_is_a_key_not_a_mouse_only_control():
    for figure in (charts.trend_figure(_frame(), unit="percent", polarity="higher"),
                   _spc_with_every_signal()):  # fmt: skip
        assert figure["layout"]["legend"]["itemclick"] is False
        assert figure["layout"]["legend"]["itemdoubleclick"] is False


def test_the_chart_script_is_json_script_byte_for_byte():
    """The pages' faster ``chart_script`` writes what Django's ``json_script``
    writes, markup characters escaped, so nothing in a label closes the script."""
    from django.utils.html import json_script

    from kpis.templatetags.kpi_extras import chart_script

    figure = {
        "data": [{"name": "TEST </script><b>&amp; “quoted” café", "x": ["2018-10-01"], "y": [1.5]}],
        "layout": {"title": {"text": "a < b > c & d"}},
    }
    written = chart_script(figure, "trend-figure")
    assert written == json_script(figure, "trend-figure")
    assert "</script><b>" not in written
