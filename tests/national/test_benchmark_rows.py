"""national.selectors.benchmark_rows on a file of known answers (worked by hand)."""

from decimal import Decimal

import pytest

from national.models import Measure
from national.selectors import benchmark_rows
from national.services import measure_import, neighbour_model_import

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,rate\n"
)


def _la(period, old, value, new=None, region="E12000005", name=None):
    new = new or f"E0800{old:0>4}"
    return (
        f"{period},Reporting year,Local authority,E92000001,England,{region},Region,"
        f"{old},{new},{name or 'LA ' + old},{value}\n"
    )


# 2025: Birmingham 12; its neighbours 333 10, 334 c, 335 14, 336 (no row),
# 337 12 (a tie), 338 x, 339 20, 340 8, 341 low, 342 16; two other LAs 30, 25.
# LA numbers sorted: 8 10 12 12 14 16 20 25 30 (n = 9): R's quantile gives
# Q1 = x[2] = 12 (Birmingham sits exactly on it), Q2 = x[4] = 14, Q3 = x[6] = 20.
# Lower is better: 8 and 10 are better, so Birmingham and 337 share rank 3.
# SN mean: (10 + 14 + 12 + 20 + 8 + 16) / 6 = 13.3333 over 6 neighbours.
# 2024: Birmingham suppressed (c); the others as listed.
FILE = (
    HEADER
    + "2025,Reporting year,National,E92000001,England,,,,,,14.2\n"
    + "2025,Reporting year,Regional,E92000001,England,E12000005,West Midlands,,,,13\n"
    + "2025,Reporting year,Regional,E92000001,England,E12000001,North East,,,,9\n"
    + _la("2025", "330", "12", new="E08000025", name="Birmingham")
    + "".join(
        _la("2025", code, value)
        for code, value in [
            ("333", "10"),
            ("334", "c"),
            ("335", "14"),
            ("337", "12"),
            ("338", "x"),
            ("339", "20"),
            ("340", "8"),
            ("341", "low"),
            ("342", "16"),
        ]
    )
    + _la("2025", "801", "30", region="E12000001")
    + _la("2025", "802", "25", region="E12000001")
    + "2024,Reporting year,National,E92000001,England,,,,,,15\n"
    + _la("2024", "330", "c", new="E08000025", name="Birmingham")
    + _la("2024", "333", "11")
    + _la("2024", "335", "13")
)
NEIGHBOURS = (
    "old_la_code,la_name,region_ind,region_name,"
    + ",".join(f"SN_{k},SN_{k}P" for k in range(1, 11))
    + "\n330,Birmingham,8,West Midlands,"
    + ",".join(f"{c},Close" for c in range(333, 343))
    + "\n"
)


def _import(polarity):
    result = measure_import(
        slug="rate", name="hand.csv", data=FILE.encode(), indicator="rate", polarity=polarity
    )
    assert result.errors == []
    neighbour_model_import(model="hand", name="sn.csv", data=NEIGHBOURS.encode())
    return Measure.objects.get(slug="rate")


def test_it_works_out_the_years_figures_as_lait_does(seeds):
    measure = _import("lower")
    rows = benchmark_rows(organisation=seeds["birmingham"], measure=measure)
    assert [r.year for r in rows] == ["2024", "2025"]
    latest = rows[-1]
    assert latest.as_dict() == {
        "year": "2025",
        "value": Decimal("12"),
        "england": Decimal("14.2"),
        "region": Decimal("13"),
        "statistical_neighbours": Decimal("13.3333"),
        "neighbours_with_value": 6,
        "rank": 3,
        "of": 9,
        "quartile": "A",
    }
    assert latest.region_name == "West Midlands"


def test_higher_is_better_turns_the_rank_and_band_round(seeds):
    measure = _import("higher")
    latest = benchmark_rows(organisation=seeds["birmingham"], measure=measure)[-1]
    # Better: 14 16 20 25 30 → rank 6; on Q1 → the bottom quarter, D.
    assert (latest.rank, latest.of, latest.quartile) == (6, 9, "D")


def test_a_measure_without_polarity_has_no_rank_or_band(seeds):
    measure = _import(None)
    latest = benchmark_rows(organisation=seeds["birmingham"], measure=measure)[-1]
    assert (latest.rank, latest.of, latest.quartile) == (None, 9, None)
    assert latest.statistical_neighbours == Decimal("13.3333")


def test_a_suppressed_own_value_is_blank_never_zero_and_has_no_rank(seeds):
    measure = _import("lower")
    earlier = benchmark_rows(organisation=seeds["birmingham"], measure=measure)[0]
    assert (earlier.value, earlier.suppression) == (None, "c")
    assert (earlier.rank, earlier.quartile, earlier.of) == (None, None, 2)
    assert (earlier.statistical_neighbours, earlier.neighbours_with_value) == (Decimal("12"), 2)
    # The region has no row that year: blank, not last year's.
    assert (earlier.england, earlier.region) == (Decimal("15"), None)


def test_an_la_outside_the_neighbour_model_has_no_sn_average(seeds):
    measure = _import("lower")
    # Sandwell is LA 333 in the file, but the model lists only Birmingham's neighbours.
    rows = benchmark_rows(organisation=seeds["sandwell"], measure=measure)
    assert [(r.value, r.statistical_neighbours, r.neighbours_with_value) for r in rows] == [
        (Decimal("11"), None, 0),
        (Decimal("10"), None, 0),
    ]


@pytest.mark.django_db
def test_it_finds_the_la_by_its_new_code_alone(seeds):
    measure = _import("lower")
    birmingham = seeds["birmingham"]
    birmingham.old_la_code = ""
    latest = benchmark_rows(organisation=birmingham, measure=measure)[-1]
    assert (latest.value, latest.rank) == (Decimal("12"), 3)
    # Without the old code there are no neighbours to look up.
    assert latest.neighbours_with_value == 0
