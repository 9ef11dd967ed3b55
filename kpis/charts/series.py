"""What a KPI's trend chart shows, as numbers: the one series builder that
the page's Plotly figure (``figures``) and the committee paper's PNG
(``images``) both draw, so the two show the same readings, target line and
tolerance zones. No ORM, no request, no drawing library.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from kpis import rating
from kpis.periods import add_months
from kpis.rating import as_date

# Half a month either side of the first and last readings, so their markers
# are not cut by the edge of the plot.
EDGE = dt.timedelta(days=15)
# At most this many month labels on the x-axis: two-line labels ("Oct" over
# "2018") this many fit a 390 px phone without touching.
MAX_TICKS = 6
TICK_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
# The statuses a point can be drawn with, in the order the key lists them.
POINT_STATUSES = (rating.GREEN, rating.AMBER, rating.RED, rating.NO_TARGET)


def number(value):
    """A stored value as the float a chart plots (``Decimal("24.1")`` → 24.1:
    the reading as entered, never its scaled integer); None for a blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(value) if isinstance(value, Decimal) else value


def axis_title(unit: str) -> str:
    """The y-axis title for a unit ("%", "days"); counts and averages have none."""
    return {"percent": "%", "days": "days", "rate_per_10k": "per 10,000"}.get(unit, "")


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


def tick_months(periods: list) -> list[dt.date]:
    """The months the x-axis labels: month starts from the first reading,
    every 1, 2, 3… months so that at most ``MAX_TICKS`` show."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in TICK_STEPS if -(-months // s) <= MAX_TICKS), TICK_STEPS[-1])
    return [add_months(first, n) for n in range(0, months, step)]


def y_range(frame: pd.DataFrame, comparators) -> list[float] | None:
    """The y-axis: every reading, band edge and comparator, with a margin;
    never below zero for figures that cannot be negative. Fixed, so that the
    zones that run to the edge of the plot have an edge to run to."""
    numbers = [
        number(v)
        for column in ("value", "target", "lower", "upper")
        for v in frame[column]
        if number(v) is not None
    ] + [number(c["value"]) for c in comparators]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    margin = (high - low) * 0.08 or max(abs(high) * 0.05, 1)
    bottom = low - margin
    if low >= 0:
        bottom = max(bottom, 0)
    return [bottom, high + margin]


def steps(edges: list, bounds: list) -> tuple[list, list]:
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


def zone_shapes(bounds: list, bottom: list, top: list) -> list[tuple[list, list]]:
    """A shaded zone between two step edges: one closed shape (xs, ys) per
    run of months where both edges are set, along the top edge and back
    along the bottom."""
    shapes, run = [], []
    for i in range(len(top) + 1):
        if i < len(top) and top[i] is not None and bottom[i] is not None and top[i] > bottom[i]:
            run.append(i)
            continue
        if run:
            slots = [bounds[j] for j in run] + [bounds[run[-1] + 1]]
            top_x, top_y = steps([top[j] for j in run], slots)
            low_x, low_y = steps([bottom[j] for j in run], slots)
            shapes.append(([*top_x, *reversed(low_x)], [*top_y, *reversed(low_y)]))
            run = []
    return shapes


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
    target, lower, upper = ([number(v) for v in frame[c]] for c in ("target", "lower", "upper"))
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
    lower, upper = ([number(v) for v in frame[c]] for c in ("lower", "upper"))
    return {rating.HIGHER: [lower], rating.LOWER: [upper]}.get(polarity, [lower, upper])


@dataclass(frozen=True)
class Point:
    period: dt.date
    y: float  # what is plotted
    value: Decimal  # the reading as stored, for its label


@dataclass(frozen=True)
class TrendSeries:
    """Everything a trend chart draws, in data coordinates (x dates, y the
    KPI's unit). Step lines and shapes are (xs, ys) lists; None breaks a line."""

    periods: list[dt.date]
    span: tuple[dt.date, dt.date] | None
    y_range: list[float] | None
    has_target: bool
    green: list[tuple[list, list]] = field(default_factory=list)
    amber: list[tuple[list, list]] = field(default_factory=list)
    edges: list[tuple[list, list]] = field(default_factory=list)
    target: tuple[list, list] = ([], [])
    trend: tuple[list, list] = ([], [])
    # Each status's points, in POINT_STATUSES order; statuses without one left out.
    points: dict[str, list[Point]] = field(default_factory=dict)


def trend_series(frame: pd.DataFrame, *, polarity: str, comparators=()) -> TrendSeries:
    """The readings coloured by status, the target line and the tolerance
    band's green and amber zones by polarity, from ``selectors.trend_frame``
    output (period, value, target, lower, upper, status)."""
    periods = [as_date(p) for p in frame["period"]]
    span = x_span(periods)
    y_axis = y_range(frame, comparators)
    has_target = bool(frame["target"].map(number).notna().any())
    shapes = {}
    if has_target:
        # Month i's slot runs from half a month before its point to half a
        # month before the next one, so a target change steps between two
        # points and a single reading still shows its zones.
        bounds = [p - EDGE for p in periods] + [span[1]]
        zones = zone_edges(frame, polarity, y_axis)
        shapes = {
            "green": zone_shapes(bounds, *zones["green"]),
            "amber": [] if polarity == rating.WITHIN else zone_shapes(bounds, *zones["amber"]),
            "edges": [steps(edge, bounds) for edge in band_edges(frame, polarity)],
            "target": steps([number(v) for v in frame["target"]], bounds),
        }
    read = frame[frame["value"].map(number).notna()]
    points = {}
    for status in POINT_STATUSES:
        rows = read[read["status"] == status]
        if not rows.empty:
            points[status] = [
                Point(as_date(p), number(v), v)
                for p, v in zip(rows["period"], rows["value"], strict=True)
            ]
    return TrendSeries(
        periods=periods,
        span=span,
        y_range=y_axis,
        has_target=has_target,
        trend=([as_date(p) for p in read["period"]], [number(v) for v in read["value"]]),
        points=points,
        **shapes,
    )
