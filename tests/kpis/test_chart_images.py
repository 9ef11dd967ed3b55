"""The trend chart as a PNG (kpis.charts.images): the page's series drawn
with matplotlib, so the committee paper shows the values, target line and
tolerance zones the page's Plotly chart shows, in the KPI's own unit."""

import datetime as dt
import io
import sys
from decimal import Decimal as D

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from kpis import charts
from kpis.charts import images, series
from reports import selectors


def _frame():
    # Made-up (TEST) months: a target change in April; March has no reading.
    return pd.DataFrame(
        {
            "period": [dt.date(2019, m, 1) for m in (1, 2, 3, 4)],
            "value": [D("85"), D("74.9"), None, D("80.0000")],
            "target": [D("85"), D("85"), D("85"), D("90")],
            "lower": [D("75"), D("75"), D("75"), D("80")],
            "upper": [D("95"), D("95"), D("95"), D("95")],
            "status": ["green", "red", "missing", "amber"],
        }
    )


def _draw(frame, polarity="higher"):
    return images.draw_trend(
        series.trend_series(frame, polarity=polarity), unit="percent", width_cm=16, height_cm=8
    )


def _line(figure, label):
    return next(line for line in figure.axes[0].lines if line.get_label() == label)


def _ys(line) -> list[float]:
    return [float(y) for y in line.get_ydata()]


def test_it_plots_each_reading_as_stored_by_its_status():
    figure = _draw(_frame())
    assert _ys(_line(figure, "Green")) == [85.0]
    assert _ys(_line(figure, "Red")) == [74.9]
    assert _ys(_line(figure, "Amber")) == [80.0]  # 80.0000 as stored, not 800000
    assert _line(figure, "Red").get_marker() == "X"  # a shape by status, not colour alone


def test_the_png_shows_the_same_points_and_target_as_the_pages_figure():
    frame = _frame()
    plotly = charts.trend_figure(frame, unit="percent", polarity="higher")
    png = _draw(frame)
    for name in ("Green", "Red", "Amber"):
        trace = next(t for t in plotly["data"] if t["name"] == name)
        assert _ys(_line(png, name)) == list(trace["y"])
    target = next(t for t in plotly["data"] if t["name"] == "Target")
    assert _ys(_line(png, "Target")) == [y for y in target["y"] if y is not None]
    assert list(png.axes[0].get_ylim()) == list(plotly["layout"]["yaxis"]["range"])


def test_it_shades_the_amber_zone_from_the_band_edge_to_the_target():
    figure = _draw(_frame())
    zones = {p.get_label(): p for p in figure.axes[0].patches if not p.get_label().startswith("_")}
    amber = zones["Amber zone (within tolerance)"].get_xy()
    # January: 75 (lower edge) up to 85 (target); April's new target 90 over its edge 80.
    assert {round(y, 4) for y in amber[:, 1]} == {75.0, 85.0, 80.0, 90.0}
    assert zones["Amber zone (within tolerance)"].get_hatch() == "///"  # greyscale print
    assert "Green zone (target met)" in zones


def test_it_draws_no_zone_or_target_without_one():
    frame = _frame().assign(target=np.nan, lower=np.nan, upper=np.nan, status="no_target")
    figure = _draw(frame)
    labels = [line.get_label() for line in figure.axes[0].lines]
    assert "Target" not in labels and "Edge of tolerance" not in labels
    assert not figure.axes[0].patches
    assert _ys(_line(figure, "No target")) == [85.0, 74.9, 80.0]


def test_it_renders_a_png_without_a_browser():
    png = charts.trend_png(_frame(), unit="percent", polarity="higher", width_cm=16, height_cm=8)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    # 16 × 8 cm at 200 dpi.
    assert image.size == (int(16 / 2.54 * 200), int(8 / 2.54 * 200))
    assert "kaleido" not in sys.modules


@pytest.mark.django_db
def test_the_reports_chart_plots_the_stored_reading(seeds):
    """Birmingham's KPI2 for Oct 2018 is 24% (the seed's cover paper), drawn at 24."""
    kpi = seeds["birmingham"].kpis.get(code="KPI2")
    frame = selectors.trend_to(kpi=kpi, period=dt.date(2018, 10, 1), drafts=False)
    figure = _draw(frame, polarity=kpi.polarity)
    assert _ys(_line(figure, "Amber")) == [24.0]
    assert _ys(_line(figure, "Target")) == [21.0, 21.0]
