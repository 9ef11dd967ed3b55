"""Plausibility: the one rule for a value that is unusual for its KPI.

A value is not saved silently when it is unusual against the KPI's own
readings of the other months (its *history*, in date order): the return
form, the upload and ``import_readings`` each ask for it to be confirmed
(a tick, or ``--accept-unusual``) or corrected. Unusual means any of:

1. **a percent given as a fraction**: a percent KPI's value above 0 and at
   most 1 where every reading of the history is more than ten times it
   (``0.9`` where the readings run 30–100 %): "did you mean 90 %?";
2. **over ten times the median** of the history (the median above 0);
   exactly ten times is not;
3. **beyond the process limits** of the history's XmR chart
   (``spc.limits_place``: mean ± 2.66 × mean moving range); exactly on a
   limit is not.

Enough history: rules 1 and 2 need ``MIN_HISTORY`` (3) readings, rule 3
``spc.MIN_POINTS`` (15), as the SPC chart does. With fewer the value is
never called unusual: two readings say nothing about what is usual.

Pure: no models, no requests. Exact: every value is an integer count of
ten-thousandths (as ``rating._scaled`` makes them), so a limit is exact.

>>> from types import SimpleNamespace as K
>>> kpi = K(code="PI1", unit="percent")
>>> history = [Decimal(v) for v in ("83.0", "74.0", "78.9", "57.5")]
>>> print(unusual(kpi=kpi, value=Decimal("0.9"), history=history))
0.9 is unusual for PI1: it looks like a fraction; its readings run 57.5–83%. Did you mean 90%?
>>> unusual(kpi=kpi, value=Decimal("80"), history=history) is None
True
"""

from dataclasses import dataclass
from decimal import Decimal

from kpis import spc
from kpis.formatting import plain, with_unit
from kpis.rating import SCALE_DIGITS
from kpis.units import Unit

MIN_HISTORY = 3
MEDIAN_TIMES = 10
# The tick the form and the upload preview offer beside an unusual value.
CONFIRM_LABEL = "The value is right"


@dataclass(frozen=True)
class Unusual:
    """Why a value is unusual, and what it may have meant."""

    value: Decimal
    code: str
    reasons: tuple[str, ...]
    suggestion: str = ""  # "90%": the value read as a percent, for rule 1

    def __str__(self):
        text = f"{plain(self.value)} is unusual for {self.code}: {'; '.join(self.reasons)}."
        return f"{text} Did you mean {self.suggestion}?" if self.suggestion else text


def as_units(value: Decimal) -> int:
    """Exact integer ten-thousandths (values carry at most 4 places)."""
    return int(Decimal(value).scaleb(SCALE_DIGITS))


def unusual(
    *, kpi, value: Decimal | None, history: list[Decimal], saved: Decimal | None = None
) -> Unusual | None:
    """Whether ``value`` is unusual for ``kpi`` against ``history`` (its
    readings of the other months, in date order); None when it is not, and
    when it is the value already ``saved`` for the month (asked about then)."""
    return unusual_units(kpi=kpi, value=value, units=[as_units(v) for v in history], saved=saved)


def unusual_units(
    *, kpi, value: Decimal | None, units: list[int], saved: Decimal | None = None
) -> Unusual | None:
    """``unusual`` with the history already as integer ten-thousandths
    (``as_units``), for an import that checks many months of one KPI."""
    if value is None or value == saved or len(units) < MIN_HISTORY:
        return None
    x = as_units(value)
    reasons, suggestion = [], ""
    lowest, highest = min(units), max(units)
    span = f"its readings run {plain(_decimal(lowest))}–{with_unit(_decimal(highest), kpi.unit)}"
    if kpi.unit == Unit.PERCENT and 0 < x <= as_units(Decimal(1)) and lowest > MEDIAN_TIMES * x:
        reasons.append(f"it looks like a fraction; {span}")
        suggestion = with_unit(value * 100, kpi.unit)
    ordered = sorted(units)
    middle = len(ordered) // 2
    # Twice the median, so that the median of an even count stays an integer.
    twice_median = (
        2 * ordered[middle] if len(ordered) % 2 else ordered[middle - 1] + ordered[middle]
    )
    if twice_median > 0 and 2 * x > MEDIAN_TIMES * twice_median:
        median = _decimal(twice_median) / 2
        reasons.append(
            f"it is more than ten times the median of its readings ({with_unit(median, kpi.unit)})"
        )
    side = spc.limits_place(units, x)
    if side:
        lower, upper = spc.process_limits(units, digits=SCALE_DIGITS)
        reasons.append(
            f"it is {'above' if side > 0 else 'below'} the process limits of its "
            f"{len(units)} readings ({spc.rounded(lower)}–{spc.rounded(upper)})"
        )
    if not reasons:
        return None
    return Unusual(value=value, code=kpi.code, reasons=tuple(reasons), suggestion=suggestion)


def _decimal(units: int) -> Decimal:
    return Decimal(units).scaleb(-SCALE_DIGITS)
