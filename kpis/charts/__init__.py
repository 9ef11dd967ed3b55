"""Every chart the app draws, built from selector frames. No ORM, no request.

- ``series``: what a trend chart shows, as numbers (the one series builder);
- ``figures``: the page's Plotly figures (trend, SPC), drawn from it;
- ``images``: the same trend chart as a PNG for Word documents, drawn with
  matplotlib's Agg backend, so no browser is needed.

The names callers use are here: ``charts.trend_figure``, ``charts.trend_png``.
"""

from kpis.charts.figures import (
    AMBER_ZONE,
    BAND_EDGE,
    COMPARATOR_DASH,
    GREEN_ZONE,
    SIGNAL_STYLE,
    STATUS_STYLE,
    TARGET_COLOUR,
    figure_json,
    month_ticks,
    plotly_text,
    spc_figure,
    trend_figure,
)
from kpis.charts.images import trend_png
from kpis.charts.series import (
    EDGE,
    MAX_TICKS,
    TICK_STEPS,
    TrendSeries,
    band_edges,
    split_events,
    trend_series,
    x_span,
    zone_edges,
)

__all__ = [
    "AMBER_ZONE", "BAND_EDGE", "COMPARATOR_DASH", "EDGE", "GREEN_ZONE", "MAX_TICKS",
    "SIGNAL_STYLE", "STATUS_STYLE", "TARGET_COLOUR", "TICK_STEPS", "TrendSeries", "band_edges",
    "figure_json", "month_ticks", "plotly_text", "spc_figure", "split_events", "trend_figure",
    "trend_png", "trend_series", "x_span", "zone_edges",
]  # fmt: skip
