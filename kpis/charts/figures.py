"""The page's charts as Plotly figures, built from selector frames. No ORM,
no request.

A figure is the plain JSON Plotly.js reads (``{"data": [...], "layout":
{...}}``), as the national chart's is, not a ``plotly.graph_objects.Figure``:
plotly.py's trace objects were most of a KPI page's time. Dates and Decimals
stay as they are (the tests compare them); views pass ``figure_json(figure)``
to the template, which hands it to Plotly through ``json_script``. The trend
chart draws ``series.trend_series``, as the committee paper's PNG does.
"""

import datetime as dt
import functools
import html
import math
from decimal import Decimal

import pandas as pd

from kpis import rating
from kpis.charts.series import (
    MAX_TICKS,
    axis_title,
    number,
    split_events,
    tick_months,
    trend_series,
    x_span,
)
from kpis.formatting import with_unit

# Colours from the GOV.UK palette (contrast ≥ 3:1 on white); every status
# also has its own marker shape, so colour is never the only signal.
STATUS_STYLE = {
    rating.GREEN: {"color": "#00703c", "symbol": "circle"},
    rating.AMBER: {"color": "#b35900", "symbol": "diamond"},
    rating.RED: {"color": "#d4351c", "symbol": "x"},
    rating.NO_TARGET: {"color": "#505a5f", "symbol": "circle-open"},
}
# The band's zones, by what a reading there is rated (kpis.rating): the green
# zone where a reading is Green, the amber zone where it is Amber. The amber
# zone is also hatched, so the two differ in greyscale print and without colour.
GREEN_ZONE = {"fillcolor": "rgba(0, 112, 60, 0.14)", "name": "Green zone (target met)"}
AMBER_ZONE = {
    "fillcolor": "rgba(255, 221, 0, 0.28)",
    "fillpattern": {"shape": "/", "fgcolor": "rgba(179, 89, 0, 0.45)", "size": 8, "solidity": 0.15},
    "name": "Amber zone (within tolerance)",
}
# The zones' fills are pale (1.2:1 on white) so the points stay legible: the
# edge of each zone that is not the target is drawn as a dashed line at 7:1
# (WCAG 1.4.11), so the band is seen without its shading.
BAND_EDGE = {"color": "#505a5f", "width": 1.5, "dash": "longdash"}
TARGET_COLOUR = "#1d70b8"
COMPARATOR_DASH = {"statistical_neighbours": "dash", "england": "dot", "region": "dashdot"}


def _scatter(**properties) -> dict:
    # In plotly.py's order (its properties sorted, then the type), so the
    # page's JSON is byte for byte what the trace objects made.
    return {**dict(sorted(properties.items())), "type": "scatter"}


@functools.cache
def _template() -> dict | None:
    """plotly.py's default template (colours, fonts, axis styles), which every
    ``go.Figure`` carried in its layout: the charts look as they did. Made
    once a process; never changed by the figures that share it."""
    import plotly.graph_objects as go  # only here: the charts need nothing else of it

    return _plain(go.Figure()._layout.get("template"))


def _figure(traces: list[dict], **layout) -> dict:
    template = _template()
    return {"data": traces, "layout": {"template": template, **layout} if template else layout}


def plotly_text(text) -> str:
    """User-written text (an inspection's title, a comparator's label, an
    area's name) as Plotly shows it, never as markup: Plotly reads a subset of
    HTML in names, hover text and annotations (``<b>``, ``<a href>``), and
    turns entities back into the characters they stand for.

    >>> plotly_text('<a href="//example.org">TEST</a> & co')
    '&lt;a href="//example.org"&gt;TEST&lt;/a&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


__all__ = ["MAX_TICKS", "split_events", "x_span"]  # re-exported through kpis.charts


def month_ticks(periods: list) -> dict:
    """Explicit x-axis ticks (``series.tick_months``), each labelled with its
    month over its year. Plotly's own date ticks repeat a label ("Oct 2018",
    "Oct 2018") when the span is a month or two; these never do."""
    values = tick_months(periods)
    if not values:
        return {}
    return {
        "tickmode": "array",
        "tickvals": values,
        "ticktext": [f"{month:%b}<br>{month:%Y}" for month in values],
    }


def _joined(shapes: list[tuple[list, list]]) -> tuple[list, list]:
    """Closed shapes as one trace's points: Plotly's ``toself`` closes each
    shape at the gap (None) after it."""
    xs, ys = [], []
    for shape_x, shape_y in shapes:
        xs += [*shape_x, None]
        ys += [*shape_y, None]
    return xs[:-1], ys[:-1]


def _zone(shapes: list, style: dict) -> dict:
    xs, ys = _joined(shapes)
    return _scatter(
        x=xs, y=ys, mode="lines", line={"width": 0}, fill="toself", hoverinfo="skip", **style
    )


def trend_figure(
    frame: pd.DataFrame,
    *,
    unit: str,
    polarity: str,
    comparators: list[dict] = (),
    events: list[dict] = (),
) -> dict:
    """Readings coloured by status, the target line and the tolerance band
    shaded in its green and amber zones by polarity.

    ``frame`` is ``selectors.trend_frame`` output (period, value, target,
    lower, upper, status). ``comparators`` are dicts of label, kind and
    value; ``events`` are dicts of date, label and short (e.g. inspections),
    drawn as vertical markers named by ``short`` when they fall inside the
    readings' span (``split_events``); the others are not drawn.
    """
    series = trend_series(frame, polarity=polarity, comparators=comparators)
    periods, span = series.periods, series.span
    traces = []

    if series.has_target:
        traces.append(_zone(series.green, GREEN_ZONE))
        if polarity != rating.WITHIN:
            traces.append(_zone(series.amber, AMBER_ZONE))
        for i, (edge_x, edge_y) in enumerate(series.edges):
            traces.append(
                _scatter(
                    x=edge_x, y=edge_y, mode="lines", name="Edge of tolerance", line=BAND_EDGE,
                    legendgroup="edge", showlegend=i == 0,
                    hovertemplate="Edge of tolerance %{y}<extra></extra>",
                )
            )  # fmt: skip
        target_x, target_y = series.target
        traces.append(
            _scatter(
                x=target_x,
                y=target_y,
                mode="lines",
                name="Target",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "solid"},
                hovertemplate="Target %{y}<extra></extra>",
            )
        )

    traces.append(
        _scatter(
            x=series.trend[0],
            y=series.trend[1],
            mode="lines",
            name="Trend",
            line={"color": "#6f777b", "width": 1.5},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for status, points in series.points.items():
        style = STATUS_STYLE[status]
        traces.append(
            _scatter(
                x=[p.period for p in points],
                y=[p.y for p in points],
                mode="markers",
                name=rating.STATUS_LABELS[status],
                marker={
                    "color": style["color"],
                    "symbol": style["symbol"],
                    "size": 11,
                    "line": {"width": 2, "color": style["color"]},
                },
                customdata=[
                    [with_unit(p.value, unit), rating.STATUS_LABELS[status]] for p in points
                ],
                hovertemplate="%{x|%b %Y}: %{customdata[0]} (%{customdata[1]})<extra></extra>",
            )
        )

    if span:
        for comparator in comparators:
            traces.append(
                _scatter(
                    x=list(span),
                    y=[number(comparator["value"])] * 2,
                    mode="lines",
                    name=plotly_text(comparator["label"]),
                    line={
                        "color": "#4c2c92",
                        "width": 1.5,
                        "dash": COMPARATOR_DASH.get(comparator["kind"], "dash"),
                    },
                    # The label is data, not part of the template: a "%{" in
                    # it is then text, not a placeholder.
                    customdata=[[plotly_text(comparator["label"])]] * 2,
                    hovertemplate="%{customdata[0]} %{y}<extra></extra>",
                )
            )
    drawn = split_events(list(events), periods)["drawn"]
    if drawn:
        # A dotted line per event named by a short label along it, and a
        # marker at the top of the plot that gives the full name on hover
        # (shapes have no hover of their own). The markers sit on a hidden
        # 0–1 axis so they stay at the top whatever the data.
        traces.append(
            _scatter(
                x=[event["date"] for event in drawn],
                y=[1] * len(drawn),
                yaxis="y2",
                mode="markers",
                name="Inspections",
                marker={"symbol": "triangle-down", "size": 12, "color": "#0b0c0c"},
                customdata=[[plotly_text(event["label"])] for event in drawn],
                hovertemplate="%{x|%d %b %Y}: %{customdata[0]}<extra></extra>",
            )
        )
    layout = {}
    if drawn:
        layout["shapes"] = [_vline(event["date"]) for event in drawn]
        layout["annotations"] = [
            {
                "bgcolor": "rgba(255, 255, 255, 0.85)",
                "font": {"color": "#0b0c0c", "size": 11},
                "showarrow": False,
                "text": plotly_text(event.get("short") or event["label"]),
                "textangle": -90,
                "x": event["date"],
                "xanchor": "left",
                "y": 0.95,
                "yanchor": "top",
                "yref": "paper",
            }
            for event in drawn
        ]
        layout["yaxis2"] = {
            "overlaying": "y",
            "range": [0, 1.02],
            "visible": False,
            "fixedrange": True,
        }
    return _figure(
        traces,
        **layout,
        **_LAYOUT,
        hovermode="closest",
        yaxis=_y_axis(unit, series.y_range),
        xaxis=_x_axis(periods),
    )


def _vline(day: dt.date) -> dict:
    """A dotted line the height of the plot at a day, as plotly.py's
    ``add_vline`` draws it."""
    x = _epoch_ms(day)
    line = {"color": "#0b0c0c", "dash": "dot"}
    return {
        "line": line, "type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1,
        "xref": "x", "yref": "y domain",
    }  # fmt: skip


# Shared by both KPI charts. The legend sits below the plot, in the
# container's coordinates, so it never overlaps the axis labels however many
# rows it wraps to at 390 px (Plotly grows the bottom margin to fit it).
_LAYOUT = {
    "margin": {"l": 50, "r": 16, "t": 16, "b": 16},
    "height": 420,
    "plot_bgcolor": "white",
    # A key, not a control: Plotly's legend hides a line on a click, which
    # neither the keyboard nor a screen reader can do (WCAG 2.1.1).
    "legend": {
        "orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0,
        "itemclick": False, "itemdoubleclick": False,
    },
}  # fmt: skip


def _y_axis(unit: str, y_range: list | None = None) -> dict:
    axis = {"title": {"text": axis_title(unit)}, "gridcolor": "#e5e5e5", "zeroline": False}
    if y_range is not None:  # no range: Plotly fits the data
        axis["range"] = y_range
    return axis


def _x_axis(periods: list) -> dict:
    span = x_span(periods)
    axis = {"gridcolor": "#f3f2f1", "type": "date"}
    if span:
        axis["range"] = list(span)
    return {**axis, "automargin": True, **month_ticks(periods)}


def _epoch_ms(day: dt.date) -> float:
    # A line's x on a date axis, as add_vline placed it: milliseconds.
    return dt.datetime.combine(day, dt.time()).timestamp() * 1000


def figure_json(figure: dict) -> dict:
    """The figure as plain JSON data, for ``json_script``: dates in ISO form,
    Decimals as numbers. The template is JSON already and is shared as it is."""
    layout = {
        key: value if key == "template" else _plain(value)
        for key, value in figure["layout"].items()
    }
    return {"data": _plain(figure["data"]), "layout": layout}


def _plain(value):
    """JSON data as plotly's encoder makes it: dates in ISO form, Decimals and
    numpy numbers as numbers, NaN and infinities as null, tuples as lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_ITEM.get(type(item), _plain)(item) for item in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float | Decimal):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date):  # datetimes and Timestamps too
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _finite(value: float):
    return value if math.isfinite(value) else None


# The items a chart's lists are made of (tens of thousands of dates and
# floats a page), each converted as ``_plain`` would, without its chain of
# checks; any other type goes through ``_plain``.
_ITEM = {
    type(None): lambda value: value,
    str: lambda value: value,
    int: lambda value: value,
    float: _finite,
    dt.date: dt.date.isoformat,
}


# NHS "Making Data Count" colours: improvement blue, concern orange, else
# grey, each at least 3:1 on white (the orange darkened from MDC's #f47738,
# 2.78:1), and each with its own shape, so colour is never the only signal.
SIGNAL_STYLE = {
    "improvement": {"color": "#1d70b8", "symbol": "circle", "name": "Special cause: improvement"},
    "concern": {"color": "#d35f00", "symbol": "diamond", "name": "Special cause: concern"},
    "neither": {"color": "#4c2c92", "symbol": "square", "name": "Special cause"},
    None: {"color": "#6f777b", "symbol": "circle-open", "name": "Common cause"},
}


def spc_figure(periods: list, analysis, signals: list, *, unit: str) -> dict:
    """An XmR chart: readings, mean, process limits and two-sigma lines, with
    each point marked by its special-cause signal (see kpis.spc). The lines
    run the width of the x-axis, so one reading still shows its mean."""
    values = [float(v) for v in analysis.values]
    span = x_span(periods)
    traces = []
    traces.append(
        _scatter(x=periods, y=values, mode="lines", name="Readings",
                   line={"color": "#6f777b", "width": 1.5}, hoverinfo="skip", showlegend=False)
    )  # fmt: skip
    lines = [("Mean", analysis.mean, "solid")]
    if analysis.has_limits:
        lines += [
            ("Upper process limit", analysis.upper_limit, "dash"),
            ("Lower process limit", analysis.lower_limit, "dash"),
            ("Upper two-sigma", analysis.upper_two_sigma, "dot"),
            ("Lower two-sigma", analysis.lower_two_sigma, "dot"),
        ]
    for name, level, dash in lines:
        if level is None:
            continue
        traces.append(
            _scatter(x=list(span), y=[float(level)] * 2, mode="lines", name=name,
                       line={"color": "#0b0c0c" if name == "Mean" else "#505a5f", "dash": dash,
                             "width": 1.5 if name == "Mean" else 1},
                       hovertemplate=f"{name} %{{y:.2f}}<extra></extra>")
        )  # fmt: skip
    for signal, style in SIGNAL_STYLE.items():
        points = [i for i, s in enumerate(signals) if s == signal]
        if not points:
            continue
        # Below 15 readings there are no signals, so no "common cause" either.
        name = style["name"] if analysis.has_limits else "Readings"
        traces.append(
            _scatter(
                x=[periods[i] for i in points], y=[values[i] for i in points], mode="markers",
                name=name,
                marker={"color": style["color"], "symbol": style["symbol"], "size": 10,
                        "line": {"width": 2, "color": style["color"]}},
                customdata=[[with_unit(analysis.values[i], unit)] for i in points],
                hovertemplate="%{x|%b %Y}: %{customdata[0]}<extra>" + name + "</extra>",
            )
        )  # fmt: skip
    return _figure(traces, **_LAYOUT, yaxis=_y_axis(unit), xaxis=_x_axis(periods))
