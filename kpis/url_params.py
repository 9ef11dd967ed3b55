"""A URL's month or contract year, or 404: what every view calls, so that a
month outside ``periods``' span (``/returns/0000-01/``, ``/report/9999-12/``,
``/compliance/99999999999999999999/``) is "no such page", never a 500."""

import datetime as dt

from django.http import Http404

from kpis.periods import PeriodError, check_contract_year, parse_period


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
