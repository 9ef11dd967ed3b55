"""Statistical process control: XmR charts as NHS England's "Making Data Count".

Pure functions over a KPI's readings in date order (months without a reading
are left out, never read as zero). No models, no request. Every comparison
with a line is exact (integers, see ``_Lines``), so a point exactly on the mean, a
two-sigma line or a process limit is not beyond it.

Rules (the product brief, "Statistical process control"):
1. a point above the upper or below the lower process limit;
2. a shift: ``run_length`` or more consecutive points all above, or all
   below, the mean; every point of the run is flagged, and a point on the
   mean is on neither side, so it ends the run;
3. a trend: ``run_length`` or more consecutive points each higher (or each
   lower) than the one before; every point of the run is flagged, the first
   included; equal neighbours end it; it may cross the mean;
4. two of three: of any 3 consecutive points all on the same side of the
   mean, those beyond the two-sigma line on that side but not beyond the
   process limit are flagged if there are 2 or 3 of them; the third point is
   not, and a point beyond the limit neither counts nor is flagged here
   (it is rule 1's).
A high flag is an improvement for polarity ``higher`` and a concern for
``lower``; a point flagged as both counts as an improvement.
"""

import itertools
from dataclasses import dataclass, field
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import cached_property

import numpy as np
from django.conf import settings

MIN_POINTS = 15
SIGMA_FACTOR = Decimal("2.66")
HIGH, LOW = "high", "low"
IMPROVEMENT, CONCERN, SIGNAL_NEITHER = "improvement", "concern", "neither"

COMMON_CAUSE = "common_cause"
IMPROVING = "special_cause_improving"
CONCERNING = "special_cause_concerning"
NEITHER = "special_cause_neither"
CONSISTENTLY_PASS = "consistently_pass"  # noqa: S105 - not a password
HIT_AND_MISS = "hit_and_miss"
CONSISTENTLY_FAIL = "consistently_fail"

VARIATION_LABELS = {
    COMMON_CAUSE: "Common cause variation",
    IMPROVING: "Special cause: improving",
    CONCERNING: "Special cause: concerning",
    NEITHER: "Special cause: neither improving nor concerning",
}
ASSURANCE_LABELS = {
    CONSISTENTLY_PASS: "Consistently passes the target",
    HIT_AND_MISS: "Hit and miss against the target",
    CONSISTENTLY_FAIL: "Consistently fails the target",
}
TOO_FEW = (
    "Fewer than {minimum} readings ({count}): the chart shows the readings and their "
    "mean only. Process limits and signals need at least {minimum}."
)

# Unbounded precision with Inexact trapped: the comparisons below only add,
# subtract and multiply, so they are exact (were one ever not, it would raise
# rather than round). Never divide in this context.
_EXACT = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)

# A demo, not real data: a made-up monthly percentage for a KPI where higher
# is better, chosen so that every rule fires at least once. The help page
# prints it and tests/kpis/test_spc.py checks the engine against the result
# below, which was worked out by hand from the rules:
#
#   n = 24, Σx = 1920, mean = 1920 / 24 = 80
#   mR (points 2..24): 4 2 3 3 4 1 2 1 2 1 1 2 2 2 1 5 7 3 4 2 14 3 0
#   ΣmR = 69, mean mR = 69 / 23 = 3
#   process limits = 80 ± 2.66 × 3 = 80 ± 7.98 → 87.98 and 72.02
#   two-sigma lines = 80 ± ⅔ × 7.98 = 80 ± 5.32 → 85.32 and 74.68
#
#   rule 1: point 21 (89 > 87.98), high. No point is below 72.02.
#   rule 2: points 6-13 (77 78 76 77 75 76 77 79) are 8 in a row below 80,
#           low; no other run of 6 on one side (points 14-16 and 18-21 are
#           above, 3 and 4 in a row).
#   rule 3: points 10-16 (75 76 77 79 81 83 84) rise 6 times in a row, high,
#           crossing the mean; no other run of more than 2 moves.
#   rule 4: points 18-20 (86 83 87) are all above the mean and 86 and 87 lie
#           beyond 85.32 but not beyond 87.98: points 18 and 20 high, 19 not.
#           Points 19-21 (83 87 89) hold only one such point: 89 is beyond
#           the limit, so it is rule 1's and does not count.
#   Read as `higher`: points 6-9 are concerns; points 10-13 are flagged low
#   (shift) and high (trend), and improvement wins; 10-16, 18, 20 and 21 are
#   improvements. The latest reading (24: 78) is flagged by nothing, so the
#   variation is common cause. The target 85 lies strictly between 72.02 and
#   87.98: hit and miss. Shift 8 and trend 7 long: the same under run length 7.
WORKED_EXAMPLE = [
    Decimal(v)
    for v in ("83 79 81 78 81 77 78 76 77 75 76 77 79 81 83 84 79 86 83 87 89 75 78 78").split()
]
WORKED_EXAMPLE_POLARITY = "higher"
WORKED_EXAMPLE_TARGET = Decimal("85")
WORKED_EXAMPLE_EXPECTED = {
    "mean": "80.00",
    "mean_moving_range": "3.00",
    "upper_limit": "87.98",
    "lower_limit": "72.02",
    "upper_two_sigma": "85.32",
    "lower_two_sigma": "74.68",
    # (point number from 1, side, rules)
    "flagged": [
        (6, LOW, (2,)),
        (7, LOW, (2,)),
        (8, LOW, (2,)),
        (9, LOW, (2,)),
        (10, HIGH, (3,)),
        (10, LOW, (2,)),
        (11, HIGH, (3,)),
        (11, LOW, (2,)),
        (12, HIGH, (3,)),
        (12, LOW, (2,)),
        (13, HIGH, (3,)),
        (13, LOW, (2,)),
        (14, HIGH, (3,)),
        (15, HIGH, (3,)),
        (16, HIGH, (3,)),
        (18, HIGH, (4,)),
        (20, HIGH, (4,)),
        (21, HIGH, (1,)),
    ],
    # point number → improvement or concern, read with the polarity
    "signals": {
        6: CONCERN,
        7: CONCERN,
        8: CONCERN,
        9: CONCERN,
        **{n: IMPROVEMENT for n in range(10, 17)},
        18: IMPROVEMENT,
        20: IMPROVEMENT,
        21: IMPROVEMENT,
    },
    "variation": COMMON_CAUSE,
    "assurance": HIT_AND_MISS,
}


def run_length() -> int:
    """Points in a shift or trend: NHS England's default 6 (NHS-R uses 7).

    Read at call time, so a settings override applies at once.
    """
    return getattr(settings, "SPC_RUN_LENGTH", 6)


# One step of the lines in exact integer units (see ``_Lines``): 2.66 as 266 / 100.
_SIGMA_HUNDREDTHS = 266


@dataclass(frozen=True)
class _Lines:
    """Where values sit against the lines, exactly: integers, no division.

    Readings are integers ``X`` counting units of 10^-digits (70.3 at 4
    digits is 703000). With n readings summing to ΣX and moving ranges
    summing to ΣM, the mean is ΣX / n and the process limits sit
    2.66 × ΣM / (n − 1) from it. Both divisions can recur (ΣX / 15), so
    instead of comparing X with rounded lines, compare
    ``offset(X) = 300·(n − 1)·(n·X − ΣX)``, which is 300·n·(n − 1) times X's
    distance from the mean, with multiples of ``step = 266·n·ΣM``, which is
    300·n·(n − 1) / 3 times the distance from the mean to a limit: the mean
    is at offset 0, the two-sigma lines at ±2 steps (3 × two-sigma = 2 ×
    limit) and the process limits at ±3.

    The arithmetic runs on numpy int64 when the largest product provably
    fits, else on Python integers (numpy object arrays): exact either way.

    >>> lines = _Lines(count=3, total=3100, range_total=300, digits=2)
    >>> lines.place(lines.offsets(np.array([1033, 1034])), 0).tolist()  # mean 10.333…
    [-1, 1]
    """

    count: int
    total: int
    range_total: int
    digits: int

    @property
    def step(self) -> int:
        return _SIGMA_HUNDREDTHS * self.count * self.range_total

    def offsets(self, units: np.ndarray) -> np.ndarray:
        return 300 * (self.count - 1) * (self.count * units - self.total)

    def place(self, offsets: np.ndarray, lines: int) -> np.ndarray:
        """+1 beyond the upper line, -1 beyond the lower, 0 within or exactly
        on it: the mean (lines=0), the two-sigma lines (2) or the limits (3)."""
        bound = lines * self.step
        return np.asarray(offsets > bound, dtype=np.int8) - np.asarray(
            offsets < -bound, dtype=np.int8
        )

    def target_offset(self, target: Decimal):
        """The offset of a target of any precision, exactly (a Decimal)."""
        with localcontext(_EXACT):
            return 300 * (self.count - 1) * (self.count * target.scaleb(self.digits) - self.total)


def _exact_array(units) -> np.ndarray:
    """The integers as int64 if 300·n·(n·max|X| + |ΣX|) and 3·266·n·ΣM fit
    in 62 bits, else as Python integers. (ΣM ≤ 2·n·max|X| and |ΣX| ≤
    n·max|X|.) Takes a list of ints, or a numpy array of integers or of
    integral floats (the rating engine's units, exact below 2**53)."""
    n = len(units)
    if isinstance(units, np.ndarray) and units.dtype.kind in "if":
        largest = int(np.abs(units).max()) if n else 0
        if largest < 2**53 and 1600 * (n + 1) ** 2 * (largest + 1) < 2**62:
            return units.astype(np.int64)
        units = [int(u) for u in units]
    largest = max((abs(u) for u in units), default=0)
    fits = 1600 * (n + 1) ** 2 * (largest + 1) < 2**62
    return np.array(units, dtype=np.int64 if fits else object)


@dataclass
class Analysis:
    # The lines, for display (to 28 digits); comparisons use _lines, exactly.
    mean: Decimal | None
    upper_limit: Decimal | None = None
    lower_limit: Decimal | None = None
    upper_two_sigma: Decimal | None = None
    lower_two_sigma: Decimal | None = None
    mean_moving_range: Decimal | None = None
    reason: str = ""
    # Rule (1–4) → (high, low) masks over the points; the per-point sets
    # below are made from them on first use (the dashboard reads only the
    # latest point's).
    _flags: dict = field(default_factory=dict, repr=False, compare=False)
    _units: np.ndarray = field(default=None, repr=False, compare=False)
    _lines: _Lines | None = field(default=None, repr=False, compare=False)
    _values: list[Decimal] | None = field(default=None, repr=False, compare=False)
    # The readings are _units × 10^-_digits, with or without limits.
    _digits: int = field(default=0, repr=False, compare=False)

    @cached_property
    def high(self) -> list[set[int]]:
        """Per point: the set of rules (1–4) that flag it high."""
        return self._sets(0)

    @cached_property
    def low(self) -> list[set[int]]:
        """Per point: the set of rules (1–4) that flag it low."""
        return self._sets(1)

    def _sets(self, side: int) -> list[set[int]]:
        sets = [set() for _ in range(self.count)]
        for rule, masks in self._flags.items():
            for i in np.flatnonzero(masks[side]):
                sets[i].add(rule)
        return sets

    def latest_rules(self) -> tuple[set[int], set[int]]:
        """The rules flagging the latest reading high, and low."""
        if not self.count:
            return set(), set()
        return tuple(
            {rule for rule, masks in self._flags.items() if masks[side][-1]} for side in (0, 1)
        )

    def __eq__(self, other):
        if not isinstance(other, Analysis):
            return NotImplemented
        fields = ("mean", "upper_limit", "lower_limit", "upper_two_sigma", "lower_two_sigma",
                  "mean_moving_range", "high", "low", "reason")  # fmt: skip
        return all(getattr(self, f) == getattr(other, f) for f in fields)

    @property
    def has_limits(self) -> bool:
        return self.upper_limit is not None

    @property
    def count(self) -> int:
        return len(self._units)

    @property
    def values(self) -> list[Decimal]:
        """The readings as Decimals (made on first use: the dashboard needs
        only the icons)."""
        if self._values is None:
            with localcontext(_EXACT):
                self._values = [Decimal(int(u)).scaleb(-self._digits) for u in self._units]
        return self._values


def analyse(values: list[Decimal], *, run: int | None = None) -> Analysis:
    """XmR analysis of readings in date order.

    >>> a = analyse(WORKED_EXAMPLE)
    >>> a.mean, a.mean_moving_range, a.upper_limit, a.lower_limit
    (Decimal('80'), Decimal('3'), Decimal('87.98'), Decimal('72.02'))
    >>> sorted(a.high[20]), sorted(a.low[5]), sorted(a.high[9]), sorted(a.low[9])
    ([1], [2], [3], [2])

    Below 15 readings there are no limits and no signals, and ``reason`` says why:

    >>> a = analyse(WORKED_EXAMPLE[:14])
    >>> a.has_limits, a.mean, any(a.high + a.low)
    (False, Decimal('78.42857142857142857142857143'), False)
    >>> a.reason[:30]
    'Fewer than 15 readings (14): t'
    """
    values = [Decimal(v) for v in values]
    # Enough decimal places for every value (at least none): each value is
    # then an exact integer count of units of 10^-digits.
    digits = max([0, *(-v.as_tuple().exponent for v in values)])
    with localcontext(_EXACT):
        units = [int(v.scaleb(digits)) for v in values]
    return analyse_units(units, digits=digits, run=run, values=values)


def analyse_units(
    units, *, digits: int, run: int | None = None, values: list[Decimal] | None = None
) -> Analysis:
    """``analyse`` of readings given as exact integers of 10^-digits (a list,
    or a numpy array of integers or integral floats).

    The fast path: the rating engine already holds every reading as integer
    ten-thousandths (``rating.build_series``'s ``value_units``, digits 4), so
    the dashboard passes those and no Decimal is made per reading. The lines
    shown are the Decimals that ``analyse`` gives for the same readings.

    >>> analyse_units([8300, 7900, 8100], digits=2).mean
    Decimal('81.00')
    """
    run = run_length() if run is None else run
    if run < 2:
        raise ValueError(f"A shift or trend needs a run length of at least 2, not {run}.")
    units = _exact_array(units)
    count = len(units)
    total = int(units.sum()) if count else 0
    range_total = int(np.abs(np.diff(units)).sum()) if count > 1 else 0
    with localcontext(_EXACT):
        # As Decimal's own sums of the readings would be (same digits and exponent).
        total_decimal = Decimal(total).scaleb(-digits)
        range_decimal = Decimal(range_total).scaleb(-digits)
    # The lines for display only, to Decimal's usual 28 digits; the signals
    # below compare integers, exactly.
    with localcontext(prec=28):
        analysis = Analysis(
            mean=total_decimal / count if count else None,
            _units=units,
            _values=values,
            _digits=digits,
        )
        if count < MIN_POINTS:
            analysis.reason = TOO_FEW.format(minimum=MIN_POINTS, count=count)
            return analysis
        spread = _spread(range_decimal, count)
        two_sigma = 2 * SIGMA_FACTOR * range_decimal / (3 * (count - 1))
        analysis.mean_moving_range = range_decimal / (count - 1)
        analysis.upper_limit = analysis.mean + spread
        analysis.lower_limit = analysis.mean - spread
        analysis.upper_two_sigma = analysis.mean + two_sigma
        analysis.lower_two_sigma = analysis.mean - two_sigma
    analysis._lines = lines = _Lines(
        count=count, total=total, range_total=range_total, digits=digits
    )
    # Where each point sits against the mean (0), two-sigma lines (2) and
    # limits (3), placed once as +1 / 0 / -1: the rules read these arrays.
    offsets = lines.offsets(units)
    mean_side, sigma_side, limit_side = (lines.place(offsets, n) for n in (0, 2, 3))
    moves = _sign(np.diff(units))
    flags = {
        1: _by_side(limit_side != 0, limit_side),
        2: _by_side(_run_lengths(mean_side) >= run, mean_side),
        3: _trends(moves, run),
        4: _by_side(_two_of_three(mean_side, sigma_side, limit_side), mean_side),
    }
    analysis._flags = flags
    return analysis


def _sign(numbers: np.ndarray) -> np.ndarray:
    """+1, 0 or -1 per element, as int8 (for int64 or Python-integer arrays)."""
    return np.asarray(numbers > 0, dtype=np.int8) - np.asarray(numbers < 0, dtype=np.int8)


def _by_side(flagged: np.ndarray, sides: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(high, low) masks of flagged points, by their side (+1 / -1; 0 is neither)."""
    return flagged & (sides > 0), flagged & (sides < 0)


def _run_lengths(labels: np.ndarray) -> np.ndarray:
    """Per element, the length of the run of equal labels it belongs to.

    >>> _run_lengths(np.array([1, 1, 0, -1, 1])).tolist()
    [2, 2, 1, 1, 1]
    """
    if not len(labels):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, labels[1:] != labels[:-1]]
    run_id = np.cumsum(starts) - 1
    return np.bincount(run_id)[run_id]


def _trends(moves: np.ndarray, run: int) -> tuple[np.ndarray, np.ndarray]:
    """(high, low) masks of every point of a trend, the first included.

    moves[i] is the move from point i to point i + 1; equal neighbours are no
    move (0), so they end a trend. The mean plays no part. A point can end a
    rising trend and start a falling one: it is then flagged both ways.
    """
    count = len(moves) + 1
    high, low = np.zeros(count, dtype=bool), np.zeros(count, dtype=bool)
    in_trend = _run_lengths(moves) >= run - 1  # run - 1 moves join run points
    for mask, side in ((high, 1), (low, -1)):
        move = in_trend & (moves == side)
        mask[:-1] |= move  # the point each move starts from
        mask[1:] |= move  # and the point it reaches
    return high, low


def _two_of_three(mean_side, sigma_side, limit_side) -> np.ndarray:
    """Mask of points flagged by rule 4: of 3 consecutive points all on one
    side of the mean, those beyond the two-sigma line on that side but not
    beyond the process limit (rule 1's), if 2 or 3 of them are."""
    count = len(mean_side)
    flagged = np.zeros(count, dtype=bool)
    if count < 3:
        return flagged
    near = (mean_side != 0) & (sigma_side == mean_side) & (limit_side == 0)
    first = mean_side[:-2]
    same = (first != 0) & (mean_side[1:-1] == first) & (mean_side[2:] == first)
    windows = same & (near[:-2].astype(np.int8) + near[1:-1] + near[2:] >= 2)
    for k in range(3):  # each point of a window that counts
        flagged[k : count - 2 + k] |= windows & near[k : count - 2 + k]
    return flagged


def meaning(side: str, polarity: str) -> str | None:
    """improvement / concern of a high or low signal, read with polarity.

    >>> meaning(HIGH, "higher"), meaning(HIGH, "lower"), meaning(LOW, "within")
    ('improvement', 'concern', None)
    """
    if polarity == "within":
        return None
    good = HIGH if polarity == "higher" else LOW
    return IMPROVEMENT if side == good else CONCERN


def point_signals(a: Analysis, polarity: str) -> list[str | None]:
    """Per point: improvement, concern, neither (``within``), or None.

    A point flagged both ways counts as improvement, whatever the polarity.

    >>> signals = point_signals(analyse(WORKED_EXAMPLE), "lower")
    >>> signals[5], signals[9], signals[20], signals[23]
    ('improvement', 'improvement', 'concern', None)
    """
    return [_signal(high, low, polarity) for high, low in zip(a.high, a.low, strict=True)]


def _signal(high: set, low: set, polarity: str) -> str | None:
    """One point's signal from the rules flagging it high and low."""
    if not high and not low:
        return None
    if polarity == "within":
        return SIGNAL_NEITHER
    found = {meaning(side, polarity) for side, rules in ((HIGH, high), (LOW, low)) if rules}
    return IMPROVEMENT if IMPROVEMENT in found else CONCERN


def flagged_points(a: Analysis) -> list[tuple[int, str, tuple[int, ...]]]:
    """(point number from 1, side, rules) of every flag, in date order.

    >>> flagged_points(analyse(WORKED_EXAMPLE))[-3:]
    [(18, 'high', (4,)), (20, 'high', (4,)), (21, 'high', (1,))]
    """
    return [
        (i + 1, side, tuple(sorted(rules)))
        for i, (high, low) in enumerate(zip(a.high, a.low, strict=True))
        for side, rules in ((HIGH, high), (LOW, low))
        if rules
    ]


def rounded(value: Decimal | None) -> str:
    """A line as the help page and the worked example show it: 2 places.

    >>> rounded(Decimal("72.015")), rounded(None)
    ('72.02', '')
    """
    return "" if value is None else str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def variation(a: Analysis, polarity: str) -> str | None:
    """The variation icon, from the latest reading; None below 15 readings.

    The latest reading counts as flagged when it belongs to a flagged run.

    >>> variation(analyse(WORKED_EXAMPLE), "higher")
    'common_cause'
    >>> up_to_21 = analyse(WORKED_EXAMPLE[:21])  # ends on point 21, beyond the limit
    >>> variation(up_to_21, "lower"), variation(up_to_21, "within")
    ('special_cause_concerning', 'special_cause_neither')
    """
    if not a.has_limits:
        return None
    latest = _signal(*a.latest_rules(), polarity)
    return {
        None: COMMON_CAUSE,
        IMPROVEMENT: IMPROVING,
        CONCERN: CONCERNING,
        SIGNAL_NEITHER: NEITHER,
    }[latest]


def assurance(a: Analysis, polarity: str, target: Decimal | None) -> str | None:
    """Whether the process will meet the target in force for the latest month.

    A target exactly on a limit counts as at it: for ``higher``, a target at
    or below the lower limit passes, at or above the upper limit fails; for
    ``lower`` the other way round; strictly between them, hit and miss. (If
    the limits coincide, all readings being equal, the pass rule wins: every
    reading then meets the target.) None below 15 readings, without a target
    (None or NaN, as a pandas frame holds a gap) and for ``within``.

    >>> a = analyse(WORKED_EXAMPLE)
    >>> assurance(a, "higher", Decimal("72.02")), assurance(a, "higher", Decimal("72.03"))
    ('consistently_pass', 'hit_and_miss')
    >>> assurance(a, "lower", Decimal("72.02")), assurance(a, "higher", None)
    ('consistently_fail', None)
    """
    if a._lines is None or target is None or polarity == "within":
        return None
    target = Decimal(target)
    if target.is_nan():
        return None
    offset, limit = a._lines.target_offset(target), 3 * a._lines.step
    at_or_below_lower, at_or_above_upper = offset <= -limit, offset >= limit
    if polarity == "higher":
        passes, fails = at_or_below_lower, at_or_above_upper
    else:
        passes, fails = at_or_above_upper, at_or_below_lower
    return CONSISTENTLY_PASS if passes else CONSISTENTLY_FAIL if fails else HIT_AND_MISS


def limits_place(units: list[int], unit: int) -> int | None:
    """Where one more value sits against the process limits of ``units``
    (readings in date order, exact integers of one scale): +1 above the
    upper limit, -1 below the lower, 0 within or exactly on one; None
    below ``MIN_POINTS`` readings. ``_Lines``' comparison, on Python
    integers, so it never overflows.

    >>> limits_place([int(v * 100) for v in WORKED_EXAMPLE], 8798)  # on the limit, 87.98
    0
    >>> limits_place([int(v * 100) for v in WORKED_EXAMPLE], 8799)
    1
    """
    count = len(units)
    if count < MIN_POINTS:
        return None
    lines = _Lines(count=count, total=sum(units), range_total=_range_total(units), digits=0)
    return int(lines.place(lines.offsets(unit), 3))


def process_limits(units: list[int], *, digits: int) -> tuple[Decimal, Decimal]:
    """The lower and upper process limits of ``units`` (at least two), for
    display, as ``analyse_units`` works them out.

    >>> process_limits([int(v) for v in WORKED_EXAMPLE], digits=0)
    (Decimal('72.02'), Decimal('87.98'))
    """
    count = len(units)
    with localcontext(_EXACT):
        total = Decimal(sum(units)).scaleb(-digits)
        ranges = Decimal(_range_total(units)).scaleb(-digits)
    with localcontext(prec=28):
        mean = total / count
        spread = _spread(ranges, count)
        return mean - spread, mean + spread


def _range_total(units: list[int]) -> int:
    """The sum of the moving ranges (Python integers: no overflow)."""
    return sum(abs(b - a) for a, b in itertools.pairwise(units))


def _spread(range_total: Decimal, count: int) -> Decimal:
    """From the mean to a process limit: 2.66 × the mean moving range
    (in the caller's decimal context)."""
    return SIGMA_FACTOR * range_total / (count - 1)
