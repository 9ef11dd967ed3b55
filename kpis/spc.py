"""Statistical process control: XmR charts as NHS England's "Making Data Count".

Pure functions over a KPI's readings in date order (months without a reading
are left out, never read as zero). No models, no request. Every comparison
with a line is exact (see ``_Scale``), so a point exactly on the mean, a
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


@dataclass(frozen=True)
class _Scale:
    """Where a value sits against the lines, exactly: no division, no rounding.

    With n readings summing to Σx and moving ranges summing to ΣmR, the mean
    is Σx / n and the process limits sit 2.66 × ΣmR / (n − 1) from it. Both
    divisions can recur (Σx / 15), so instead of comparing x with rounded
    lines, compare ``offset(x) = 3·(n − 1)·(n·x − Σx)``, which is
    3·n·(n − 1) times x's distance from the mean, with multiples of
    ``2.66·ΣmR·n``, which is n·(n − 1) times the distance from the mean to a
    limit: the mean is at offset 0, the two-sigma lines at ±2 of these
    (3 × two-sigma = 2 × limit) and the process limits at ±3 (``bound``).

    >>> scale = _Scale(count=3, total=Decimal(31), range_total=Decimal(3))
    >>> scale.side(Decimal("10.33"), 0), scale.side(Decimal("10.34"), 0)
    ('low', 'high')
    """

    count: int
    total: Decimal
    range_total: Decimal
    # Each point is placed against each line many times over (four rules,
    # overlapping windows); the exact products are worked out once.
    _sides: dict = field(default_factory=dict, compare=False, repr=False)

    def offset(self, x: Decimal) -> Decimal:
        with localcontext(_EXACT):
            return 3 * (self.count - 1) * (self.count * x - self.total)

    def bound(self, lines: int) -> Decimal:
        """The offset of the mean (lines=0), the upper two-sigma line (2) or
        the upper process limit (3); the lower ones are its negative."""
        with localcontext(_EXACT):
            return lines * SIGMA_FACTOR * self.range_total * self.count

    def side(self, x: Decimal, lines: int) -> str | None:
        """HIGH or LOW if x is beyond the mean (lines=0), a two-sigma line (2)
        or a process limit (3); None if it is within or exactly on it."""
        key = (x, lines)
        if key not in self._sides:
            offset, bound = self.offset(x), self.bound(lines)
            self._sides[key] = HIGH if offset > bound else LOW if offset < -bound else None
        return self._sides[key]


@dataclass
class Analysis:
    values: list[Decimal]
    # The lines, for display (to 28 digits); comparisons use _scale, exactly.
    mean: Decimal | None
    upper_limit: Decimal | None = None
    lower_limit: Decimal | None = None
    upper_two_sigma: Decimal | None = None
    lower_two_sigma: Decimal | None = None
    mean_moving_range: Decimal | None = None
    # Per point: the set of rules (1–4) that flag it high, and low.
    high: list[set[int]] = field(default_factory=list)
    low: list[set[int]] = field(default_factory=list)
    reason: str = ""
    _scale: _Scale | None = field(default=None, repr=False, compare=False)
    _zones: list = field(default_factory=list, repr=False, compare=False)

    @property
    def has_limits(self) -> bool:
        return self.upper_limit is not None


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
    run = run_length() if run is None else run
    if run < 2:
        raise ValueError(f"A shift or trend needs a run length of at least 2, not {run}.")
    values = [Decimal(v) for v in values]
    count = len(values)
    with localcontext(_EXACT):
        total = sum(values, Decimal(0))
        range_total = sum(
            (abs(b - a) for a, b in zip(values, values[1:], strict=False)), Decimal(0)
        )
    # The lines for display only, to Decimal's usual 28 digits; the signals
    # below compare with _scale, exactly.
    with localcontext(prec=28):
        analysis = Analysis(
            values=values,
            mean=total / count if count else None,
            high=[set() for _ in values],
            low=[set() for _ in values],
        )
        if count < MIN_POINTS:
            analysis.reason = TOO_FEW.format(minimum=MIN_POINTS, count=count)
            return analysis
        spread = SIGMA_FACTOR * range_total / (count - 1)
        two_sigma = 2 * SIGMA_FACTOR * range_total / (3 * (count - 1))
        analysis.mean_moving_range = range_total / (count - 1)
        analysis.upper_limit = analysis.mean + spread
        analysis.lower_limit = analysis.mean - spread
        analysis.upper_two_sigma = analysis.mean + two_sigma
        analysis.lower_two_sigma = analysis.mean - two_sigma
    analysis._scale = _Scale(count=count, total=total, range_total=range_total)
    # Where each point sits against the mean (0), two-sigma lines (2) and
    # limits (3), placed once: the rules below read these many times.
    analysis._zones = [
        {lines: analysis._scale.side(x, lines) for lines in (0, 2, 3)} for x in values
    ]
    _outside_limits(analysis)
    _shifts(analysis, run)
    _trends(analysis, run)
    _two_of_three(analysis)
    return analysis


def _flag(analysis: Analysis, indexes, side: str, rule: int) -> None:
    for i in indexes:
        (analysis.high if side == HIGH else analysis.low)[i].add(rule)


def _outside_limits(a: Analysis) -> None:
    for i, zone in enumerate(a._zones):
        if side := zone[3]:
            _flag(a, [i], side, 1)


def _runs(labels: list) -> list[tuple[int, int, object]]:
    """(start, end exclusive, label) of each run of equal, non-None labels.

    >>> _runs(["high", "high", None, "low", "high"])
    [(0, 2, 'high'), (3, 4, 'low'), (4, 5, 'high')]
    """
    runs, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] is not None:
                runs.append((start, i, labels[start]))
            start = i
    return runs


def _shifts(a: Analysis, run: int) -> None:
    # A point on the mean has no side (None), so it ends a run.
    sides = [zone[0] for zone in a._zones]
    for start, end, side in _runs(sides):
        if end - start >= run:
            _flag(a, range(start, end), side, 2)


def _trends(a: Analysis, run: int) -> None:
    # moves[i] is the move from point i to point i + 1; equal neighbours are
    # no move (None), so they end a trend. The mean plays no part.
    moves = [
        HIGH if after > before else LOW if after < before else None
        for before, after in zip(a.values, a.values[1:], strict=False)
    ]
    for start, end, side in _runs(moves):
        if end - start >= run - 1:  # run - 1 moves join run points
            _flag(a, range(start, end + 1), side, 3)


def _two_of_three(a: Analysis) -> None:
    zones = a._zones
    for i in range(len(zones) - 2):
        window = range(i, i + 3)
        side = zones[i][0]
        if side is None or any(zones[j][0] != side for j in window):
            continue
        near = [j for j in window if zones[j][2] == side and zones[j][3] is None]
        if len(near) >= 2:
            _flag(a, near, side, 4)


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
    out = []
    for high, low in zip(a.high, a.low, strict=True):
        if not high and not low:
            out.append(None)
        elif polarity == "within":
            out.append(SIGNAL_NEITHER)
        else:
            found = {meaning(side, polarity) for side, rules in ((HIGH, high), (LOW, low)) if rules}
            out.append(IMPROVEMENT if IMPROVEMENT in found else CONCERN)
    return out


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
    latest = point_signals(a, polarity)[-1]
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
    if a._scale is None or target is None or polarity == "within":
        return None
    target = Decimal(target)
    if target.is_nan():
        return None
    offset, limit = a._scale.offset(target), a._scale.bound(3)
    at_or_below_lower, at_or_above_upper = offset <= -limit, offset >= limit
    if polarity == "higher":
        passes, fails = at_or_below_lower, at_or_above_upper
    else:
        passes, fails = at_or_above_upper, at_or_below_lower
    return CONSISTENTLY_PASS if passes else CONSISTENTLY_FAIL if fails else HIT_AND_MISS
