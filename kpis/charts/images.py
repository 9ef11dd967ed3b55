"""The trend chart as a PNG, for Word documents: ``series.trend_series``
drawn with matplotlib's Agg renderer (pure C++, no browser: kaleido's
Plotly export needs Chrome, which ``make run`` does not install).

The same readings, target line and green and amber zones as the page's
Plotly figure, in the same colours and marker shapes, so the picture in the
committee paper is the chart members see on the page. ``Figure`` is built
directly rather than through pyplot, so no global state is shared between
requests.
"""

import io
import re

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kpis import rating
from kpis.charts.figures import (
    AMBER_ZONE,
    BAND_EDGE,
    GREEN_ZONE,
    STATUS_STYLE,
    TARGET_COLOUR,
)
from kpis.charts.series import TrendSeries, axis_title, tick_months, trend_series

# Plotly's marker symbols as matplotlib's; open symbols are drawn unfilled.
MARKERS = {"circle": "o", "diamond": "D", "x": "X", "circle-open": "o"}
DASHES = {"longdash": (0, (6, 3)), "solid": "-"}
CM = 1 / 2.54
DPI = 200


def _colour(text: str):
    """A CSS colour as matplotlib takes it: ``#rrggbb`` as is, ``rgba(…)`` as a tuple."""
    found = re.fullmatch(r"rgba\((\d+),\s*(\d+),\s*(\d+),\s*([\d.]+)\)", text)
    if not found:
        return text
    r, g, b, a = found.groups()
    return (int(r) / 255, int(g) / 255, int(b) / 255, float(a))


def _segments(xs: list, ys: list) -> list[tuple[list, list]]:
    """A line with None gaps (no target that month) as its unbroken pieces."""
    pieces, x_run, y_run = [], [], []
    for x, y in [*zip(xs, ys, strict=True), (None, None)]:
        if x is None or y is None:
            if x_run:
                pieces.append((x_run, y_run))
            x_run, y_run = [], []
        else:
            x_run.append(x)
            y_run.append(y)
    return pieces


def draw_trend(series: TrendSeries, *, unit: str, width_cm: float, height_cm: float) -> Figure:
    """The chart of ``series`` as a matplotlib figure (the tests read its lines)."""
    figure = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    for shapes, style, hatch in (
        (series.green, GREEN_ZONE, None),
        (series.amber, AMBER_ZONE, "///"),
    ):
        for index, (xs, ys) in enumerate(shapes):
            axes.fill(
                xs, ys, facecolor=_colour(style["fillcolor"]), linewidth=0, hatch=hatch,
                edgecolor=_colour(AMBER_ZONE["fillpattern"]["fgcolor"]) if hatch else "none",
                label=style["name"] if index == 0 else None,
            )  # fmt: skip
    first_edge = True
    for xs, ys in series.edges:
        for piece_x, piece_y in _segments(xs, ys):
            axes.plot(
                piece_x, piece_y, color=BAND_EDGE["color"], linewidth=BAND_EDGE["width"] * 0.8,
                linestyle=DASHES[BAND_EDGE["dash"]],
                label="Edge of tolerance" if first_edge else None,
            )  # fmt: skip
            first_edge = False
    for index, (piece_x, piece_y) in enumerate(_segments(*series.target)):
        axes.plot(
            piece_x, piece_y, color=TARGET_COLOUR, linewidth=1.8,
            label="Target" if index == 0 else None,
        )  # fmt: skip
    axes.plot(*series.trend, color="#6f777b", linewidth=1.2, zorder=3)
    for status, points in series.points.items():
        style = STATUS_STYLE[status]
        hollow = style["symbol"].endswith("-open")
        axes.plot(
            [p.period for p in points], [p.y for p in points], linestyle="none",
            marker=MARKERS[style["symbol"]], markersize=6, markeredgewidth=1.5,
            color=style["color"], markerfacecolor="none" if hollow else style["color"],
            label=rating.STATUS_LABELS[status], zorder=4,
        )  # fmt: skip
    if series.span:
        axes.set_xlim(*series.span)
    if series.y_range:
        axes.set_ylim(*series.y_range)
    ticks = tick_months(series.periods)
    axes.set_xticks(ticks, [f"{month:%b}\n{month:%Y}" for month in ticks])
    axes.set_ylabel(axis_title(unit))
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=7)
    figure.legend(loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    return figure


def trend_png(
    frame: pd.DataFrame, *, unit: str, polarity: str, width_cm: float = 16, height_cm: float = 8
) -> bytes:
    """The trend chart of ``frame`` (``selectors.trend_frame`` output) as PNG
    bytes, ``width_cm`` by ``height_cm`` at 200 dots an inch."""
    figure = draw_trend(
        trend_series(frame, polarity=polarity), unit=unit, width_cm=width_cm, height_cm=height_cm
    )
    out = io.BytesIO()
    FigureCanvasAgg(figure).print_png(out)
    return out.getvalue()
