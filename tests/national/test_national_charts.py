"""national/charts.py: the national comparison chart, without a database."""

from decimal import Decimal

from national.charts import benchmark_figure
from national.selectors import BenchmarkRow


def _row(year, value, england, region, sn):
    return BenchmarkRow(
        year=year, sort_year=int(year[:4]), value=value, suppression="" if value else "c",
        england=england, region=region, region_name="West Midlands",
        statistical_neighbours=sn, neighbours_with_value=3 if sn else 0,
        rank=None, of=0, quartile=None,
    )  # fmt: skip


def test_it_draws_one_line_per_comparator_with_gaps_never_zero():
    rows = [
        _row("2024", None, Decimal("17.3"), Decimal("18.2"), None),
        _row("2025", Decimal("17.1"), Decimal("14.2"), None, Decimal("13.5667")),
    ]
    figure = benchmark_figure(
        rows, unit="percent", la_label="Birmingham", region_label="West Midlands"
    )
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert list(lines) == [
        "Birmingham",
        "England",
        "West Midlands",
        "Statistical neighbours' average",
    ]
    assert lines["Birmingham"]["x"] == ["2024", "2025"]
    assert lines["Birmingham"]["y"] == [None, 17.1]  # suppressed in 2024: a gap
    assert lines["West Midlands"]["y"] == [18.2, None]
    assert lines["Birmingham"]["connectgaps"] is False
    # Told apart by more than colour: each line has its own dash and marker.
    assert len({t["line"]["dash"] for t in figure["data"]}) == 4
    assert len({t["marker"]["symbol"] for t in figure["data"]}) == 4
    assert figure["layout"]["yaxis"]["ticksuffix"] == "%"
    assert figure["layout"]["xaxis"]["type"] == "category"


def test_it_leaves_out_a_comparator_with_no_figure_in_any_year():
    rows = [_row("2025", Decimal("17.1"), Decimal("14.2"), None, None)]
    figure = benchmark_figure(rows, unit="average", la_label="Birmingham", region_label="")
    assert [t["name"] for t in figure["data"]] == ["Birmingham", "England"]
    assert figure["layout"]["yaxis"]["ticksuffix"] == ""
