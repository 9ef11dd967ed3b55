"""The vectorised SPC engine against the Decimal implementation it replaced.

``_reference`` below is kpis/spc.py's rules as they were before issue 7:
every point placed against every line in exact Decimal arithmetic and the
rules run point by point. The integer engine must flag the same points with
the same rules, draw the same lines and give the same icons, on random
series (hypothesis) built to sit exactly on the lines, with values of any
precision, and on the SYNTHETIC national set. No database.
"""

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, localcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import national_values
from kpis import spc

_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact])


def _reference(values: list[Decimal], run: int) -> tuple:
    """(mean, lines, high, low) by the pre-issue-7 Decimal rules."""
    count = len(values)
    with localcontext(_EXACT):
        total = sum(values, Decimal(0))
        range_total = sum(
            (abs(b - a) for a, b in zip(values, values[1:], strict=False)), Decimal(0)
        )
    high, low = [set() for _ in values], [set() for _ in values]
    with localcontext(prec=28):
        mean = total / count if count else None
        if count < spc.MIN_POINTS:
            return mean, None, high, low
        spread = spc.SIGMA_FACTOR * range_total / (count - 1)
        two_sigma = 2 * spc.SIGMA_FACTOR * range_total / (3 * (count - 1))
        lines = (range_total / (count - 1), mean + spread, mean - spread,
                 mean + two_sigma, mean - two_sigma)  # fmt: skip

    def side(x, n):
        with localcontext(_EXACT):
            offset = 3 * (count - 1) * (count * x - total)
            bound = n * spc.SIGMA_FACTOR * range_total * count
        return "high" if offset > bound else "low" if offset < -bound else None

    zones = [{n: side(x, n) for n in (0, 2, 3)} for x in values]

    def flag(indexes, where, rule):
        for i in indexes:
            (high if where == "high" else low)[i].add(rule)

    def runs(labels):
        found, start = [], 0
        for i in range(1, len(labels) + 1):
            if i == len(labels) or labels[i] != labels[start]:
                if labels[start] is not None:
                    found.append((start, i, labels[start]))
                start = i
        return found

    for i, zone in enumerate(zones):
        if zone[3]:
            flag([i], zone[3], 1)
    for start, end, where in runs([z[0] for z in zones]):
        if end - start >= run:
            flag(range(start, end), where, 2)
    moves = [
        "high" if b > a else "low" if b < a else None
        for a, b in zip(values, values[1:], strict=False)
    ]
    for start, end, where in runs(moves):
        if end - start >= run - 1:
            flag(range(start, end + 1), where, 3)
    for i in range(count - 2):
        where = zones[i][0]
        if where is None or any(zones[j][0] != where for j in range(i, i + 3)):
            continue
        near = [j for j in range(i, i + 3) if zones[j][2] == where and zones[j][3] is None]
        if len(near) >= 2:
            flag(near, where, 4)
    return mean, lines, high, low


def _same(values: list[Decimal], run: int = 6) -> None:
    mean, lines, high, low = _reference(values, run)
    a = spc.analyse(values, run=run)
    assert (a.mean, a.high, a.low) == (mean, high, low)
    if lines is None:
        assert a.has_limits is False
    else:
        assert (a.mean_moving_range, a.upper_limit, a.lower_limit,
                a.upper_two_sigma, a.lower_two_sigma) == lines  # fmt: skip
        # Same digits too (the pages print the lines as computed).
        assert str(a.upper_limit) == str(lines[1])


# Small integer steps make ties with the mean, the two-sigma lines and the
# limits common, so the edges are exercised; a scale gives 0–4 decimals.
_series = st.tuples(
    st.lists(st.integers(-6, 6), min_size=0, max_size=60),
    st.integers(0, 4),
    st.integers(-(10**6), 10**6),
)


@settings(max_examples=400, deadline=None)
@given(_series, st.integers(2, 8))
def test_it_flags_what_the_decimal_rules_flag(series, run):
    steps, digits, base = series
    _same([(Decimal(base) + Decimal(s)).scaleb(-digits) for s in steps], run)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(allow_nan=False, allow_infinity=False, places=6,
                            min_value=-10**9, max_value=10**9), min_size=15, max_size=40))  # fmt: skip
def test_it_agrees_on_values_of_any_precision_and_size(values):
    _same(values)


def test_it_agrees_on_huge_values_on_python_integers():
    """Values too large for int64 products fall back to Python integers."""
    values = [Decimal("9999999999.9999") - Decimal(i % 7) * Decimal("1e9") for i in range(120)]
    _same(values)


@pytest.mark.parametrize("polarity", ["higher", "lower", "within"])
def test_it_gives_the_same_icons_from_units_as_from_decimals(polarity):
    """The dashboard's path (integer ten-thousandths) against Decimals from
    the database, on 200 KPIs of the SYNTHETIC national set."""
    data = national_values(5, 40, 120, seed=7)
    for tenths in data.tenths:
        decimals = [Decimal(f"{int(t) / 10:.1f}").quantize(Decimal("0.0001")) for t in tenths]
        from_units = spc.analyse_units(np.asarray(tenths) * 1000, digits=4)
        from_decimals = spc.analyse(decimals)
        assert from_units == from_decimals
        assert str(from_units.upper_limit) == str(from_decimals.upper_limit)
        for target in (None, Decimal("70"), Decimal("60.05"), from_decimals.lower_limit):
            assert spc.assurance(from_units, polarity, target) == spc.assurance(
                from_decimals, polarity, target
            )
        assert spc.variation(from_units, polarity) == spc.variation(from_decimals, polarity)
        _same(decimals)


# Readings of a billion, to 4 places (a reading holds 14 digits), swinging by
# up to a billion: _Lines' products then pass int64, so both the Decimal path
# and the dashboard's path (a numpy array of units) must fall back to Python
# integers rather than wrap round.
_LARGE = [
    Decimal("1100000000.0000") - Decimal(i % 7) * Decimal("180000000.0001") for i in range(120)
]


def test_it_flags_large_readings_exactly_from_decimals():
    _same(_LARGE)


def test_it_gives_large_readings_the_same_chart_from_units_as_from_decimals():
    units = np.array([float(v.scaleb(4)) for v in _LARGE])  # as rating.build_series holds them
    from_units = spc.analyse_units(units, digits=4)
    from_decimals = spc.analyse(_LARGE)

    assert spc.flagged_points(from_decimals) != []
    assert from_units == from_decimals
    assert spc.variation(from_units, "higher") == spc.variation(from_decimals, "higher")
