import datetime as dt
from decimal import Decimal as D

import pandas as pd

from kpis import charts


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
    return next(t for t in figure.data if t.name == name)


def test_it_shades_the_band_and_follows_target_changes():
    figure = charts.trend_figure(_frame(), unit="percent")
    band = _trace(figure, "Tolerance band")
    assert band.fill == "tonexty"
    # One step per month, the last running to the end of its month.
    assert list(band.x)[-1] == dt.date(2019, 5, 1)
    assert list(band.y) == [95.0, 95.0, 95.0, 95.0, 95.0]
    assert list(_trace(figure, "Tolerance (lower)").y) == [75.0, 75.0, 75.0, 80.0, 80.0]
    assert list(_trace(figure, "Target").y) == [85.0, 85.0, 85.0, 90.0, 90.0]
    assert _trace(figure, "Target").line.shape == "hv"


def test_it_colours_and_shapes_points_by_status():
    figure = charts.trend_figure(_frame(), unit="percent")
    green, red, amber = (_trace(figure, n) for n in ("Green", "Red", "Amber"))
    assert (green.marker.color, green.marker.symbol) == ("#00703c", "circle")
    assert (red.marker.color, red.marker.symbol) == ("#d4351c", "x")
    assert list(amber.x) == [dt.date(2019, 4, 1)]
    assert amber.customdata[0][0] == "80%"
    # The missing month has no point; it is not drawn as zero.
    assert sum(len(t.x) for t in figure.data if t.mode == "markers") == 3


def test_it_draws_no_band_without_a_target():
    frame = _frame().assign(target=None, lower=None, upper=None, status="no_target")
    figure = charts.trend_figure(frame, unit="percent")
    assert {t.name for t in figure.data} == {"Trend", "No target"}


def test_it_draws_comparator_lines_and_event_markers():
    figure = charts.trend_figure(
        _frame(),
        unit="rate_per_10k",
        comparators=[{"label": "England (2018)", "kind": "england", "value": D("43.3")}],
        events=[{"date": dt.date(2019, 2, 14), "label": "Monitoring visit"}],
    )
    england = _trace(figure, "England (2018)")
    assert list(england.y) == [43.3, 43.3]
    assert england.line.dash == "dot"
    inspections = _trace(figure, "Inspections")
    assert list(inspections.x) == [dt.date(2019, 2, 14)]
    assert inspections.customdata[0][0] == "Monitoring visit"
    assert len(figure.layout.shapes) == 1


def test_the_spc_chart_draws_limits_and_marks_signals():
    from kpis import spc

    values = [D(v) for v in "10 12 11 13 12 11 10 12 13 11 12 11 10 12 30".split()]
    periods = [dt.date(2018 + (m // 12), m % 12 + 1, 1) for m in range(len(values))]
    analysis = spc.analyse(values)
    figure = charts.spc_figure(periods, analysis, spc.point_signals(analysis, "lower"), unit="days")
    names = {t.name for t in figure.data}
    assert {"Mean", "Upper process limit", "Lower process limit", "Upper two-sigma"} <= names
    concern = _trace(figure, "Special cause: concern")
    assert list(concern.x) == [periods[-1]]  # 30 days, above the limit, lower is better


def test_the_spc_chart_below_fifteen_readings_shows_only_readings_and_mean():
    from kpis import spc

    values = [D(v) for v in "10 12 11 13".split()]
    periods = [dt.date(2018, m, 1) for m in range(1, 5)]
    analysis = spc.analyse(values)
    figure = charts.spc_figure(
        periods, analysis, spc.point_signals(analysis, "higher"), unit="count"
    )
    assert {t.name for t in figure.data} == {"Readings", "Mean"}
