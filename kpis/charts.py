"""Every chart the app draws, built from selector frames. No ORM, no request.

Views pass ``figure_json(figure)`` to the template, which hands it to Plotly
through ``json_script``; the figure itself is what the tests inspect.
"""

import datetime as dt
import html
import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from kpis import rating
from kpis.formatting import with_unit
from kpis.periods import add_months
from kpis.rating import as_date

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
# Half a month either side of the first and last readings, so their markers
# are not cut by the edge of the plot.
EDGE = dt.timedelta(days=15)


# The figures are built from values this module makes itself, so plotly.py's
# validation of every property (most of a KPI page's time) is skipped; the
# JSON Plotly.js reads is the same.
def _scatter(**properties) -> go.Scatter:
    return go.Scatter(**properties, _validate=False)


def plotly_text(text) -> str:
    """User-written text (an inspection's title, a comparator's label, an
    area's name) as Plotly shows it, never as markup: Plotly reads a subset of
    HTML in names, hover text and annotations (``<b>``, ``<a href>``), and
    turns entities back into the characters they stand for.

    >>> plotly_text('<a href="//example.org">TEST</a> & co')
    '&lt;a href="//example.org"&gt;TEST&lt;/a&gt; &amp; co'
    """
    return html.escape(str(text), quote=False)


# At most this many month labels on the x-axis: two-line labels ("Oct" over
# "2018") this many fit a 390 px phone without touching.
MAX_TICKS = 6
TICK_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def _number(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value) if isinstance(value, Decimal) else value


def x_span(periods: list) -> tuple[dt.date, dt.date] | None:
    """The x-axis of a chart of these months: the readings' span, from half a
    month before the first to half a month after the last. Nothing else
    (inspections, comparators) stretches it."""
    if not periods:
        return None
    return min(periods) - EDGE, max(periods) + EDGE


def split_events(events: list[dict], periods) -> dict[str, list[dict]]:
    """The events ``drawn`` on the chart of these months, those ``outside``
    its x-axis (which the page lists in words instead of stretching the axis
    to them), each with its ``side`` ("before" the first reading or "after"
    the last), and ``all`` of them, in their order."""
    span = x_span(list(periods))
    drawn = [e for e in events if span and span[0] <= e["date"] <= span[1]]
    outside = [
        {**e, "side": "before" if span and e["date"] < span[0] else "after"}
        for e in events
        if e not in drawn
    ]
    return {"drawn": drawn, "outside": outside, "all": list(events)}


def month_ticks(periods: list) -> dict:
    """Explicit x-axis ticks: month starts from the first reading, every
    1, 2, 3… months so that at most ``MAX_TICKS`` show, each labelled with its
    month and year. Plotly's own date ticks repeat a label ("Oct 2018", "Oct
    2018") when the span is a month or two; these never do."""
    if not periods:
        return {}
    first, last = min(periods), max(periods)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in TICK_STEPS if -(-months // s) <= MAX_TICKS), TICK_STEPS[-1])
    values = [add_months(first, n) for n in range(0, months, step)]
    return {
        "tickmode": "array",
        "tickvals": values,
        "ticktext": [f"{month:%b}<br>{month:%Y}" for month in values],
    }


def _y_range(frame: pd.DataFrame, comparators) -> list[float] | None:
    """The y-axis: every reading, band edge and comparator, with a margin;
    never below zero for figures that cannot be negative. Fixed, so that the
    zones that run to the edge of the plot have an edge to run to."""
    numbers = [
        _number(v)
        for column in ("value", "target", "lower", "upper")
        for v in frame[column]
        if _number(v) is not None
    ] + [_number(c["value"]) for c in comparators]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    margin = (high - low) * 0.08 or max(abs(high) * 0.05, 1)
    bottom = low - margin
    if low >= 0:
        bottom = max(bottom, 0)
    return [bottom, high + margin]


def _steps(edges: list, bounds: list) -> tuple[list, list]:
    """A step line through month slots: slot i runs from bounds[i] to
    bounds[i + 1] at height edges[i]; None (no target that month) breaks it."""
    xs, ys = [], []
    for i, y in enumerate(edges):
        if y is None:
            if xs and xs[-1] is not None:
                xs.append(None)
                ys.append(None)
            continue
        xs += [bounds[i], bounds[i + 1]]
        ys += [y, y]
    return xs, ys


def _zone(bounds: list, bottom: list, top: list, style: dict) -> go.Scatter:
    """A shaded zone between two step edges: one closed shape per run of
    months where both edges are set, along the top edge and back along the
    bottom; Plotly's ``toself`` closes each shape at the gap (None) after it."""
    xs, ys = [], []
    run = []
    for i in range(len(top) + 1):
        if i < len(top) and top[i] is not None and bottom[i] is not None and top[i] > bottom[i]:
            run.append(i)
            continue
        if run:
            slots = [bounds[j] for j in run] + [bounds[run[-1] + 1]]
            top_x, top_y = _steps([top[j] for j in run], slots)
            low_x, low_y = _steps([bottom[j] for j in run], slots)
            xs += [*top_x, *reversed(low_x), None]
            ys += [*top_y, *reversed(low_y), None]
            run = []
    return _scatter(
        x=xs[:-1], y=ys[:-1], mode="lines", line={"width": 0}, fill="toself", hoverinfo="skip",
        **style,
    )  # fmt: skip


def zone_edges(frame: pd.DataFrame, polarity: str, y_range: list[float]) -> dict:
    """Each month's green and amber zone as (bottom, top) lists, read with
    polarity as kpis.rating rates (PRODUCT.md "RAG rules"):

    - higher: green from the target up (to the top of the plot: beyond the
      band is still Green), amber from the lower edge up to the target;
    - lower: green from the target down, amber from the target up to the upper edge;
    - within: green across the band, no amber.

    A reading on a zone's edge belongs to the zone on the target's side: at
    the target it is Green, at the band's edge Amber.
    """
    target, lower, upper = ([_number(v) for v in frame[c]] for c in ("target", "lower", "upper"))
    floor, ceiling = y_range
    blank = [None] * len(target)
    if polarity == rating.HIGHER:
        green = (target, [None if t is None else ceiling for t in target])
        amber = (lower, target)
    elif polarity == rating.LOWER:
        green = ([None if t is None else floor for t in target], target)
        amber = (target, upper)
    else:
        green = (lower, upper)
        amber = (blank, blank)
    return {"green": green, "amber": amber}


def band_edges(frame: pd.DataFrame, polarity: str) -> list[list]:
    """The tolerance edges that bound a zone, each a list by month: for
    higher the lower edge (amber's floor), for lower the upper edge, for
    within both. The target, the other edge, is drawn already."""
    lower, upper = ([_number(v) for v in frame[c]] for c in ("lower", "upper"))
    return {rating.HIGHER: [lower], rating.LOWER: [upper]}.get(polarity, [lower, upper])


def trend_figure(
    frame: pd.DataFrame,
    *,
    unit: str,
    polarity: str,
    comparators: list[dict] = (),
    events: list[dict] = (),
) -> go.Figure:
    """Readings coloured by status, the target line and the tolerance band
    shaded in its green and amber zones by polarity.

    ``frame`` is ``selectors.trend_frame`` output (period, value, target,
    lower, upper, status). ``comparators`` are dicts of label, kind and
    value; ``events`` are dicts of date, label and short (e.g. inspections),
    drawn as vertical markers named by ``short`` when they fall inside the
    readings' span (``split_events``); the others are not drawn.
    """
    periods = [as_date(p) for p in frame["period"]]
    span = x_span(periods)
    y_range = _y_range(frame, comparators)
    traces = []

    if frame["target"].map(_number).notna().any():
        # Month i's slot runs from half a month before its point to half a
        # month before the next one, so a target change steps between two
        # points and a single reading still shows its zones.
        bounds = [p - EDGE for p in periods] + [span[1]]
        zones = zone_edges(frame, polarity, y_range)
        traces.append(_zone(bounds, *zones["green"], GREEN_ZONE))
        if polarity != rating.WITHIN:
            traces.append(_zone(bounds, *zones["amber"], AMBER_ZONE))
        for i, edge in enumerate(band_edges(frame, polarity)):
            edge_x, edge_y = _steps(edge, bounds)
            traces.append(
                _scatter(
                    x=edge_x, y=edge_y, mode="lines", name="Edge of tolerance", line=BAND_EDGE,
                    legendgroup="edge", showlegend=i == 0,
                    hovertemplate="Edge of tolerance %{y}<extra></extra>",
                )
            )  # fmt: skip
        target_x, target_y = _steps([_number(v) for v in frame["target"]], bounds)
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

    read = frame[frame["value"].map(_number).notna()]
    traces.append(
        _scatter(
            x=[as_date(p) for p in read["period"]],
            y=[_number(v) for v in read["value"]],
            mode="lines",
            name="Trend",
            line={"color": "#6f777b", "width": 1.5},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for status, style in STATUS_STYLE.items():
        points = read[read["status"] == status]
        if points.empty:
            continue
        traces.append(
            _scatter(
                x=[as_date(p) for p in points["period"]],
                y=[_number(v) for v in points["value"]],
                mode="markers",
                name=rating.STATUS_LABELS[status],
                marker={
                    "color": style["color"],
                    "symbol": style["symbol"],
                    "size": 11,
                    "line": {"width": 2, "color": style["color"]},
                },
                customdata=[
                    [with_unit(v, unit), rating.STATUS_LABELS[status]] for v in points["value"]
                ],
                hovertemplate="%{x|%b %Y}: %{customdata[0]} (%{customdata[1]})<extra></extra>",
            )
        )

    if span:
        for comparator in comparators:
            traces.append(
                _scatter(
                    x=list(span),
                    y=[_number(comparator["value"])] * 2,
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
    # One figure from every trace: adding them one by one copies each again.
    figure = go.Figure(data=traces, _validate=False)
    if drawn:
        for event in drawn:
            figure.add_vline(x=_epoch_ms(event["date"]), line={"color": "#0b0c0c", "dash": "dot"})
            figure.add_annotation(
                x=event["date"],
                y=0.95,
                yref="paper",
                text=plotly_text(event.get("short") or event["label"]),
                textangle=-90,
                xanchor="left",
                yanchor="top",
                showarrow=False,
                font={"size": 11, "color": "#0b0c0c"},
                bgcolor="rgba(255, 255, 255, 0.85)",
            )
        figure.update_layout(
            yaxis2={"overlaying": "y", "range": [0, 1.02], "visible": False, "fixedrange": True}
        )
    figure.update_layout(
        **_LAYOUT,
        hovermode="closest",
        yaxis={**_y_axis(unit), "range": y_range},
        xaxis=_x_axis(periods),
    )
    return figure


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


def _y_axis(unit: str) -> dict:
    return {"title": {"text": _axis_title(unit)}, "gridcolor": "#e5e5e5", "zeroline": False}


def _x_axis(periods: list) -> dict:
    span = x_span(periods)
    return {
        "gridcolor": "#f3f2f1",
        "type": "date",
        "range": list(span) if span else None,
        "automargin": True,
        **month_ticks(periods),
    }


def _axis_title(unit: str) -> str:
    return {"percent": "%", "days": "days", "rate_per_10k": "per 10,000"}.get(unit, "")


def _epoch_ms(day: dt.date) -> float:
    # add_vline cannot place a line at a date on a date axis without help.
    return dt.datetime.combine(day, dt.time()).timestamp() * 1000


def figure_json(figure: go.Figure) -> dict:
    """The figure as plain JSON data, for ``json_script``: what
    ``json.loads(figure.to_json())`` gives, without plotly's encoder, which
    tries nine encodings on each date and Decimal in turn."""
    # What ``to_dict`` would deep-copy first: ``_plain`` builds new
    # containers anyway. (Our figures hold no numpy arrays, which ``to_dict``
    # would send as base64; ``_plain`` would send them as lists.)
    return _plain({"data": figure._data, "layout": figure._layout})


def _plain(value):
    """JSON data as plotly's encoder makes it: dates in ISO form, Decimals and
    numpy numbers as numbers, NaN and infinities as null, tuples as lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
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


# NHS "Making Data Count" colours: improvement blue, concern orange, else
# grey, each at least 3:1 on white (the orange darkened from MDC's #f47738,
# 2.78:1), and each with its own shape, so colour is never the only signal.
SIGNAL_STYLE = {
    "improvement": {"color": "#1d70b8", "symbol": "circle", "name": "Special cause: improvement"},
    "concern": {"color": "#d35f00", "symbol": "diamond", "name": "Special cause: concern"},
    "neither": {"color": "#4c2c92", "symbol": "square", "name": "Special cause"},
    None: {"color": "#6f777b", "symbol": "circle-open", "name": "Common cause"},
}


def spc_figure(periods: list, analysis, signals: list, *, unit: str) -> go.Figure:
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
    figure = go.Figure(data=traces, _validate=False)
    figure.update_layout(**_LAYOUT, yaxis=_y_axis(unit), xaxis=_x_axis(periods))
    return figure
