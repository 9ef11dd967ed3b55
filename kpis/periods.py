"""Reporting months: parsing, arithmetic and due dates.

A period is always the first day of its month (a ``datetime.date``). This is
the one place that turns text into a period, so the dashboard's month picker,
``kpi_status --period`` and the importers accept the same spellings.
"""

import datetime as dt
import re

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


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> dt.date:
    """Read a month written as ``2018-10`` or as the trusts' appendices do, ``Oct-18``.

    >>> parse_period("2018-10")
    datetime.date(2018, 10, 1)
    >>> parse_period("Jan-18")
    datetime.date(2018, 1, 1)
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
    return dt.date(year, month, 1)


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


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first`` to ``last`` inclusive."""
    count = (last.year - first.year) * 12 + last.month - first.month
    return [add_months(first, n) for n in range(count + 1)]


def format_period(period: dt.date) -> str:
    return f"{period:%Y-%m}"


def label_period(period: dt.date) -> str:
    """How committee papers write a month: ``Oct 2018``."""
    return f"{period:%b %Y}"


def contract_year(period: dt.date) -> int:
    """Contract years run April–March; 2018/19 is returned as 2018."""
    return period.year if period.month >= 4 else period.year - 1
