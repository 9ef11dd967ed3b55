"""An officer's return form checks as they type: the value from numerator
and denominator with its status, and a fraction for a percent KPI that
must be confirmed before it is saved."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.models import KPI, Reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_sees_the_value_worked_out_and_confirms_a_fraction(
    page, live_server, log_in, officer, sandwell_officer
):
    kpi1 = KPI.objects.get(organisation__slug="birmingham", code="KPI1")
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")
    page.get_by_label("KPI1 numerator").fill("171")
    page.get_by_label("KPI1 denominator").fill("200")
    status = page.locator(f"#status-{kpi1.pk}")
    status.locator(".chip").filter(has_text="Green").wait_for()  # target 85%, band 75–95%
    assert status.locator(".derived-value").inner_text() == "85.5%"
    # A value that disagrees with them is said at once, on the value.
    page.get_by_label("KPI1 value").fill("80")
    status.locator(".live-error").filter(has_text="85.5").wait_for()

    # Sandwell's PI1 ran 57.5–83% in 2018: 0.9 asks "did you mean 90%?".
    pi1 = KPI.objects.get(organisation__slug="sandwell", code="PI1")
    page.context.clear_cookies()
    log_in("sandwell-officer")
    page.goto(f"{live_server.url}/o/sandwell/returns/2019-01/")
    page.get_by_label("PI1 value").fill("0.9")
    question = page.locator(f"#unusual-{pi1.pk}")
    question.get_by_text("Did you mean 90%?").wait_for()
    page.get_by_role("button", name="Save draft").click()
    page.locator(".error-summary").get_by_text("Did you mean 90%?").wait_for()
    assert not Reading.objects.filter(kpi=pi1, period=dt.date(2019, 1, 1)).exists()
    assert page.get_by_label("PI1 value").input_value() == "0.9"  # kept as typed
    page.get_by_label("PI1: The value is right").check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    assert Reading.objects.get(kpi=pi1, period=dt.date(2019, 1, 1)).value == Decimal("0.9")
