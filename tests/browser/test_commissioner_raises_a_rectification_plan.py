"""A commissioner raises a rectification plan from a Performance Failure in
the monthly report's 4.2.3, numbers its first action and finds the plan,
with the action, in the report's 4.2.5 (issue 13)."""

import datetime as dt
from decimal import Decimal

import pytest

from inspections.models import ActionPlan, PlanKind
from kpis.models import Reading
from tests.browser.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_raises_a_plan_from_the_reports_failure(
    page, live_server, log_in, cast, sandwell_twin
):
    # KPI2 (lower is better, tolerance 17–24%) at 24.1% in Oct 2018: Red.
    Reading.objects.filter(
        kpi__organisation__slug="birmingham", kpi__code="KPI2", period=dt.date(2018, 10, 1)
    ).update(value=Decimal("24.1"))
    log_in("commissioner")
    page.goto(f"{live_server.url}/o/birmingham/report/2018-10/")
    failures = page.locator("#s-failures")
    assert "KPI2" in failures.locator("tbody").inner_text()
    assert "PI1" not in failures.inner_text()  # Sandwell's failures stay in Sandwell's report
    failures.get_by_role("link", name="Raise a rectification plan for KPI2").click()
    page.wait_for_url("**/rectification/new/?kpi=KPI2&period=2018-10")
    assert page.get_by_label("Month of the Performance Failure").input_value() == "2018-10"
    assert "KPI2" in page.get_by_label("KPI that failed").locator("option:checked").inner_text()

    # Dated before the failure: refused, and what was typed is kept.
    page.get_by_label("Title").fill("TEST KPI2 rectification plan")
    page.get_by_label("Date of the plan").fill("2018-09-30")
    page.get_by_label("Plan lead").fill("GT")
    page.get_by_role("button", name="Save").click()
    assert "cannot be dated before 1 Oct 2018" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == "TEST KPI2 rectification plan"
    assert page.get_by_label("Plan lead").input_value() == "GT"
    assert not ActionPlan.objects.filter(kind=PlanKind.RECTIFICATION).exists()
    assert_no_violations(page, "rectification-plan-form-errors")

    page.get_by_label("Date of the plan").fill("2018-10-22")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/rectification/*/")
    plan = ActionPlan.objects.get(kind=PlanKind.RECTIFICATION)
    assert (plan.kpi.code, plan.failure_period) == ("KPI2", dt.date(2018, 10, 1))

    page.get_by_role("link", name="Add an action").click()
    assert page.get_by_label("Number").input_value() == "1"
    page.get_by_label("Text").fill("TEST audit October's re-referrals")
    page.get_by_label("Timescale").fill("Dec-18")
    page.get_by_label("Status").select_option("amber")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/rectification/{plan.pk}/")
    actions = page.locator("table.plan-actions")
    assert "1.1" in actions.inner_text() and "TEST audit October's re-referrals" in (
        actions.inner_text()
    )
    # The failing KPI's trend is drawn beside the actions.
    page.locator(".trend-chart .main-svg").first.wait_for()
    assert_no_violations(page, "rectification-plan")

    page.goto(f"{live_server.url}/o/birmingham/report/2018-10/")
    rectification = page.locator("#s-rectification_plans")
    assert "TEST KPI2 rectification plan" in rectification.inner_text()
    row = rectification.locator('tr[data-action="1.1"]')
    assert "TEST audit October's re-referrals" in row.inner_text() and "Amber" in row.inner_text()
    assert "TEST KPI2 rectification plan" in page.locator("#s-failures").inner_text()
