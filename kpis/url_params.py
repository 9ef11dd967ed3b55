"""A URL's month, contract year or row id: what every view calls, so that a
month outside ``periods``' span (``/returns/0000-01/``, ``/report/9999-12/``,
``/compliance/99999999999999999999/``) is "no such page", and an id no
database can hold (``?finding=99999999999999999999``) is no id, never a 500."""

import datetime as dt

from django.http import Http404

from kpis.periods import PeriodError, check_contract_year, parse_period

# Every key is a 64-bit integer at most (SQLite's and PostgreSQL's bigint).
MAX_ID = 2**63 - 1


def period_or_404(text: str) -> dt.date:
    try:
        return parse_period(text)
    except PeriodError as error:
        raise Http404(str(error)) from None


def contract_year_or_404(year: int, *, latest: dt.date | None = None) -> int:
    try:
        return check_contract_year(year, latest=latest)
    except PeriodError as error:
        raise Http404(str(error)) from None


def id_param(text: str) -> int | None:
    """A row id from a query string: digits within the keys' range, else None.

    >>> id_param("12"), id_param("99999999999999999999"), id_param("abc")
    (12, None, None)
    """
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
