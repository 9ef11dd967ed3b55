import io

import pytest
from openpyxl import Workbook

from kpis.models import KPI, MonthlyReturn, Reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wide_xlsx(tmp_path, name, rows):
    workbook = Workbook()
    workbook.active.append(["kpi", "Nov-18"])
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_an_officer_enters_uploads_and_submits_and_the_commissioner_accepts(
    browser, live_server, officer, commissioner, tmp_path
):
    kpi2 = KPI.objects.get(organisation__slug="birmingham", code="KPI2")
    page = _log_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")

    # The status follows the typing, rated on the server.
    value = page.get_by_label("KPI2 value")
    value.fill("24")
    page.locator(f"#status-{kpi2.pk} .chip").filter(has_text="Amber").wait_for()
    value.fill("21")
    page.locator(f"#status-{kpi2.pk} .chip").filter(has_text="Green").wait_for()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()

    # A wide XLSX with one bad row: named, nothing saved; then the fixed file.
    page.goto(f"{live_server.url}/o/birmingham/upload/")
    bad = _wide_xlsx(tmp_path, "nov.xlsx", [["KPI1", 86], ["KPI3", "n/a"]])
    page.get_by_label("CSV or XLSX file").set_input_files(bad)
    page.get_by_role("button", name="Check the file").click()
    errors = page.locator(".upload-errors")
    errors.wait_for()
    assert "Row 3" in errors.inner_text() and "n/a" in errors.inner_text()
    assert page.get_by_role("button", name="Save these readings").count() == 0
    assert not Reading.objects.filter(
        kpi__code="KPI1", period__year=2018, period__month=11
    ).exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    good = _wide_xlsx(tmp_path, "nov-fixed.xlsx", [["KPI1", 86], ["KPI3", 88]])
    page.get_by_label("CSV or XLSX file").set_input_files(good)
    page.get_by_role("button", name="Check the file").click()
    assert "2 new, 0 changed" in page.locator(".upload-summary").inner_text()
    page.get_by_role("button", name="Save these readings").click()
    page.get_by_text("2 new, 0 changed, 0 unchanged; saved").wait_for()

    page.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")
    assert page.get_by_label("KPI1 value").input_value() == "86"
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Return submitted to the commissioners.").wait_for()

    reviewer = _log_in(browser, live_server, "commissioner")
    reviewer.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")
    reviewer.get_by_role("button", name="Accept return").click()
    reviewer.get_by_text("Return accepted").wait_for()
    assert (
        MonthlyReturn.objects.get(organisation__slug="birmingham", period__month=11).state
        == "accepted"
    )

    page.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")
    assert page.locator(".value-input").count() == 0
    assert page.locator("#return-state").inner_text() == "Accepted"
