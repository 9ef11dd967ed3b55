"""The SPC rules of kpis.spc, each at its threshold. No database.

Every series is written as deviations from 50 and designed by hand so that
the lines are exact: with 15 readings there are 14 moving ranges, so the
process limits sit 2.66 × ΣmR / 14 = 0.19 × ΣmR from the mean and the
two-sigma lines ⅔ of that. Where a test moves a point onto, just inside or
just outside a line, it moves a second point the other way: both are local
peaks (or both local dips), so the mean and ΣmR, and so every line, stay put.
A series negated (``sign=-1``) mirrors every high flag to a low one.
"""

from decimal import Decimal

import numpy as np
import pytest

from kpis.formatting import plain
from kpis.spc import (
    COMMON_CAUSE,
    CONCERN,
    CONCERNING,
    CONSISTENTLY_FAIL,
    CONSISTENTLY_PASS,
    HIGH,
    HIT_AND_MISS,
    IMPROVEMENT,
    IMPROVING,
    LOW,
    MIN_POINTS,
    NEITHER,
    SIGNAL_NEITHER,
    TOO_FEW,
    WORKED_EXAMPLE,
    WORKED_EXAMPLE_EXPECTED,
    WORKED_EXAMPLE_POLARITY,
    WORKED_EXAMPLE_TARGET,
    analyse,
    analyse_units,
    assurance,
    flagged_points,
    point_signals,
    rounded,
    variation,
)

SIDES = [(1, HIGH), (-1, LOW)]


def _series(deviations: str, *, sign: int = 1) -> list[Decimal]:
    """Readings 50 + d, one for each deviation d (50 − d when sign is -1)."""
    return [Decimal(50) + sign * Decimal(d) for d in deviations.split()]


def _flagged_by(analysis, rule: int) -> list[tuple[int, str]]:
    """(point number from 1, side) of each point the rule flags."""
    return [(n, side) for n, side, rules in flagged_points(analysis) if rule in rules]


# Σd = 0, so mean 50. ΣmR = 9.5·4 + 19·2 + 6 + 12 + 6 = 100, so the limits
# are 50 ± 19: 69 and 31. Point 8 sits exactly on the upper limit; the
# format fields move point 8 and point 11 (both peaks) in opposite directions.
LIMIT = "0 0 -9.5 0 0 0 0 {p8} 0 0 {p11} -6 0 -9.5 0"


def _limit_series(delta: str, *, sign: int = 1) -> list[Decimal]:
    delta = Decimal(delta)
    return _series(LIMIT.format(p8=19 + delta, p11=6 - delta), sign=sign)


@pytest.mark.parametrize(("sign", "side"), SIDES)
@pytest.mark.parametrize(
    ("delta", "flagged"),
    [("-0.01", []), ("0", []), ("0.01", [8])],
    ids=["just_inside", "exactly_on", "just_outside"],
)
def test_it_flags_only_a_point_beyond_a_process_limit(sign, side, delta, flagged):
    a = analyse(_limit_series(delta, sign=sign))

    assert (a.mean, a.upper_limit, a.lower_limit) == (50, 69, 31)
    assert flagged_points(a) == [(n, side, (1,)) for n in flagged]


# Σd = 0 and ΣmR = 15·2 + 20 + 15 + 15 + 20 + 12.5 + 25 + 12.5 = 150: limits
# 50 ± 28.5 (78.5, 21.5), two-sigma lines 50 ± 19 (69, 31). Points 7-9 are
# the window; points 11 and 12 (a peak and a dip) balance the moves.
TWO_OF_THREE = "0 0 -15 -15 -15 0 {p7} {p8} {p9} 0 {p11} {p12} 0 0 0"
BASE = {"p7": 20, "p8": 5, "p9": 20, "p11": 12.5, "p12": -12.5}


def _two_of_three(*, sign: int = 1, **moved) -> list[Decimal]:
    return _series(TWO_OF_THREE.format(**(BASE | moved)), sign=sign)


@pytest.mark.parametrize(("sign", "side"), SIDES)
def test_it_flags_two_of_three_beyond_two_sigma_but_not_the_third(sign, side):
    a = analyse(_two_of_three(sign=sign))

    assert (a.upper_two_sigma, a.lower_two_sigma) == (69, 31)
    assert (a.upper_limit, a.lower_limit) == (Decimal("78.5"), Decimal("21.5"))
    assert flagged_points(a) == [(7, side, (4,)), (9, side, (4,))]


@pytest.mark.parametrize(("sign", "side"), SIDES)
def test_it_flags_all_three_when_all_three_are_beyond_two_sigma(sign, side):
    # Point 8, a dip, rises 15 and point 12, a dip, falls 15: ΣmR stays 150.
    a = analyse(_two_of_three(p8=20, p12=-27.5, sign=sign))

    assert _flagged_by(a, 4) == [(7, side), (8, side), (9, side)]


@pytest.mark.parametrize(("sign", "side"), SIDES)
def test_it_does_not_count_a_point_exactly_on_the_two_sigma_line(sign, side):
    a = analyse(_two_of_three(p7=19, p9=21, sign=sign))

    assert a.upper_two_sigma == 69
    assert flagged_points(a) == []


@pytest.mark.parametrize(("sign", "side"), SIDES)
def test_it_leaves_a_point_beyond_the_limit_to_rule_1_in_a_two_of_three_window(sign, side):
    # 80 (or 20) is beyond the limit, so the window holds only one point for
    # rule 4: point 9.
    a = analyse(_two_of_three(p7=30, p11=2.5, sign=sign))

    assert flagged_points(a) == [(7, side, (1,))]


@pytest.mark.parametrize(("sign", "side"), SIDES)
def test_it_counts_a_point_exactly_on_the_limit_towards_two_of_three(sign, side):
    a = analyse(_two_of_three(p7=28.5, p11=4, sign=sign))

    assert a.values[6] in (a.upper_limit, a.lower_limit)
    assert flagged_points(a) == [(7, side, (4,)), (9, side, (4,))]


def test_it_needs_all_three_points_off_the_mean_for_two_of_three():
    # Point 8, a dip, falls 5 onto the mean; point 12, a dip, rises 5.
    a = analyse(_two_of_three(p8=0, p12=-7.5))

    assert a.mean == a.values[7] == 50
    assert flagged_points(a) == []


# Σd = 5, so the mean is 50⅓, and ΣmR = 37: limits 50⅓ ± 7.03, two-sigma lines
# 50⅓ ± 4.68⅔, i.e. 55.02 exactly, though neither term is a finite decimal.
RECURRING = "0 0 -2.34 -2.34 -2.34 0 6 1 {p9} 0 {p11} -3.07 0 0 0"


@pytest.mark.parametrize(
    ("p9", "p11", "flagged"),
    [("5.02", "3.07", []), ("5.03", "3.06", [7, 9])],
    ids=["exactly_on", "just_beyond"],
)
def test_it_compares_exactly_with_a_two_sigma_line_on_a_recurring_mean(p9, p11, flagged):
    a = analyse(_series(RECURRING.format(p9=p9, p11=p11)))

    assert rounded(a.mean) == "50.33"
    assert rounded(a.upper_two_sigma) == "55.02"
    assert a.values[6] > a.upper_two_sigma  # point 7, 56: beyond, with point 9 or alone
    assert _flagged_by(a, 4) == [(n, HIGH) for n in flagged]


# Sides of the mean (50): + − + − then a run, then − + − + −; Σd = 0 each.
SHIFT_6 = "1 -1 1 -3 1 2 1 2 1 2 -3 1 -3 1 -3"  # points 5-10 above
SHIFT_5 = "1 -1 1 -3 -1 2 1 2 1 2 -3 1 -3 1 -1"  # points 6-10 above
SHIFT_7 = "1 -1 1 -3 1 2 1 2 1 2 1 -3 1 -3 -3"  # points 5-11 above


@pytest.mark.parametrize(("sign", "side"), SIDES)
@pytest.mark.parametrize(
    ("deviations", "run", "flagged"),
    [
        (SHIFT_6, 6, range(5, 11)),
        (SHIFT_5, 6, []),
        (SHIFT_6, 7, []),
        (SHIFT_7, 7, range(5, 12)),
    ],
    ids=["6_of_6", "5_of_6", "6_of_7", "7_of_7"],
)
def test_it_flags_every_point_of_a_shift_of_run_length(sign, side, deviations, run, flagged):
    a = analyse(_series(deviations, sign=sign), run=run)

    assert _flagged_by(a, 2) == [(n, side) for n in flagged]


def test_it_takes_the_run_length_from_settings(settings):
    settings.SPC_RUN_LENGTH = 7

    assert _flagged_by(analyse(_series(SHIFT_6)), 2) == []
    assert _flagged_by(analyse(_series(SHIFT_7)), 2) == [(n, HIGH) for n in range(5, 12)]


# Σd = 0: point 7 is exactly on the mean, between two runs of 5 above it.
ON_MEAN = "-3 1 2 1 2 1 {p7} 1 2 1 2 1 -3 -4 -4"


def test_it_ends_a_shift_at_a_point_exactly_on_the_mean():
    a = analyse(_series(ON_MEAN.format(p7=0)))

    assert a.values[6] == a.mean
    assert _flagged_by(a, 2) == []


def test_it_flags_the_whole_shift_when_the_middle_point_is_just_above_the_mean():
    a = analyse(_series(ON_MEAN.format(p7="0.01")))

    assert _flagged_by(a, 2) == [(n, HIGH) for n in range(2, 13)]


# Points 5-10 rise 5 times, from below the mean (50) to above it.
TREND_6 = "0 3 -3 3 -3 -2 -1 1 2 3 -3 3 -3 3 -3"
TREND_5 = "0 3 -3 3 -3 -2 -1 1 2 -3 -3 3 -3 3 -3"  # points 5-9: 4 rises
TREND_EQUAL = "0 3 -3 3 -3 -2 -1 -1 1 2 3 -3 3 -3 3"  # 7 and 8 equal
TREND_7 = "0 3 -3 3 -3 -2 -1 -0.5 1 2 3 -3 3 -3 3"  # points 5-11: 6 rises


@pytest.mark.parametrize(("sign", "side"), SIDES)
@pytest.mark.parametrize(
    ("deviations", "run", "flagged"),
    [
        (TREND_6, 6, range(5, 11)),
        (TREND_5, 6, []),
        (TREND_EQUAL, 6, []),
        (TREND_7, 6, range(5, 12)),
        (TREND_6, 7, []),
        (TREND_7, 7, range(5, 12)),
    ],
    ids=["6_of_6", "5_of_6", "equal_neighbours", "7_of_6", "6_of_7", "7_of_7"],
)
def test_it_flags_every_point_of_a_trend_including_the_first(sign, side, deviations, run, flagged):
    a = analyse(_series(deviations, sign=sign), run=run)

    assert _flagged_by(a, 3) == [(n, side) for n in flagged]


def test_it_lets_a_trend_cross_the_mean():
    a = analyse(_series(TREND_6))

    assert [x > a.mean for x in a.values[4:10]] == [False] * 3 + [True] * 3
    assert _flagged_by(a, 3) == [(n, HIGH) for n in range(5, 11)]


@pytest.mark.parametrize(
    ("sign", "polarity", "signal"),
    [
        (1, "higher", IMPROVEMENT),
        (1, "lower", CONCERN),
        (1, "within", SIGNAL_NEITHER),
        (-1, "higher", CONCERN),
        (-1, "lower", IMPROVEMENT),
        (-1, "within", SIGNAL_NEITHER),
    ],
)
def test_it_reads_a_signal_with_the_polarity(sign, polarity, signal):
    signals = point_signals(analyse(_series(SHIFT_6, sign=sign)), polarity)

    assert signals == [None] * 4 + [signal] * 6 + [None] * 5


# Points 5-10 rise (a trend, high) while points 5-11 are below the mean (a
# shift, low). Σd = 0. Points 5 and 6 are also beyond the lower limit and
# points 7 and 8 beyond the lower two-sigma line: low flags all the same.
IMPROVEMENT_WINS = "3 2 3 3 -6 -5 -4 -3 -2 -1 -2 3 3 3 3"


@pytest.mark.parametrize(
    ("polarity", "signals"),
    [
        ("higher", [IMPROVEMENT] * 6 + [CONCERN]),
        ("lower", [IMPROVEMENT] * 7),
    ],
)
def test_it_counts_a_point_flagged_both_ways_as_improvement(polarity, signals):
    a = analyse(_series(IMPROVEMENT_WINS))

    assert all(3 in a.high[i] and 2 in a.low[i] for i in range(4, 10))
    assert point_signals(a, polarity)[4:11] == signals


# Σd = 0; points 10-15 are a shift above the mean, ending at the latest.
LATEST_IN_SHIFT = "-1 1 -3 1 -3 1 -3 1 -3 1 2 1 2 1 2"


@pytest.mark.parametrize(
    ("polarity", "run", "expected"),
    [
        ("higher", 6, IMPROVING),
        ("lower", 6, CONCERNING),
        ("within", 6, NEITHER),
        ("higher", 7, COMMON_CAUSE),
        ("lower", 7, COMMON_CAUSE),
        ("within", 7, COMMON_CAUSE),
    ],
)
def test_it_takes_the_variation_from_the_latest_reading_in_a_flagged_run(polarity, run, expected):
    a = analyse(_series(LATEST_IN_SHIFT), run=run)

    assert a.high[-1] == ({2} if run == 6 else set())
    assert variation(a, polarity) == expected


# Alternating either side of the mean, then a jump beyond the upper limit.
LATEST_ALONE_FLAGGED = "-2 2 -2 2 -2 2 -2 2 -2 2 -2 2 -2 2 20"


@pytest.mark.parametrize(
    ("polarity", "expected"), [("higher", IMPROVING), ("lower", CONCERNING), ("within", NEITHER)]
)
def test_a_jump_in_the_latest_month_alone_sets_the_icon(polarity, expected):
    a = analyse(_series(LATEST_ALONE_FLAGGED))

    assert flagged_points(a) == [(15, HIGH, (1,))]
    assert variation(a, polarity) == expected


@pytest.mark.parametrize("polarity", ["higher", "lower", "within"])
def test_it_shows_common_cause_when_only_earlier_readings_are_flagged(polarity):
    a = analyse(_series(SHIFT_6))

    assert _flagged_by(a, 2) != []
    assert variation(a, polarity) == COMMON_CAUSE


@pytest.mark.parametrize(
    ("polarity", "target", "expected"),
    [
        ("higher", "30.99", CONSISTENTLY_PASS),
        ("higher", "31", CONSISTENTLY_PASS),
        ("higher", "31.01", HIT_AND_MISS),
        ("higher", "68.99", HIT_AND_MISS),
        ("higher", "69", CONSISTENTLY_FAIL),
        ("higher", "69.01", CONSISTENTLY_FAIL),
        ("lower", "69.01", CONSISTENTLY_PASS),
        ("lower", "69", CONSISTENTLY_PASS),
        ("lower", "68.99", HIT_AND_MISS),
        ("lower", "31.01", HIT_AND_MISS),
        ("lower", "31", CONSISTENTLY_FAIL),
        ("lower", "30.99", CONSISTENTLY_FAIL),
        ("within", "50", None),
        ("higher", None, None),
        ("lower", None, None),
        ("higher", float("nan"), None),
    ],
)
def test_it_rates_assurance_against_the_process_limits(polarity, target, expected):
    a = analyse(_limit_series("0"))  # limits 31 and 69

    target = Decimal(target) if isinstance(target, str) else target
    assert assurance(a, polarity, target) == expected


def test_it_shows_only_the_mean_below_15_readings():
    a = analyse(_series("0 " * 13 + "100"))

    assert a.has_limits is False
    assert rounded(a.mean) == "57.14"
    assert (a.upper_limit, a.lower_limit, a.upper_two_sigma, a.lower_two_sigma) == (None,) * 4
    assert flagged_points(a) == []
    assert point_signals(a, "higher") == [None] * 14
    assert a.reason == TOO_FEW.format(minimum=MIN_POINTS, count=14)
    assert a.reason.startswith("Fewer than 15 readings (14): the chart shows the readings")
    assert variation(a, "higher") is None
    assert assurance(a, "higher", Decimal(0)) is None


def test_it_draws_limits_from_15_readings():
    a = analyse(_series("0 " * 14 + "100"))

    assert a.has_limits is True
    assert a.reason == ""
    assert _flagged_by(a, 1) == [(15, HIGH)]


def test_it_says_why_there_is_no_chart_without_readings():
    a = analyse([])

    assert a.mean is None
    assert a.reason == TOO_FEW.format(minimum=MIN_POINTS, count=0)


def test_it_refuses_a_run_length_below_2():
    with pytest.raises(ValueError, match="run length of at least 2, not 1"):
        analyse(_series(SHIFT_6), run=1)


@pytest.mark.parametrize("run", [6, 7])
def test_it_reproduces_the_worked_example_worked_by_hand(run):
    a = analyse(WORKED_EXAMPLE, run=run)
    signals = point_signals(a, WORKED_EXAMPLE_POLARITY)

    assert {
        "mean": rounded(a.mean),
        "mean_moving_range": rounded(a.mean_moving_range),
        "upper_limit": rounded(a.upper_limit),
        "lower_limit": rounded(a.lower_limit),
        "upper_two_sigma": rounded(a.upper_two_sigma),
        "lower_two_sigma": rounded(a.lower_two_sigma),
        "flagged": flagged_points(a),
        "signals": {i + 1: s for i, s in enumerate(signals) if s},
        "variation": variation(a, WORKED_EXAMPLE_POLARITY),
        "assurance": assurance(a, WORKED_EXAMPLE_POLARITY, WORKED_EXAMPLE_TARGET),
    } == WORKED_EXAMPLE_EXPECTED


def test_it_shows_every_rule_in_the_worked_example():
    rules = {rule for _, _, found in WORKED_EXAMPLE_EXPECTED["flagged"] for rule in found}

    assert len(WORKED_EXAMPLE) == 24
    assert rules == {1, 2, 3, 4}


def test_a_line_is_shown_to_two_places_rounded_half_up():
    # Half up, as the help page's worked example reads (not to the even 72.02).
    assert rounded(Decimal("72.025")) == "72.03"
    assert rounded(Decimal("72.015")) == "72.02"
    assert rounded(None) == ""


def test_the_dashboard_path_says_why_there_is_no_chart_without_readings():
    # A KPI with no reading yet reaches the engine as an empty float array.
    a = analyse_units(np.zeros(0), digits=4)

    assert a.reason == TOO_FEW.format(minimum=MIN_POINTS, count=0)
    assert variation(a, "higher") is None


def test_the_chart_shows_the_readings_from_the_dashboard_units():
    # The KPI page's chart prints each reading from the units (its hover text).
    readings = _series(LIMIT.format(p8="19.25", p11="5.75"))
    a = analyse_units(np.array([float(v * 10**4) for v in readings]), digits=4)

    assert a.values == readings
    assert [plain(v) for v in a.values[7:11]] == ["69.25", "50", "50", "55.75"]
