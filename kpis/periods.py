"""Reporting months: parsing, bounds, arithmetic and due dates.

A period is always the first day of its month (a ``datetime.date``). This is
the one place that turns text into a period, so the dashboard's month picker,
``kpi_status --period``, the URLs, the forms and the importers accept the same
spellings and the same span: **a valid month** runs from ``EARLIEST_PERIOD``
(2000-01) to the current month, or to ``latest`` where a caller allows later
months (an action's timescale). Every month inside is far from the ends of
the calendar, so the arithmetic below never fails on one.
"""

import datetime as dt
import re

from django.utils import timezone

# The contract: a monthly return is due within 17 days of month end.
RETURN_DUE_DAYS = 17

_MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_ISO = re.compile(r"^(\d{4})-(\d{2})$")
_ABBREVIATED = re.compile(r"^([A-Za-z]{3})[-\s](\d{2}|\d{4})$")

MALFORMED_PERIOD = "{text!r} is not a month: write it as YYYY-MM, e.g. 2018-10"
PERIOD_TOO_EARLY = "{text!r} is before {earliest}: no month before {earliest} is held"
PERIOD_TOO_LATE = "{text!r} is after {latest}: no month after {latest} can be given here"

# The first month anything is held for: the trusts' records start in the
# 2010s, and a month before this is a typing slip or an Excel date of 1900.
EARLIEST_PERIOD = dt.date(2000, 1, 1)
# The last month of the calendar: for parsers that check the upper bound
# themselves with their own message (the importers' "in the future").
CALENDAR_END = dt.date(9999, 12, 1)
# How far ahead a plan may look (an action's timescale, a contract year's
# targets): a few years, never centuries.
YEARS_AHEAD = 10
CONTRACT_YEAR_OUT_OF_RANGE = "{year} is not a contract year held: they run from {first} to {last}"


class PeriodError(ValueError):
    pass


class PeriodOutOfRange(PeriodError):
    """A real month, outside the span allowed where it was given."""


def this_month(today: dt.date | None = None) -> dt.date:
    return month_start(today or timezone.localdate())


def latest_ahead(today: dt.date | None = None) -> dt.date:
    """The latest month a plan may look to: an action's timescale, targets."""
    return add_months(this_month(today), 12 * YEARS_AHEAD)


def check_period(period: dt.date, *, latest: dt.date | None = None) -> dt.date:
    """``period`` if it is a valid month: from ``EARLIEST_PERIOD`` to ``latest``
    (default: the current month); else PeriodOutOfRange saying which bound.

    >>> check_period(dt.date(1900, 1, 1), latest=dt.date(2018, 10, 1))
    Traceback (most recent call last):
    ...
    kpis.periods.PeriodOutOfRange: '1900-01' is before 2000-01: no month before 2000-01 is held
    """
    return _in_span(period.year, period.month, format_period(period), latest)


def _in_span(year: int, month: int, text: str, latest: dt.date | None) -> dt.date:
    # Compared as (year, month) before any date is made: year 0 is no date.
    if (year, month) < (EARLIEST_PERIOD.year, EARLIEST_PERIOD.month):
        earliest = format_period(EARLIEST_PERIOD)
        raise PeriodOutOfRange(PERIOD_TOO_EARLY.format(text=text, earliest=earliest))
    latest = this_month() if latest is None else latest
    if (year, month) > (latest.year, latest.month):
        raise PeriodOutOfRange(PERIOD_TOO_LATE.format(text=text, latest=format_period(latest)))
    return dt.date(year, month, 1)


def parse_period(text: str, *, latest: dt.date | None = None) -> dt.date:
    """Read a month written as ``2018-10`` or as the trusts' appendices do,
    ``Oct-18``, and check that it is a valid month (``check_period``): up to
    ``latest``, by default the current month.

    >>> parse_period("2018-10")
    datetime.date(2018, 10, 1)
    >>> parse_period("Jan-18")
    datetime.date(2018, 1, 1)
    >>> parse_period("0000-01")
    Traceback (most recent call last):
    ...
    kpis.periods.PeriodOutOfRange: '0000-01' is before 2000-01: no month before 2000-01 is held
    """
    cleaned = str(text).strip()
    if match := _ISO.match(cleaned):
        year, month = int(match[1]), int(match[2])
    elif (match := _ABBREVIATED.match(cleaned)) and match[1].lower() in _MONTHS:
        month = _MONTHS[match[1].lower()]
        year = int(match[2]) if len(match[2]) == 4 else 2000 + int(match[2])
    else:
        raise PeriodError(MALFORMED_PERIOD.format(text=text))
    if not 1 <= month <= 12:
        raise PeriodError(MALFORMED_PERIOD.format(text=text))
    return _in_span(year, month, cleaned, latest)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def from_month_index(index: int) -> dt.date:
    """The first of the month ``index`` months after year 0 began
    (``year * 12 + month - 1``, as ``rating.month_index`` counts)."""
    return dt.date(index // 12, index % 12 + 1, 1)


def add_months(period: dt.date, months: int) -> dt.date:
    return from_month_index(period.year * 12 + period.month - 1 + months)


def month_end(period: dt.date) -> dt.date:
    return add_months(period, 1) - dt.timedelta(days=1)


def due_date(period: dt.date) -> dt.date:
    """The last day a month's return is on time.

    >>> due_date(dt.date(2018, 10, 1))
    datetime.date(2018, 11, 17)
    """
    return month_end(period) + dt.timedelta(days=RETURN_DUE_DAYS)


def past_due(period: dt.date, *, today: dt.date) -> bool:
    """Whether the month's return is owed by ``today``: from the day after its
    due date (the one rule for "overdue", "missing" and "late").

    >>> past_due(dt.date(2018, 10, 1), today=dt.date(2018, 11, 17))
    False
    >>> past_due(dt.date(2018, 10, 1), today=dt.date(2018, 11, 18))
    True
    """
    return today > due_date(period)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last`` inclusive."""
    count = (last.year - first.year) * 12 + last.month - first.month
    return [add_months(first, n) for n in range(count + 1)]


def format_period(period: dt.date) -> str:
    # Not strftime's %Y, which writes year 1 as "1" on Linux.
    return f"{period.year:04d}-{period.month:02d}"


def label_period(period: dt.date) -> str:
    """How committee papers write a month: ``Oct 2018``."""
    return f"{period:%b %Y}"


# Contract years run April–March: the month each one starts in.
CONTRACT_YEAR_START_MONTH = 4


def contract_year(period: dt.date) -> int:
    """Contract years run April–March; 2018/19 is returned as 2018."""
    return period.year if period.month >= CONTRACT_YEAR_START_MONTH else period.year - 1


def contract_year_start(year: int) -> dt.date:
    """The first month of the contract year ``year``: 1 April.

    >>> contract_year_start(2018)
    datetime.date(2018, 4, 1)
    """
    return dt.date(year, CONTRACT_YEAR_START_MONTH, 1)


def contract_year_end(year: int) -> dt.date:
    """The last month of the contract year ``year`` (its first day): March.

    >>> contract_year_end(2018)
    datetime.date(2019, 3, 1)
    """
    return add_months(contract_year_start(year), 11)


def contract_year_label(year: int) -> str:
    """The contract year as the contract and its papers write it.

    >>> contract_year_label(2018), contract_year_label(2099)
    ('2018/19', '2099/00')
    """
    return f"{year}/{(year + 1) % 100:02d}"


def contract_years(*, latest: dt.date | None = None) -> range:
    """The contract years of valid months: from 2000/01 (the first to start
    after ``EARLIEST_PERIOD``) to the one ``latest`` (default: the current
    month) is in."""
    last = contract_year(this_month() if latest is None else latest)
    return range(EARLIEST_PERIOD.year, last + 1)


def check_contract_year(year: int, *, latest: dt.date | None = None) -> int:
    """``year`` if it is one of ``contract_years``; else PeriodOutOfRange.

    >>> check_contract_year(10_000, latest=dt.date(2018, 10, 1))
    Traceback (most recent call last):
    ...
    kpis.periods.PeriodOutOfRange: 10000 is not a contract year held: they run from 2000 to 2018
    """
    years = contract_years(latest=latest)
    if year not in years:
        raise PeriodOutOfRange(
            CONTRACT_YEAR_OUT_OF_RANGE.format(year=year, first=years[0], last=years[-1])
        )
    return year
