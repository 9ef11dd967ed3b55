"""Returns for the months a test makes up, so that scrutiny members read them
(the publication rule: a month is published once its return is submitted or
accepted)."""

from kpis.models import MonthlyReturn, ReturnState


def accept_months(organisation, periods) -> None:
    """Accepted returns for ``periods`` of ``organisation`` (test data)."""
    MonthlyReturn.objects.bulk_create(
        MonthlyReturn(organisation=organisation, period=period, state=ReturnState.ACCEPTED)
        for period in periods
    )
