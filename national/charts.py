"""The national comparison chart: the LA, England, its region and its
statistical neighbours' average, year by year. Built from ``benchmark_rows``;
no ORM, no request.

The figure is the plain JSON Plotly.js reads (``{"data": [...], "layout":
{...}}``), not a ``plotly.graph_objects.Figure``: four small lines do not need
plotly.py's validation, which cost about 20 ms a KPI page.
"""

from kpis.charts import plotly_text
from national.selectors import BenchmarkRow

# GOV.UK palette; each line also has its own dash and marker, so colour is
# never the only signal.
SERIES_STYLE = {
    "value": {"color": "#1d70b8", "dash": "solid", "symbol": "circle", "width": 3},
    "england": {"color": "#0b0c0c", "dash": "dot", "symbol": "square", "width": 2},
    "region": {"color": "#b35900", "dash": "dashdot", "symbol": "diamond", "width": 2},
    "statistical_neighbours": {
        "color": "#4c2c92",
        "dash": "dash",
        "symbol": "triangle-up",
        "width": 2,
    },
}
UNIT_SUFFIX = {"percent": "%", "days": " days", "rate_per_10k": " per 10,000"}


def benchmark_figure(
    rows: list[BenchmarkRow], *, unit: str, la_label: str, region_label: str
) -> dict:
    """One line per comparator; a year without a figure (suppressed, or no
    neighbour with one) is a gap, never 0. A comparator with no figure in
    any year is left out."""
    years = [row.year for row in rows]
    labels = {
        "value": la_label,
        "england": "England",
        "region": region_label or "Region",
        "statistical_neighbours": "Statistical neighbours' average",
    }
    suffix = UNIT_SUFFIX.get(unit, "")
    data = []
    for key, label in labels.items():
        values = [getattr(row, key) for row in rows]
        if all(v is None for v in values):
            continue
        style = SERIES_STYLE[key]
        data.append(
            {
                "type": "scatter",
                "x": years,
                "y": [float(v) if v is not None else None for v in values],
                "name": plotly_text(label),
                "mode": "lines+markers",
                "connectgaps": False,
                "line": {"color": style["color"], "dash": style["dash"], "width": style["width"]},
                "marker": {"symbol": style["symbol"], "size": 8, "color": style["color"]},
                # The name is data, not part of the template (a "%{" in it is text).
                "customdata": [plotly_text(label)] * len(years),
                "hovertemplate": f"%{{customdata}}, %{{x}}: %{{y:.1f}}{suffix}<extra></extra>",
            }
        )
    layout = {
        "margin": {"l": 50, "r": 20, "t": 20, "b": 40},
        "height": 320,
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"type": "category", "gridcolor": "#f3f2f1"},
        "yaxis": {"ticksuffix": "%" if unit == "percent" else "", "gridcolor": "#f3f2f1",
                  "rangemode": "tozero"},
        "hovermode": "x unified",
    }  # fmt: skip
    return {"data": data, "layout": layout}
