"""How DfE's LAIT ranks and bands a local authority; pure, no database.

Every function works in Decimal so that a value that sits exactly on a
quartile stays on it (float noise would move it into the next band).

Rank: 1 is best by the measure's polarity; ties share the best rank (R's
``rank(ties.method="min")``), among the LAs with a value that year.

Quartile band, as LAIT's ``calculate_quartile_band``: the bounds are R's
``quantile(values)`` (type 7: linear interpolation between order
statistics, numpy's ``percentile(..., method="linear")``) over every LA's
value that year. For "lower is better", v ≤ Q1 is A (best), Q1 < v ≤ Q2 is
B, Q2 < v ≤ Q3 is C and v > Q3 is D; for "higher is better" the letters run
the other way (v ≤ Q1 is D … v > Q3 is A).

>>> values = [Decimal(v) for v in ("10", "20", "30", "40", "50")]
>>> quartiles(values) == (Decimal("20"), Decimal("30"), Decimal("40"))
True
>>> quartile_band(Decimal("20"), values, "lower"), quartile_band(Decimal("20"), values, "higher")
('A', 'D')
>>> rank(Decimal("20"), values, "lower"), rank(Decimal("20"), values, "higher")
(2, 4)
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

HIGHER = "higher"
LOWER = "lower"
BANDS_LOWER = ("A", "B", "C", "D")  # lower is better: the smallest values are A
MEAN_PLACES = Decimal("0.0001")


def quantile(sorted_values: Sequence[Decimal], p: Decimal) -> Decimal:
    """R's type-7 quantile of already sorted values (p between 0 and 1)."""
    if not sorted_values:
        raise ValueError("no values")
    h = (len(sorted_values) - 1) * p
    low = int(h)  # h ≥ 0, so this is the floor
    fraction = h - low
    if low + 1 >= len(sorted_values):
        return sorted_values[-1]
    return sorted_values[low] + fraction * (sorted_values[low + 1] - sorted_values[low])


def quartiles(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    ordered = sorted(values)
    return tuple(quantile(ordered, Decimal(p)) for p in ("0.25", "0.5", "0.75"))


def quartile_band(value: Decimal, values: Sequence[Decimal], polarity: str) -> str | None:
    """A (best) … D (worst); None without a polarity or without values."""
    if polarity not in (HIGHER, LOWER) or not values:
        return None
    q1, q2, q3 = quartiles(values)
    if value <= q1:
        position = 0
    elif value <= q2:
        position = 1
    elif value <= q3:
        position = 2
    else:
        position = 3
    if polarity == HIGHER:
        position = 3 - position
    return BANDS_LOWER[position]


def rank(value: Decimal, values: Sequence[Decimal], polarity: str) -> int | None:
    """1 = best by polarity; tied values share the best rank."""
    if polarity == HIGHER:
        return 1 + sum(1 for other in values if other > value)
    if polarity == LOWER:
        return 1 + sum(1 for other in values if other < value)
    return None


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The simple mean (LAIT's SN average), to 4 decimal places; None for no values.

    >>> mean([Decimal("14.2"), Decimal("9.1"), Decimal("12")])
    Decimal('11.7667')
    """
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(MEAN_PLACES, rounding=ROUND_HALF_UP)
