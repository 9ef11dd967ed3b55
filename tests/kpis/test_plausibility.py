"""The plausibility rule (kpis/plausibility.py) at its boundaries: exactly
at a limit is usual, just over is not. Pure: no database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from kpis import plausibility, spc
from kpis.plausibility import unusual

PERCENT = SimpleNamespace(code="PI1", unit="percent")
COUNT = SimpleNamespace(code="PI5", unit="count")
# Sandwell's PI1, Jan–Dec 2018, as the seed prints them.
SANDWELL_PI1 = [
    Decimal(v) for v in "83.0 74.0 78.9 81.7 70.1 82.8 69.4 57.5 73.5 73.8 75.4 66.6".split()
]


def D(text):
    return Decimal(text)


def test_a_fraction_for_a_percent_kpi_asks_did_you_mean():
    found = unusual(kpi=PERCENT, value=D("0.9"), history=SANDWELL_PI1)
    assert found.suggestion == "90%"
    assert str(found) == (
        "0.9 is unusual for PI1: it looks like a fraction; its readings run 57.5–83%. "
        "Did you mean 90%?"
    )


@pytest.mark.parametrize(
    "value, lowest, is_unusual",
    [
        ("1", "10.0001", True),  # 1 is a fraction (100 %), every reading above ten times it
        ("1", "10", False),  # the lowest reading exactly ten times it: could be 1 %
        ("0.9", "9.0001", True),
        ("0.9", "9", False),
        ("1.0001", "50", False),  # above 1: not a fraction (nor over the median)
        ("0", "50", False),  # 0 % is 0 as a fraction too
        ("0.0001", "50", True),  # the smallest value above 0 is a fraction
    ],
)
def test_the_fraction_rule_at_its_limits(value, lowest, is_unusual):
    history = [D(lowest), D("60"), D("70")]
    found = unusual(kpi=PERCENT, value=D(value), history=history)
    assert (found is not None and bool(found.suggestion)) is is_unusual


def test_the_fraction_rule_is_for_percent_kpis_only():
    assert unusual(kpi=COUNT, value=D("1"), history=[D("40"), D("50"), D("60")]) is None


@pytest.mark.parametrize(
    "value, is_unusual",
    [("210", False), ("210.0001", True), ("209", False)],  # median 21: exactly ten times is usual
)
def test_ten_times_the_median(value, is_unusual):
    history = [D("17"), D("21"), D("25")]
    found = unusual(kpi=COUNT, value=D(value), history=history)
    assert (found is not None) is is_unusual
    if found:
        assert "more than ten times the median of its readings (21)" in str(found)


def test_the_median_rule_names_the_median_in_the_kpis_unit():
    found = unusual(kpi=PERCENT, value=D("250"), history=[D("17"), D("21"), D("25")])
    assert str(found) == (
        "250 is unusual for PI1: it is more than ten times the median of its readings (21%)."
    )


def test_a_median_of_zero_says_nothing_about_a_value():
    assert unusual(kpi=COUNT, value=D("5"), history=[D("0"), D("0"), D("0")]) is None


def test_a_median_just_above_zero_still_counts():
    history = [D("0"), D("0"), D("0.0001"), D("0.0001")]  # median 0.00005
    assert unusual(kpi=COUNT, value=D("0.0005"), history=history) is None
    assert unusual(kpi=COUNT, value=D("0.0006"), history=history) is not None


def test_the_median_of_an_even_count_is_exact():
    history = [D("1"), D("2"), D("3"), D("4")]  # median 2.5
    assert unusual(kpi=COUNT, value=D("25"), history=history) is None
    assert unusual(kpi=COUNT, value=D("25.0001"), history=history) is not None


def test_beyond_the_process_limits_with_fifteen_readings():
    # The worked example's first 15 points: limits from their own mean and moving range.
    history = spc.WORKED_EXAMPLE[:15]
    analysis = spc.analyse(history)
    upper = analysis.upper_limit
    on_limit = upper.quantize(D("0.0001"))
    # The upper limit has more than 4 places here; the nearest value below is within.
    below = on_limit if on_limit <= upper else on_limit - D("0.0001")
    assert unusual(kpi=PERCENT, value=below, history=history) is None
    found = unusual(kpi=PERCENT, value=below + D("0.0001"), history=history)
    assert "above the process limits of its 15 readings" in str(found)


def test_exactly_on_a_process_limit_is_usual():
    # 15 readings whose limits fall on a ten-thousandth: mean 80, mean moving range 3.
    history = [D(v) for v in "77 80 83 80 77 80 83 80 77 80 83 80 77 80 83".split()]
    analysis = spc.analyse(history)
    assert analysis.upper_limit == D("87.98") and analysis.lower_limit == D("72.02")
    assert unusual(kpi=PERCENT, value=D("87.98"), history=history) is None
    assert unusual(kpi=PERCENT, value=D("72.02"), history=history) is None
    assert "above" in str(unusual(kpi=PERCENT, value=D("87.9801"), history=history))
    assert "below" in str(unusual(kpi=PERCENT, value=D("72.0199"), history=history))


def test_it_says_which_side_of_which_process_limits_a_value_lies():
    history = [D(v) for v in "77 80 83 80 77 80 83 80 77 80 83 80 77 80 83".split()]
    assert str(unusual(kpi=PERCENT, value=D("87.9801"), history=history)) == (
        "87.9801 is unusual for PI1: it is above the process limits of its 15 readings "
        "(72.02–87.98)."
    )
    assert str(unusual(kpi=PERCENT, value=D("72.0199"), history=history)) == (
        "72.0199 is unusual for PI1: it is below the process limits of its 15 readings "
        "(72.02–87.98)."
    )


def test_it_gives_every_reason_a_value_is_unusual():
    history = [D(v) for v in "77 80 83 80 77 80 83 80 77 80 83 80 77 80 83".split()]
    assert str(unusual(kpi=PERCENT, value=D("0.9"), history=history)) == (
        "0.9 is unusual for PI1: it looks like a fraction; its readings run 77–83%; "
        "it is below the process limits of its 15 readings (72.02–87.98). Did you mean 90%?"
    )


def test_with_fewer_than_fifteen_readings_there_are_no_process_limits():
    history = [D(v) for v in "80 83 80 83 80 77 80 77 80 83 80 77 80 83".split()]  # 14
    assert unusual(kpi=PERCENT, value=D("95"), history=history) is None


@pytest.mark.parametrize("count", [0, 1, 2])
def test_with_fewer_than_three_readings_nothing_is_unusual(count):
    assert plausibility.MIN_HISTORY == 3
    history = [D("80")] * count
    assert unusual(kpi=PERCENT, value=D("0.9"), history=history) is None
    assert unusual(kpi=COUNT, value=D("100000"), history=history) is None


def test_the_value_already_saved_is_not_asked_about_again():
    assert unusual(kpi=PERCENT, value=D("0.9"), history=SANDWELL_PI1, saved=D("0.9")) is None
    assert unusual(kpi=PERCENT, value=D("0.9"), history=SANDWELL_PI1, saved=D("0.8")) is not None
