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


def month_index(periods) -> np.ndarray:
    """Months since year 0 (``year * 12 + month - 1``) for dates or timestamps.

    >>> month_index([dt.date(2018, 10, 1), pd.Timestamp("2018-11-01")]).tolist()
    [24225, 24226]
    """
    stamps = pd.DatetimeIndex(pd.to_datetime(pd.Series(periods)))
    return (stamps.year * 12 + stamps.month - 1).to_numpy(dtype="int64")


# numpy counts months from January 1970.
_EPOCH_MONTH = 1970 * 12


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
    # rating never converts a Decimal per row again.
    readings = readings.assign(
        month=month_index(readings["period"]), value_units=_scaled(readings["value"])
    )
    if until is not None:
        last = month_index([until])[0]
        readings = readings[readings["month"] <= last]
    bounds = readings.groupby("kpi")["month"].agg(["min", "max"])
    bounds = bounds.reindex(kpis["kpi"].to_numpy())
    if until is not None:
        bounds["min"] = bounds["min"].fillna(last)
        bounds["max"] = last
    bounds = bounds.dropna()
    starts = bounds["min"].to_numpy(dtype="int64")
    lengths = bounds["max"].to_numpy(dtype="int64") - starts + 1
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid = pd.DataFrame(
        {
            "kpi": np.repeat(bounds.index.to_numpy(), lengths),
            "month": np.repeat(starts, lengths) + offsets,
        }
    )
    grid = grid.merge(kpis[["kpi", "polarity"]], on="kpi", how="left")
    grid = grid.merge(readings.drop(columns="period"), on=["kpi", "month"], how="left")

    in_force = targets.assign(
        month=month_index(targets["valid_from"]),
        target_units=_scaled(targets["target"]),
        lower_units=_scaled(targets["lower"]),
        upper_units=_scaled(targets["upper"]),
    ).drop(columns="valid_from")
    # An empty table comes back untyped; merge_asof needs matching key types.
    in_force = in_force.astype({"kpi": grid["kpi"].dtype, "month": "int64"})
    grid = pd.merge_asof(
        grid.sort_values("month"),
        in_force.sort_values("month"),
        on="month",
        by="kpi",
        direction="backward",
    )
    # (pandas ignores a sort ``kind`` for several keys; each key pair is unique.)
    grid = grid.sort_values(["kpi", "month"]).reset_index(drop=True)
    grid["period"] = _period_from_index(grid["month"].to_numpy())
    return grid


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
    frame = series.copy()
    value = frame["value_units"].to_numpy()
    target = frame["target_units"].to_numpy()
    status = _statuses(
        value,
        target,
        frame["lower_units"].to_numpy(),
        frame["upper_units"].to_numpy(),
        frame["polarity"].to_numpy(),
    )
    no_value = np.isnan(value)
    due = _due_passed(frame["month"].to_numpy(), today)
    status[no_value & ~due] = AWAITING
    status[no_value & due] = MISSING
    frame["status"] = pd.Series(status, index=frame.index, dtype=object)

    kpi = frame["kpi"].to_numpy()
    same_kpi_as_previous = np.r_[False, kpi[1:] == kpi[:-1]]

    previous = np.where(same_kpi_as_previous, np.r_[np.nan, value[:-1]], np.nan)
    frame["direction"] = _direction(value, previous, np.ones_like(value), frame, target)

    by_kpi = pd.Series(value).groupby(kpi)
    prior_sum = sum(by_kpi.shift(k).fillna(0).to_numpy() for k in (1, 2, 3))
    prior_count = sum(by_kpi.shift(k).notna().to_numpy().astype(int) for k in (1, 2, 3))
    prior_count = np.where(prior_count == 0, np.nan, prior_count)
    # Compare v × n with the sum of n earlier readings: exact, no division.
    frame["direction_3m"] = _direction(value * prior_count, prior_sum, prior_count, frame, target)

    has_target = ~np.isnan(target)
    status_values = frame["status"].to_numpy()
    met = np.isin(status_values, MET_OR_WITHIN)
    counted = has_target & np.isin(status_values, (GREEN, AMBER, RED, MISSING))
    # Per month, whether it counts as met-or-within and as rated; any window
    # of months (12 here, a contract year on the compliance page) sums these.
    frame["met"] = met
    frame["rated"] = counted
    frame["met_12m"] = _rolling_12(met, kpi)
    frame["rated_12m"] = _rolling_12(counted, kpi)

    off = has_target & np.isin(status_values, (RED, MISSING))
    run_id = pd.Series(~off).groupby(kpi).cumsum().to_numpy()
    frame["months_off_target"] = (
        pd.Series(off.astype("int64")).groupby([kpi, run_id]).cumsum().to_numpy()
    )
    # A KPI's first month has no direction, so no run crosses from one KPI
    # into the next and no grouping is needed.
    frame["months_worsening"] = _run_lengths(frame["direction"].to_numpy() == WORSENING)
    return frame


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """How many true flags run, unbroken, up to and including each position.

    >>> _run_lengths(np.array([True, False, True, True, True])).tolist()
    [1, 0, 1, 2, 3]
    """
    positions = np.arange(len(flags))
    last_false = np.maximum.accumulate(np.where(flags, -1, positions))
    return positions - last_false


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


def _direction(current, previous, count, frame, target) -> np.ndarray:
    """improving / worsening / stable of ``current`` against ``previous``.

    For ``within`` KPIs, compare distances from the target (scaled by
    ``count`` so that both sides are in the same units).
    """
    polarity = frame["polarity"].to_numpy()
    delta = current - previous
    with np.errstate(invalid="ignore"):
        towards_target = np.abs(previous - target * count) - np.abs(current - target * count)
    signed = np.where(
        polarity == HIGHER, delta, np.where(polarity == LOWER, -delta, towards_target)
    )
    result = _choose(
        [np.isnan(signed), signed > 0, signed < 0],
        [None, IMPROVING, WORSENING],
        default=STABLE,
    )
    return pd.Series(result, index=frame.index, dtype=object)


def _rolling_12(flags: np.ndarray, kpi: np.ndarray) -> np.ndarray:
    """Count of true flags over each row's 12-row window within its KPI.

    Rows are consecutive months, so 12 rows are 12 months.
    """
    counts = pd.Series(flags.astype("int64"))
    running = counts.groupby(kpi).cumsum()
    dropped = running.groupby(kpi).shift(12, fill_value=0)
    return (running - dropped).to_numpy()


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
