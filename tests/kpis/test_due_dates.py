"""The due date and its two readings, on the exact day and the day after:
a month's return is overdue the day after its due date (``periods.past_due``,
used by the returns list, the dashboard's ratings and the questions), late if
submitted after it; an action is overdue the day after its timescale month
ends (``inspections.selectors.is_overdue``), whichever page asks."""

import datetime as dt

import pytest
from django.utils import timezone

from inspections import selectors as inspection_selectors
from inspections import services as inspection_services
from inspections.models import BRAG, ActionPlan, FindingKind, InspectionKind
from kpis import periods, rating, selectors
from kpis.models import MonthlyReturn, ReturnState
from reports.selectors import monthly_report

OCT = dt.date(2018, 10, 1)
DUE = dt.date(2018, 11, 17)


@pytest.mark.parametrize(
    "period, due",
    [
        (dt.date(2018, 10, 1), dt.date(2018, 11, 17)),  # 31-day month
        (dt.date(2018, 11, 1), dt.date(2018, 12, 17)),  # 30-day month
        (dt.date(2018, 12, 1), dt.date(2019, 1, 17)),  # into the next year
        (dt.date(2019, 2, 1), dt.date(2019, 3, 17)),  # 28-day February
        (dt.date(2020, 2, 1), dt.date(2020, 3, 17)),  # 29-day February: 17 days on, too
    ],
)
def test_a_return_is_due_17_days_after_its_months_last_day(period, due):
    assert periods.due_date(period) == due
    assert not periods.past_due(period, today=due)
    assert periods.past_due(period, today=due + dt.timedelta(days=1))


@pytest.mark.parametrize(
    "today, overdue",
    [(DUE - dt.timedelta(days=1), False), (DUE, False), (DUE + dt.timedelta(days=1), True)],
)
def test_a_month_without_a_return_is_overdue_from_the_day_after_its_due_date(
    unreturned_seeds, today, overdue
):
    month = selectors.return_month(
        organisation=unreturned_seeds["birmingham"], period=OCT, today=today
    )
    assert month.due == DUE
    assert month.overdue is overdue
    # the dashboard's rating of a month without a reading reads the same date
    assert (rating.last_overdue_month(today) >= OCT) is overdue


@pytest.mark.parametrize("submitted, late", [(DUE, False), (DUE + dt.timedelta(days=1), True)])
def test_a_return_submitted_after_its_due_date_is_late(unreturned_seeds, submitted, late):
    at = timezone.make_aware(dt.datetime.combine(submitted, dt.time(23, 30)))
    MonthlyReturn.objects.create(
        organisation=unreturned_seeds["birmingham"], period=OCT,
        state=ReturnState.SUBMITTED, submitted_at=at,
    )  # fmt: skip
    month = selectors.return_month(
        organisation=unreturned_seeds["birmingham"], period=OCT, today=dt.date(2019, 1, 1)
    )
    assert month.late is late
    assert month.overdue is False  # submitted: nobody owes it any more


@pytest.fixture
def july_action(seeds):
    """A made-up (TEST) Red action with a timescale of July 2023."""
    inspection = inspection_services.inspection_create(
        organisation=seeds["birmingham"], kind=InspectionKind.MONITORING_VISIT,
        title="TEST visit", start_date=dt.date(2023, 3, 1),
    )  # fmt: skip
    finding = inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="TEST finding",
        kpis=[seeds["birmingham"].kpis.get(code="KPI15")],
    )  # fmt: skip
    action = inspection_services.action_create(
        finding=finding, number="1", text="TEST action", lead="GT",
        timescale=dt.date(2023, 7, 1), timescale_text="Jul-23", status=BRAG.RED,
    )  # fmt: skip
    ActionPlan.objects.filter(pk=action.plan_id).update(dated=dt.date(2023, 3, 31))
    return action


@pytest.mark.parametrize(
    "today, overdue", [(dt.date(2023, 7, 31), False), (dt.date(2023, 8, 1), True)]
)
def test_an_action_is_overdue_from_the_day_after_its_timescale_month(
    seeds, july_action, today, overdue
):
    birmingham = seeds["birmingham"]
    [row] = inspection_selectors.action_tracker(organisation=birmingham, today=today)
    assert row.overdue is overdue
    red = inspection_selectors.overdue_red_actions_by_kpi(organisation=birmingham, today=today)
    assert bool(red) is overdue
    only_overdue = inspection_selectors.action_tracker(
        organisation=birmingham, today=today, overdue=True
    )
    assert len(only_overdue) == int(overdue)


@pytest.mark.parametrize("period, overdue", [("2023-07", 0), ("2023-08", 1)])
def test_the_monthly_report_judges_actions_overdue_at_the_months_end(
    seeds, july_action, period, overdue
):
    report = monthly_report(
        organisation=seeds["birmingham"], period=periods.parse_period(period),
        drafts=True, today=dt.date(2024, 1, 1),
    )  # fmt: skip
    [plan] = report.action_plans
    assert len(plan.overdue) == overdue
