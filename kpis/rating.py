"""The RAG rules: one home for rating readings against targets.

Pure functions over pandas frames. Nothing here imports a model, takes a
request or rounds for display; the dashboard, the KPI page, ``kpi_status``,
every export and the 12-month "met or within" count call these functions.

Exactness. Values are stored with at most ``SCALE_DIGITS`` decimal places, so
each one is an integer number of ten-thousandths. ``_scaled`` turns a column
into those integers (held in float64, exact below 2**53), and every comparison
and sum below is done on them, so "24" vs "24.1" is decided exactly as the
decimals read, with no binary rounding and no display rounding.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from kpis.periods import add_months, month_start, past_due

GREEN = "green"
AMBER = "amber"
RED = "red"
NO_TARGET = "no_target"
AWAITING = "awaiting"
MISSING = "missing"
STATUSES = (GREEN, AMBER, RED, NO_TARGET, AWAITING, MISSING)
STATUS_LABELS = {
    GREEN: "Green",
    AMBER: "Amber",
    RED: "Red",
    NO_TARGET: "No target",
    AWAITING: "Awaiting",
    MISSING: "Missing",
}
MET_OR_WITHIN = (GREEN, AMBER)

IMPROVING = "improving"
WORSENING = "worsening"
STABLE = "stable"

HIGHER = "higher"
LOWER = "lower"
WITHIN = "within"

SCALE_DIGITS = 4
_SCALE = 10**SCALE_DIGITS


def _scaled(column: pd.Series) -> np.ndarray:
    """Exact integer ten-thousandths of each value (NaN where blank)."""
    # astype calls float() on each Decimal in C and reads None as NaN.
    return np.rint(column.astype("float64").to_numpy() * _SCALE)


def rate(frame: pd.DataFrame) -> pd.Series:
    """Rate each row's ``value`` against its ``target``, ``lower`` and ``upper``.

    ``polarity`` is ``higher``, ``lower`` or ``within``. Returns ``green``,
    ``amber``, ``red``, ``no_target`` (no target in force), or None where
    there is no value.

    The seeds' KPI2 (lower is better, target 21%, band 17–24%):

    >>> from decimal import Decimal
    >>> kpi2 = pd.DataFrame({"value": [Decimal("24"), Decimal("24.1")],
    ...     "target": Decimal("21"), "lower": Decimal("17"), "upper": Decimal("24"),
    ...     "polarity": "lower"})
    >>> rate(kpi2).tolist()
    ['amber', 'red']
    """
    return pd.Series(
        _statuses(
            _scaled(frame["value"]),
            _scaled(frame["target"]),
            _scaled(frame["lower"]),
            _scaled(frame["upper"]),
            frame["polarity"].to_numpy(),
        ),
        index=frame.index,
        dtype=object,
    )


def rate_one(*, value, target, lower, upper, polarity: str) -> str:
    """One reading's status, through the same vectorised rule as every other."""
    frame = pd.DataFrame(
        {"value": [value], "target": [target], "lower": [lower], "upper": [upper],
         "polarity": [polarity]}
    )  # fmt: skip
    return rate(frame).iloc[0]


def _statuses(value, target, lower, upper, polarity) -> np.ndarray:
    higher_is_better = polarity == HIGHER
    lower_is_better = polarity == LOWER
    within_band = polarity == WITHIN

    # NaN compares False, so rows without a value or target fall through to
    # the first two conditions below before these are consulted.
    with np.errstate(invalid="ignore"):
        green = (
            (higher_is_better & (value >= target))
            | (lower_is_better & (value <= target))
            | (within_band & (value >= lower) & (value <= upper))
        )
        amber = (higher_is_better & (value >= lower) & (value < target)) | (
            lower_is_better & (value > target) & (value <= upper)
        )
    return _choose(
        [np.isnan(value), np.isnan(target), green, amber],
        [None, NO_TARGET, GREEN, AMBER],
        default=RED,
    )


def _choose(conditions, choices, default) -> np.ndarray:
    """``np.select`` for labels, via small integer codes (much faster on objects)."""
    codes = np.full(len(conditions[0]), len(choices), dtype="int8")
    for code in reversed(range(len(conditions))):  # the first true condition wins
        codes[conditions[code]] = code
    return np.array([*choices, default], dtype=object)[codes]


# numpy counts months from January 1970.
_EPOCH_MONTH = 1970 * 12


_ARITHMETIC_DATES = 20_000


def month_index(periods) -> np.ndarray:
    """Months since year 0 (``year * 12 + month - 1``) for dates or timestamps.

    >>> month_index([dt.date(2018, 10, 1), pd.Timestamp("2018-11-01")]).tolist()
    [24225, 24226]
    """
    array = periods.to_numpy() if isinstance(periods, pd.Series) else np.asarray(periods)
    if array.dtype.kind == "M":
        return array.astype("datetime64[M]").astype("int64") + _EPOCH_MONTH
    if 0 < len(array) <= _ARITHMETIC_DATES and isinstance(array[0], dt.date):
        # Dates as the database gives them: plain arithmetic, far cheaper
        # than pandas' parsing for the one or few thousand dates of a page
        # (pandas is the faster for a national set).
        try:
            return np.fromiter(
                (p.year * 12 + p.month - 1 for p in array), dtype="int64", count=len(array)
            )
        except AttributeError:  # not dates after all: pandas parses them
            pass
    stamps = pd.DatetimeIndex(pd.to_datetime(pd.Series(periods), errors="raise"))
    return (stamps.year * 12 + stamps.month - 1).to_numpy(dtype="int64")


def _period_from_index(index: np.ndarray) -> pd.Series:
    """The first of each month as a Timestamp (microsecond unit, as pandas
    gives for assembled dates), straight from numpy's month count.

    >>> _period_from_index(np.array([24225])).tolist()
    [Timestamp('2018-10-01 00:00:00')]
    """
    # Timestamps, not dates: converting every row to a date is slow, and
    # callers pick a few rows first (``as_date`` converts those).
    months = np.asarray(index, dtype="int64") - _EPOCH_MONTH
    return pd.Series(months.astype("datetime64[M]").astype("datetime64[us]"))


def as_date(period) -> dt.date:
    """A ``period`` cell of ``build_series`` output as a date."""
    return period.date() if isinstance(period, pd.Timestamp) else period


def build_series(
    *,
    kpis: pd.DataFrame,
    readings: pd.DataFrame,
    targets: pd.DataFrame,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """One row per KPI and month, from the KPI's first reading to ``until``.

    ``kpis`` has columns ``kpi`` and ``polarity``; ``readings`` has ``kpi``,
    ``period`` and ``value``; ``targets`` has ``kpi``, ``valid_from``,
    ``target``, ``lower`` and ``upper``. Each month carries the target in force
    in that month (the latest ``valid_from`` not after the month), so a new
    contract year's targets never change an earlier month's rating.

    Months before a KPI's first reading are not rows at all. A KPI with no
    reading up to ``until`` gets one row, for ``until``; with ``until`` None
    the series end at each KPI's latest reading. Readings after ``until`` are
    left out.
    """
    # Exact integer units are computed once here, on the short tables, so
    # rating never converts a Decimal per row again. The grid is laid out
    # with numpy (each KPI's months in a row, readings and targets found by
    # binary search on a (KPI, month) key) rather than pandas merges, whose
    # fixed cost per call was most of a page's rating time.
    kpi_ids = kpis["kpi"].to_numpy()
    # KPIs in id order, as the frame has always been sorted; each KPI is
    # known by its position in ``ids`` (ids may be any sortable labels).
    ids = np.unique(kpi_ids)
    reading_code, known = _codes(ids, readings["kpi"].to_numpy())
    reading_month = month_index(readings["period"]) if len(readings) else _NO_MONTHS
    if until is not None:
        last = month_index([until])[0]
        known &= reading_month <= last
    reading_columns = {c: readings[c].to_numpy() for c in readings.columns if c not in _KEYS}
    reading_columns["value_units"] = _scaled(readings["value"])
    order = np.lexsort((reading_month, reading_code))
    order = order[known[order]]
    reading_code, reading_month = reading_code[order], reading_month[order]

    # Each KPI's span: first to latest reading, or to ``until`` when given.
    first_of = np.searchsorted(reading_code, np.arange(len(ids)), side="left")
    end_of = np.searchsorted(reading_code, np.arange(len(ids)), side="right")
    has = end_of > first_of
    if not len(reading_code):
        starts = ends = np.zeros(len(ids), dtype="int64")
    else:
        starts = reading_month[np.minimum(first_of, len(reading_code) - 1)]
        ends = reading_month[np.maximum(end_of - 1, 0)]
    codes = np.arange(len(ids))
    if until is not None:
        starts = np.where(has, starts, last)
        ends = np.full(len(ids), last, dtype="int64")
    else:
        codes, starts, ends = codes[has], starts[has], ends[has]
    lengths = ends - starts + 1
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid_code = np.repeat(codes, lengths)
    grid_month = np.repeat(starts, lengths) + offsets
    grid_key = _key(grid_code, grid_month)

    polarity_of = dict(zip(kpi_ids.tolist(), kpis["polarity"].tolist(), strict=False))
    polarities = np.array([polarity_of[i] for i in ids.tolist()], dtype=object)
    columns = {"kpi": ids[grid_code], "month": grid_month, "polarity": polarities[grid_code]}
    found = _lookup(_key(reading_code, reading_month), grid_key, exact=True)
    for name, values in reading_columns.items():
        columns[name] = _take(values[order], found)

    target_code, known = _codes(ids, targets["kpi"].to_numpy())
    target_month = month_index(targets["valid_from"]) if len(targets) else _NO_MONTHS
    target_columns = {c: targets[c].to_numpy() for c in targets.columns if c not in _KEYS}
    for name in ("target", "lower", "upper"):
        target_columns[f"{name}_units"] = _scaled(targets[name])
    # The target in force: the latest valid_from not after the month, same KPI
    # (of two in one month, the later row).
    order = np.lexsort((target_month, target_code))
    order = order[known[order]]
    target_code = target_code[order]
    in_force = _lookup(_key(target_code, target_month[order]), grid_key, exact=False)
    valid = in_force >= 0
    valid[valid] = target_code[in_force[valid]] == grid_code[valid]
    in_force[~valid] = -1
    for name, values in target_columns.items():
        columns[name] = _take(values[order], in_force)
    columns["period"] = _period_from_index(grid_month).to_numpy()
    return pd.DataFrame(columns)


_KEYS = ("kpi", "period", "valid_from")
_NO_MONTHS = np.zeros(0, dtype="int64")


def _codes(ids: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each label's position in the sorted ``ids``, and whether it is there."""
    codes = np.searchsorted(ids, labels) if len(ids) else np.zeros(len(labels), dtype="int64")
    known = codes < len(ids)
    known[known] = ids[codes[known]] == labels[known]
    return np.where(known, codes, 0).astype("int64"), known


# A (KPI, month) pair as one sortable integer: months are below 10**6.
_MONTHS = 10**6


def _key(kpi: np.ndarray, month: np.ndarray) -> np.ndarray:
    return kpi.astype("int64") * _MONTHS + month.astype("int64")


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray, *, exact: bool) -> np.ndarray:
    """Position in ``sorted_keys`` of each key (``exact``), or of the last
    key not after it; -1 where there is none."""
    position = np.searchsorted(sorted_keys, keys, side="right") - 1
    if exact and len(sorted_keys):
        position[sorted_keys[np.maximum(position, 0)] != keys] = -1
    elif exact:
        position[:] = -1
    return position


def _take(values: np.ndarray, position: np.ndarray) -> np.ndarray:
    """``values`` at each position, blank (NaN) where the position is -1, with
    the dtypes a pandas left merge gives (bool or int with blanks: object or
    float)."""
    missing = position < 0
    if not missing.any():
        return values[position]
    kind = values.dtype.kind
    if kind == "f":
        filled = np.append(values, np.nan)
    elif kind in "iu":
        filled = np.append(values.astype("float64"), np.nan)
    else:
        filled = np.append(values.astype(object), np.nan)
    return filled[np.where(missing, len(values), position)]


def rate_series(series: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """Rate every month of ``build_series`` output, with its trend measures.

    Adds:
    - ``status``: green/amber/red/no_target, or for a month without a reading
      ``awaiting`` (return not yet due, 17 days after month end) or
      ``missing`` (due date passed).
    - ``direction`` and ``direction_3m``: improving/worsening/stable against
      last month and against the mean of the previous three months' readings,
      read with polarity (for ``within``, nearer the target is better); None
      where there is nothing to compare.
    - ``met_12m`` / ``rated_12m``: over the 12 months ending at the row,
      months rated green or amber, and months rated green, amber, red or
      missing with a target in force. The Birmingham seed has one month:
      KPI1 at 85% against 85% gives 1/1.
    - ``months_off_target``: consecutive months, ending at the row, rated red
      or missing against a target.
    - ``months_worsening``: consecutive months, ending at the row, whose
      ``direction`` is worsening: Sandwell's PI8, 69.9, 69.6, 58.4, 44.3 %
      (Sep–Dec 2018, higher is better), gives 0, 1, 2, 3.
    """
    # Every measure is an array operation on the frame's columns: the rows
    # are each KPI's consecutive months, KPI after KPI, so "within the KPI"
    # is a mask of where each KPI starts (no pandas groupby, whose cost per
    # call dominated at a page's size).
    value = series["value_units"].to_numpy()
    target = series["target_units"].to_numpy()
    polarity = series["polarity"].to_numpy()
    status = _statuses(
        value,
        target,
        series["lower_units"].to_numpy(),
        series["upper_units"].to_numpy(),
        polarity,
    )
    no_value = np.isnan(value)
    due = _due_passed(series["month"].to_numpy(), today)
    status[no_value & ~due] = AWAITING
    status[no_value & due] = MISSING

    kpi = series["kpi"].to_numpy()
    first = np.r_[True, kpi[1:] != kpi[:-1]] if len(kpi) else np.zeros(0, dtype=bool)
    direction = _direction(value, _shifted(value, first, 1), 1, polarity, target)

    prior = [_shifted(value, first, k) for k in (1, 2, 3)]
    prior_sum = sum(np.nan_to_num(p, nan=0.0) for p in prior)
    prior_count = sum((~np.isnan(p)).astype(int) for p in prior)
    prior_count = np.where(prior_count == 0, np.nan, prior_count)
    # Compare v × n with the sum of n earlier readings: exact, no division.
    direction_3m = _direction(value * prior_count, prior_sum, prior_count, polarity, target)

    has_target = ~np.isnan(target)
    met = np.isin(status, MET_OR_WITHIN)
    counted = has_target & np.isin(status, (GREEN, AMBER, RED, MISSING))
    off = has_target & np.isin(status, (RED, MISSING))
    index = series.index
    return series.assign(
        status=pd.Series(status, index=index, dtype=object),
        direction=pd.Series(direction, index=index, dtype=object),
        direction_3m=pd.Series(direction_3m, index=index, dtype=object),
        # Per month, whether it counts as met-or-within and as rated; any
        # window of months (12 here, a contract year on the compliance page)
        # sums these.
        met=met,
        rated=counted,
        met_12m=_rolling_12(met, first),
        rated_12m=_rolling_12(counted, first),
        months_off_target=_run_lengths(off, first),
        # A KPI's first month has no direction, so no worsening run crosses
        # from one KPI into the next.
        months_worsening=_run_lengths(direction == WORSENING),
    )


def _shifted(values: np.ndarray, first: np.ndarray, k: int) -> np.ndarray:
    """Each row's value ``k`` rows earlier within its KPI (NaN before its
    first row); ``first`` marks each KPI's first row."""
    shifted = np.full(len(values), np.nan)
    if k < len(values):
        shifted[k:] = values[:-k]
    # The row k back is another KPI's when a KPI starts within the last k rows.
    crossed = np.zeros(len(values), dtype=bool)
    for back in range(k):
        crossed[back:] |= first[: len(values) - back]
    shifted[crossed] = np.nan
    return shifted


def _run_lengths(flags: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """How many true flags run, unbroken, up to and including each position
    (a run starts again at each ``first`` position, when given).

    >>> _run_lengths(np.array([True, False, True, True, True])).tolist()
    [1, 0, 1, 2, 3]
    >>> _run_lengths(np.array([True, True, True]), np.array([True, False, True])).tolist()
    [1, 2, 1]
    """
    positions = np.arange(len(flags))
    breaks = np.where(flags, -1, positions)
    if first is not None:
        breaks = np.where(first & flags, positions - 1, breaks)
    last_break = np.maximum.accumulate(breaks) if len(flags) else positions
    return positions - last_break


def _due_passed(months: np.ndarray, today: dt.date) -> np.ndarray:
    """Whether each month's return was due before ``today``."""
    return months <= month_index([last_overdue_month(today)])[0]


def last_overdue_month(today: dt.date) -> dt.date:
    """The latest month whose return's due date has passed by ``today``.

    >>> last_overdue_month(dt.date(2018, 11, 17))
    datetime.date(2018, 9, 1)
    >>> last_overdue_month(dt.date(2018, 11, 18))
    datetime.date(2018, 10, 1)
    """
    candidate = add_months(month_start(today), -1)
    return candidate if past_due(candidate, today=today) else add_months(candidate, -1)


def _direction(current, previous, count, polarity, target) -> np.ndarray:
    """improving / worsening / stable of ``current`` against ``previous``.

    For ``within`` KPIs, compare distances from the target (scaled by
    ``count`` so that both sides are in the same units).
    """
    delta = current - previous
    with np.errstate(invalid="ignore"):
        towards_target = np.abs(previous - target * count) - np.abs(current - target * count)
    signed = np.where(
        polarity == HIGHER, delta, np.where(polarity == LOWER, -delta, towards_target)
    )
    return _choose(
        [np.isnan(signed), signed > 0, signed < 0],
        [None, IMPROVING, WORSENING],
        default=STABLE,
    )


def _rolling_12(flags: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Count of true flags over each row's 12-row window within its KPI
    (``first`` marks each KPI's first row).

    Rows are consecutive months, so 12 rows are 12 months.

    >>> _rolling_12(np.ones(14, dtype=bool), np.r_[True, [False] * 12, True]).tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 1]
    """
    running = np.cumsum(flags.astype("int64"))
    before = np.r_[0, running[:-1]] if len(running) else running
    # Each row's count since its KPI began: the running total less the total
    # before the KPI's first row.
    start = (
        np.maximum.accumulate(np.where(first, np.arange(len(flags)), 0)) if len(flags) else before
    )
    running = running - before[start]
    dropped = np.zeros(len(flags), dtype="int64")
    positions = np.arange(len(flags))
    back = positions - 12
    inside = back >= start
    dropped[inside] = running[back[inside]]
    return running - dropped


def met_or_within_label(met: int, rated: int) -> str:
    """The annual report's notation: ``10/12``; blank when nothing was rated."""
    return f"{met}/{rated}" if rated else ""


def met_or_within_percent(met: int, rated: int) -> str:
    """``10/12 — 83%`` as the 2018/19 annual report prints it."""
    if not rated:
        return ""
    # Half up, as committee papers and Excel round (5/8 is 63%, not 62%).
    percent = (Decimal(100 * met) / rated).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{met}/{rated} — {percent}%"
