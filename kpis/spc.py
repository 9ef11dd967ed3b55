"""Statistical process control: XmR charts as NHS England's "Making Data Count".

Pure functions over a KPI's readings in date order (months without a reading
are left out, never read as zero). Everything is computed in Decimal, so a
point exactly on a line is not beyond it.

Rules (the product brief, "Statistical process control"):
1. a point above the upper or below the lower process limit;
2. a shift: ``run_length`` or more consecutive points all above, or all
   below, the mean (a point on the mean ends the run);
3. a trend: ``run_length`` or more consecutive points each higher (or each
   lower) than the one before; equal neighbours end it;
4. two of three: of 3 consecutive points on the same side of the mean, 2 or 3
   beyond the two-sigma line on that side but within the process limit.
"""

from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from django.conf import settings

MIN_POINTS = 15
SIGMA_FACTOR = Decimal("2.66")
HIGH, LOW = "high", "low"

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


def run_length() -> int:
    """Points in a shift or trend: NHS England's default 6 (NHS-R uses 7)."""
    return getattr(settings, "SPC_RUN_LENGTH", 6)


@dataclass
class Analysis:
    values: list[Decimal]
    mean: Decimal | None
    upper_limit: Decimal | None = None
    lower_limit: Decimal | None = None
    upper_two_sigma: Decimal | None = None
    lower_two_sigma: Decimal | None = None
    # Per point: the set of rules (1–4) that flag it high, and low.
    high: list[set[int]] = field(default_factory=list)
    low: list[set[int]] = field(default_factory=list)
    reason: str = ""

    @property
    def has_limits(self) -> bool:
        return self.upper_limit is not None


def analyse(values: list[Decimal], *, run: int | None = None) -> Analysis:
    """XmR analysis of readings in date order.

    >>> a = analyse([Decimal(v) for v in "10 12 11 13 12 11 10 12 13 11 12 11 10 12 30".split()])
    >>> a.mean, a.has_limits, sorted(a.high[-1])
    (Decimal('12.66666666666666666666666667'), True, [1])
    """
    run = run or run_length()
    values = [Decimal(v) for v in values]
    count = len(values)
    with localcontext() as context:
        context.prec = 28
        mean = sum(values, Decimal(0)) / count if count else None
        analysis = Analysis(values=values, mean=mean, high=[set() for _ in values],
                            low=[set() for _ in values])  # fmt: skip
        if count < MIN_POINTS:
            analysis.reason = TOO_FEW.format(minimum=MIN_POINTS, count=count)
            return analysis
        ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
        spread = SIGMA_FACTOR * (sum(ranges, Decimal(0)) / len(ranges))
        analysis.upper_limit, analysis.lower_limit = mean + spread, mean - spread
        two_sigma = spread * 2 / 3
        analysis.upper_two_sigma, analysis.lower_two_sigma = mean + two_sigma, mean - two_sigma
    _outside_limits(analysis)
    _shifts(analysis, run)
    _trends(analysis, run)
    _two_of_three(analysis)
    return analysis


def _flag(analysis: Analysis, indexes, side: str, rule: int) -> None:
    for i in indexes:
        (analysis.high if side == HIGH else analysis.low)[i].add(rule)


def _outside_limits(a: Analysis) -> None:
    for i, x in enumerate(a.values):
        if x > a.upper_limit:
            _flag(a, [i], HIGH, 1)
        elif x < a.lower_limit:
            _flag(a, [i], LOW, 1)


def _side(x: Decimal, mean: Decimal) -> str | None:
    return HIGH if x > mean else LOW if x < mean else None


def _runs(labels: list) -> list[tuple[int, int, object]]:
    """(start, end exclusive, label) of each run of equal, non-None labels."""
    runs, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            if labels[start] is not None:
                runs.append((start, i, labels[start]))
            start = i
    return runs


def _shifts(a: Analysis, run: int) -> None:
    sides = [_side(x, a.mean) for x in a.values]
    for start, end, side in _runs(sides):
        if end - start >= run:
            _flag(a, range(start, end), side, 2)


def _trends(a: Analysis, run: int) -> None:
    # steps[i] is the move from point i to point i + 1.
    steps = [_side(after, before) for before, after in zip(a.values, a.values[1:], strict=False)]
    for start, end, side in _runs(steps):
        if end - start >= run - 1:  # run - 1 moves join run points
            _flag(a, range(start, end + 1), side, 3)


def _two_of_three(a: Analysis) -> None:
    values = a.values
    for i in range(len(values) - 2):
        window = range(i, i + 3)
        for side, beyond_two_sigma, within_limit in (
            (HIGH, lambda x: x > a.upper_two_sigma, lambda x: x <= a.upper_limit),
            (LOW, lambda x: x < a.lower_two_sigma, lambda x: x >= a.lower_limit),
        ):
            if any(_side(values[j], a.mean) != side for j in window):
                continue
            near = [j for j in window if beyond_two_sigma(values[j]) and within_limit(values[j])]
            if len(near) >= 2:
                _flag(a, near, side, 4)


def meaning(side: str, polarity: str) -> str | None:
    """improvement / concern of a high or low signal, read with polarity."""
    if polarity == "within":
        return None
    good = HIGH if polarity == "higher" else LOW
    return "improvement" if side == good else "concern"


def point_signals(a: Analysis, polarity: str) -> list[str | None]:
    """Per point: improvement, concern, neither (``within``), or None.

    A point flagged both ways counts as improvement.
    """
    out = []
    for high, low in zip(a.high, a.low, strict=True):
        if not high and not low:
            out.append(None)
        elif polarity == "within":
            out.append("neither")
        else:
            found = set()
            if high:
                found.add(meaning(HIGH, polarity))
            if low:
                found.add(meaning(LOW, polarity))
            out.append("improvement" if "improvement" in found else "concern")
    return out


def variation(a: Analysis, polarity: str) -> str | None:
    """The variation icon, from the latest reading; None below 15 readings."""
    if not a.has_limits:
        return None
    latest = point_signals(a, polarity)[-1]
    return {None: COMMON_CAUSE, "improvement": IMPROVING, "concern": CONCERNING,
            "neither": NEITHER}[latest]  # fmt: skip


def assurance(a: Analysis, polarity: str, target: Decimal | None) -> str | None:
    """Whether the process will meet the target in force for the latest month."""
    if not a.has_limits or target is None or polarity == "within":
        return None
    target = Decimal(target)
    if polarity == "higher":
        if target <= a.lower_limit:
            return CONSISTENTLY_PASS
        if target >= a.upper_limit:
            return CONSISTENTLY_FAIL
    else:
        if target >= a.upper_limit:
            return CONSISTENTLY_PASS
        if target <= a.lower_limit:
            return CONSISTENTLY_FAIL
    return HIT_AND_MISS
