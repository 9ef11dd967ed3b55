"""Every chart the app draws, built from selector frames. No ORM, no request.

Views pass ``figure_json(figure)`` to the template, which hands it to Plotly
through ``json_script``; the figure itself is what the tests inspect.
"""

import datetime as dt
import json
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
BAND_FILL = "rgba(0, 112, 60, 0.12)"
TARGET_COLOUR = "#1d70b8"
COMPARATOR_DASH = {"statistical_neighbours": "dash", "england": "dot", "region": "dashdot"}


def _number(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value) if isinstance(value, Decimal) else value


def trend_figure(
    frame: pd.DataFrame,
    *,
    unit: str,
    comparators: list[dict] = (),
    events: list[dict] = (),
) -> go.Figure:
    """Readings coloured by status, the target line and the tolerance band.

    ``frame`` is ``selectors.trend_frame`` output (period, value, target,
    lower, upper, status). ``comparators`` are dicts of label, kind and
    value; ``events`` are dicts of date and label (e.g. inspections), drawn as
    vertical markers.
    """
    periods = [as_date(p) for p in frame["period"]]
    figure = go.Figure()

    if frame["target"].map(_number).notna().any():
        # The band follows target changes: a lower edge, then an upper edge
        # filled down to it. Each month's step runs to the next month's start,
        # so a single reading still shows its band.
        steps = [*periods, add_months(periods[-1], 1)]
        lower, upper, target = (
            [*(_number(v) for v in frame[column]), _number(frame[column].iloc[-1])]
            for column in ("lower", "upper", "target")
        )
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=lower,
                mode="lines",
                line={"width": 0, "shape": "hv"},
                name="Tolerance (lower)",
                hoverinfo="skip",
                showlegend=False,
            )
        )
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=upper,
                mode="lines",
                line={"width": 0, "shape": "hv"},
                fill="tonexty",
                fillcolor=BAND_FILL,
                name="Tolerance band",
                hoverinfo="skip",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=steps,
                y=target,
                mode="lines",
                name="Target",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "solid", "shape": "hv"},
                hovertemplate="Target %{y}<extra></extra>",
            )
        )

    read = frame[frame["value"].map(_number).notna()]
    figure.add_trace(
        go.Scatter(
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
        figure.add_trace(
            go.Scatter(
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

    if periods:
        start, end = min(periods), max(periods)
        for comparator in comparators:
            figure.add_trace(
                go.Scatter(
                    x=[start, end],
                    y=[_number(comparator["value"])] * 2,
                    mode="lines",
                    name=comparator["label"],
                    line={
                        "color": "#4c2c92",
                        "width": 1.5,
                        "dash": COMPARATOR_DASH.get(comparator["kind"], "dash"),
                    },
                    hovertemplate=f"{comparator['label']} %{{y}}<extra></extra>",
                )
            )
    if events:
        # A dotted line per event, and a marker at the top of the plot that
        # names it on hover (shapes have no hover of their own). The markers
        # sit on a hidden 0–1 axis so they stay at the top whatever the data.
        for event in events:
            figure.add_vline(x=_epoch_ms(event["date"]), line={"color": "#0b0c0c", "dash": "dot"})
        figure.add_trace(
            go.Scatter(
                x=[event["date"] for event in events],
                y=[1] * len(events),
                yaxis="y2",
                mode="markers",
                name="Inspections",
                marker={"symbol": "triangle-down", "size": 12, "color": "#0b0c0c"},
                customdata=[[event["label"]] for event in events],
                hovertemplate="%{x|%d %b %Y}: %{customdata[0]}<extra></extra>",
            )
        )
        figure.update_layout(
            yaxis2={"overlaying": "y", "range": [0, 1.02], "visible": False, "fixedrange": True}
        )
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 40},
        height=380,
        hovermode="closest",
        legend={"orientation": "h", "y": -0.15},
        plot_bgcolor="white",
        yaxis={"title": {"text": _axis_title(unit)}, "gridcolor": "#e5e5e5", "zeroline": False},
        xaxis={
            "gridcolor": "#f3f2f1",
            "tickformat": "%b %Y",
            "dtick": "M1" if _span_months(periods, events) <= 18 else "M3",
        },
    )
    return figure


def _span_months(periods, events) -> int:
    dates = [*periods, *(event["date"] for event in events)]
    if not dates:
        return 0
    first, last = min(dates), max(dates)
    return (last.year - first.year) * 12 + last.month - first.month


def _axis_title(unit: str) -> str:
    return {"percent": "%", "days": "days", "rate_per_10k": "per 10,000"}.get(unit, "")


def _epoch_ms(day: dt.date) -> float:
    # add_vline cannot place a line at a date on a date axis without help.
    return dt.datetime.combine(day, dt.time()).timestamp() * 1000


def figure_json(figure: go.Figure) -> dict:
    """The figure as plain JSON data, for ``json_script``."""
    return json.loads(figure.to_json())


# NHS "Making Data Count" colours: improvement blue, concern orange, else grey.
SIGNAL_STYLE = {
    "improvement": {"color": "#1d70b8", "symbol": "circle", "name": "Special cause: improvement"},
    "concern": {"color": "#f47738", "symbol": "diamond", "name": "Special cause: concern"},
    "neither": {"color": "#4c2c92", "symbol": "square", "name": "Special cause"},
    None: {"color": "#6f777b", "symbol": "circle", "name": "Common cause"},
}


def spc_figure(periods: list, analysis, signals: list, *, unit: str) -> go.Figure:
    """An XmR chart: readings, mean, process limits and two-sigma lines, with
    each point marked by its special-cause signal (see kpis.spc)."""
    values = [float(v) for v in analysis.values]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=periods, y=values, mode="lines", name="Readings",
                   line={"color": "#b1b4b6", "width": 1.5}, hoverinfo="skip", showlegend=False)
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
        figure.add_trace(
            go.Scatter(x=[periods[0], periods[-1]], y=[float(level)] * 2, mode="lines", name=name,
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
        figure.add_trace(
            go.Scatter(
                x=[periods[i] for i in points], y=[values[i] for i in points], mode="markers",
                name=name,
                marker={"color": style["color"], "symbol": style["symbol"], "size": 10},
                customdata=[[with_unit(analysis.values[i], unit)] for i in points],
                hovertemplate="%{x|%b %Y}: %{customdata[0]}<extra>" + name + "</extra>",
            )
        )  # fmt: skip
    figure.update_layout(
        margin={"l": 50, "r": 20, "t": 30, "b": 40}, height=380, plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": {"text": _axis_title(unit)}, "gridcolor": "#e5e5e5", "zeroline": False},
        xaxis={"gridcolor": "#f3f2f1", "tickformat": "%b %Y"},
    )  # fmt: skip
    return figure
