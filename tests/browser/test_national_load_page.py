"""An administrator loads DfE's files from the national statistics page and
reads how it went (the immediate backend runs the task at once here; the
real worker is tested in tests/notifications/test_worker_smtp.py)."""

import pytest

from tests.browser.test_accessibility import assert_no_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_loads_dfes_statistics(page, live_server, log_in, admin_user):
    log_in("admin")
    page.goto(f"{live_server.url}/national/")
    page.get_by_role("link", name="Load DfE's statistics from data/dfe/").click()
    page.get_by_text("No load has been started from this page yet.").wait_for()
    assert_no_violations(page, "national load, none yet")

    page.get_by_role("button", name="Load DfE's statistics now").click()
    page.get_by_text("The load is queued: this page follows its progress.").wait_for()
    page.get_by_text("4 KPIs linked to a national measure.").wait_for()
    assert "Done" in page.get_by_role("heading", level=3).inner_text()
    assert page.get_by_label("Step 9 of 9").get_attribute("value") == "9"
    assert_no_violations(page, "national load, done")
