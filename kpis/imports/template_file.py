"""The blank file an officer fills in: the wide layout with the
organisation's KPI codes and titles and one column per month of the current
contract year so far (a later month would be refused as in the future)."""

import datetime as dt

from kpis.models import Organisation
from kpis.periods import contract_year, format_period, month_start, months_between


def readings_template(
    *, organisation: Organisation, today: dt.date
) -> tuple[list[str], list[list]]:
    """(headings, rows): ``kpi, title, 2026-04, …, <this month>`` and a row a
    KPI, its month cells blank (a blank cell is no reading)."""
    current = month_start(today)
    months = months_between(dt.date(contract_year(current), 4, 1), current)
    headings = ["kpi", "title", *(format_period(m) for m in months)]
    rows = [
        [kpi.code, kpi.title, *([""] * len(months))]
        for kpi in organisation.kpis.order_by("pk").only("code", "title")
    ]
    return headings, rows
