"""An officer's upload preview shows each row as the return would (unit, target,
status, Red without commentary); saving lands on that month's return; once it
is submitted, the commissioner's home lists it in the review queue, oldest
submission first across their organisations (issue 11)."""

import datetime as dt

import pytest
from django.utils import timezone

from kpis.models import MonthlyReturn, ReturnState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_upload_lands_on_its_return_and_reaches_the_review_queue(
    page, live_server, log_in, seeds, officer, sandwell_officer, commissioner, tmp_path
):
    MonthlyReturn.objects.create(
        organisation=seeds["sandwell"], period=dt.date(2019, 1, 1), state=ReturnState.SUBMITTED,
        submitted_at=timezone.now() - dt.timedelta(days=1), submitted_by=sandwell_officer,
    )  # fmt: skip
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/upload/")
    path = tmp_path / "nov.csv"
    path.write_text("kpi,period,value,commentary\nKPI1,2018-11,86,\nKPI2,2018-11,24.1,\n")
    page.get_by_label("CSV or XLSX file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    kpi2 = page.locator('tr[data-kpi="KPI2"]').inner_text()
    assert "%" in kpi2 and "21% (17–24%)" in kpi2 and "Red" in kpi2
    assert "Red with no commentary" in kpi2
    assert "Red with no commentary" not in page.locator('tr[data-kpi="KPI1"]').inner_text()
    page.get_by_role("button", name="Save these readings").click()
    page.wait_for_url("**/o/birmingham/returns/2018-11/")

    page.get_by_label("KPI2 commentary").fill("TEST re-referrals rose after a case review")
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Return submitted to the commissioners.").wait_for()

    page.context.clear_cookies()
    log_in("commissioner")
    queue = page.locator("ol.list-group li").all_inner_texts()
    assert [item.split(" submitted ")[0] for item in queue] == [
        "Sandwell Children's Trust: January 2019",
        "Birmingham Children's Trust: November 2018",
    ]
    assert queue[1].endswith("by officer")
    page.get_by_role("link", name="Birmingham Children's Trust: November 2018").click()
    page.wait_for_url("**/o/birmingham/returns/2018-11/")
    page.get_by_role("button", name="Accept return").wait_for()
