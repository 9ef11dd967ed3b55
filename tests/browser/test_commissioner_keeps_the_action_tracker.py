"""A commissioner keeps the key of leads, reads and filters the action tracker,
downloads its XLSX, and signs off an officer's "complete" with a note that the
BRAG history keeps (issue 11)."""

import datetime as dt
import io

import openpyxl
import pytest

from inspections.models import BRAG, Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_keeps_the_tracker_and_signs_off_a_proposal(page, live_server, log_in, cast):
    log_in("commissioner")
    page.goto(f"{live_server.url}/o/birmingham/leads/new/")
    page.get_by_label("Initials").fill("GT")
    page.get_by_label("Name").fill("TEST Grace Tame")
    page.get_by_label("Role").fill("TEST Head of Service, Care Management")
    page.get_by_role("button", name="Save").click()

    # Finding 4's third action is "4.3": its number is unique within the plan.
    page.goto(f"{live_server.url}/o/birmingham/actions/")
    assert page.locator("table tbody tr", has_text="4.3").count() >= 1
    page.get_by_label("Lead").select_option("GT")
    page.get_by_label("Sort").select_option(label="Timescale, soonest first")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("table tbody tr")
    leads = rows.locator("td:nth-child(4)").all_inner_texts()
    assert leads and all("GT" in lead.split(" / ") for lead in leads)
    key = page.locator(".lead-key").inner_text()
    assert "TEST Grace Tame, TEST Head of Service, Care Management" in key

    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))["Actions"]
    assert sheet["A1"].value.startswith("Action tracker: Birmingham Children's Trust, as at ")
    assert sheet.auto_filter.ref.startswith("A2:")
    header = [cell.value for cell in sheet[2]]
    timescales = [
        row[header.index("Timescale")]
        for row in sheet.iter_rows(min_row=3)
        if isinstance(row[header.index("Timescale")].value, dt.datetime)
    ]
    assert timescales and all(cell.number_format == "mmm-yy" for cell in timescales)
    values = [cell.value for cell in timescales]
    assert values == sorted(values)  # soonest first, as on the page
    assert isinstance(sheet.cell(3, header.index("No.") + 1).value, int)

    # An officer proposes complete: the status stays until the sign-off.
    action = Action.objects.get(plan__organisation__slug="birmingham", reference="4.3")
    before = action.status
    page.context.clear_cookies()
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/actions/{action.pk}/update/")
    page.get_by_label("Date of the update").fill("2026-01-05")
    page.get_by_label("Progress").fill("TEST all done")
    page.get_by_label("Status after this update").select_option("blue")
    page.get_by_role("button", name="Save").click()
    page.locator(".proposal").get_by_text("Proposed complete by officer").wait_for()
    action.refresh_from_db()
    assert action.status == before

    # The commissioner's note, typed above the sign-off button, is kept.
    page.context.clear_cookies()
    log_in("commissioner")
    page.goto(f"{live_server.url}/o/birmingham/actions/{action.pk}/")
    page.get_by_label("Note for the history").fill("TEST evidence seen at OCG")
    page.get_by_role("button", name="Sign off as complete (Blue)").click()
    page.get_by_text("signed off as complete (Blue)").wait_for()
    action.refresh_from_db()
    assert action.status == BRAG.BLUE
    last = page.locator("table.brag-history tbody tr").last.inner_text()
    assert "Blue" in last and "commissioner" in last
    assert "TEST evidence seen at OCG" in last
