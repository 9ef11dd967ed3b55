"""A commissioner starts 2019/20 from last year's targets in one step, changes
one with a reason, marks one "not yet agreed", and uploads a targets file from
the page, seeing its preview first (issue 11)."""

from decimal import Decimal

import pytest

from kpis.models import KPI, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_copies_edits_and_uploads_targets(
    page, live_server, log_in, seeds, commissioner, tmp_path
):
    kpi2, kpi3, kpi4 = (
        KPI.objects.get(organisation__slug="birmingham", code=code)
        for code in ("KPI2", "KPI3", "KPI4")
    )
    log_in("commissioner")
    page.goto(f"{live_server.url}/o/birmingham/targets/2019/")
    page.get_by_role("button", name="Copy 2018/19's targets into 2019/20").click()
    page.get_by_text("15 targets copied from 2018/19").wait_for()
    assert page.get_by_label("KPI2 target").input_value() == "21"

    page.get_by_label("KPI2 target").fill("20")
    page.get_by_label("KPI3 target").fill("")
    page.get_by_label("KPI3 lower").fill("")
    page.get_by_label("KPI3 upper").fill("")
    page.get_by_label("KPI3 not yet agreed").check()
    # No reason: refused, and what was typed is kept.
    page.get_by_role("button", name="Save targets").click()
    page.locator(".error-summary").wait_for()
    assert page.get_by_label("KPI2 target").input_value() == "20"
    assert Target.objects.get(kpi=kpi2, valid_from__year=2019).value == Decimal("21")
    page.get_by_label("Reason for the change").fill("TEST agreed at the PGG")
    page.get_by_role("button", name="Save targets").click()
    page.locator(".error-summary").wait_for(state="detached")
    assert Target.objects.get(kpi=kpi2, valid_from__year=2019).value == Decimal("20")
    assert Target.objects.get(kpi=kpi3, valid_from__year=2019).agreed is False
    assert page.get_by_label("KPI3 not yet agreed").is_checked()
    assert page.get_by_label("KPI3 target").input_value() == ""
    history = kpi2.targets.get(valid_from__year=2019).history.first()
    assert history.history_change_reason == "TEST agreed at the PGG"

    page.get_by_role("link", name="Upload a targets file").click()
    path = tmp_path / "targets.csv"
    path.write_text("kpi,valid_from,target,lower,upper\nKPI4,2019-04-01,28,22,34\n")
    page.get_by_label("CSV or XLSX file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    assert "0 new, 1 changed, 0 unchanged." in page.locator("main").inner_text()
    assert "30 (24–36)" in page.locator("tr", has_text="KPI4").inner_text()
    assert Target.objects.get(kpi=kpi4, valid_from__year=2019).value == Decimal("30")
    page.get_by_role("button", name="Save these targets").click()
    page.wait_for_url("**/o/birmingham/targets/2019/")
    assert Target.objects.get(kpi=kpi4, valid_from__year=2019).value == Decimal("28")
