"""Birmingham's officer uploads the seed's October 2018 readings as a CSV and
follows the background work in the browser: the page waits for the worker,
refreshes itself into the preview, then, once saved, lands on the month's
return. The tasks wait in the database until the test runs them, as the
worker would (the real worker is tests/kpis/test_upload_worker.py)."""

import csv
import io

import pytest

from kpis.formatting import plain
from kpis.models import Reading
from tests.browser.test_accessibility import assert_no_violations
from tests.kpis.views.test_upload_background import DATABASE_TASKS, _work

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_csv(organisation) -> tuple[bytes, dict]:
    """The seed's readings of ``organisation`` as a long CSV, and what they are."""
    readings = {
        (r.kpi.code, r.period): (r.value, r.commentary)
        for r in Reading.objects.filter(kpi__organisation=organisation).select_related("kpi")
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kpi", "period", "value", "commentary"])
    for (code, period), (value, commentary) in readings.items():
        writer.writerow([code, f"{period:%Y-%m}", plain(value), commentary])
    return out.getvalue().encode(), readings


def test_the_officer_follows_the_check_and_the_save(
    page, live_server, log_in, unreturned_seeds, officer, tmp_path, settings
):
    settings.TASKS = DATABASE_TASKS
    birmingham = unreturned_seeds["birmingham"]
    data, expected = _seed_csv(birmingham)
    assert len(expected) == 15  # the cover paper's 15 KPIs, Oct 2018
    Reading.objects.filter(kpi__organisation=birmingham).delete()
    path = tmp_path / "birmingham-october-2018.csv"
    path.write_bytes(data)

    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/upload/")
    page.get_by_label("CSV or XLSX file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/upload/*/")
    page.get_by_role("heading", name="Waiting for the worker").wait_for()
    assert "This page refreshes every 3 seconds" in page.content()
    assert_no_violations(page, "upload, waiting for the worker")

    assert _work() == ["upload_check_run"]
    # No click: the page refreshes itself into the preview.
    page.get_by_text("15 new, 0 changed, 0 unchanged.").wait_for(timeout=15_000)
    assert page.locator("tr[data-kpi]").count() == 15
    assert Reading.objects.filter(kpi__organisation=birmingham).count() == 0

    page.get_by_role("button", name="Save these readings").click()
    page.get_by_role("heading", name="Saving").wait_for()
    assert "all of them, or none if any is refused" in page.content()
    assert _work() == ["upload_save_run"]
    page.wait_for_url("**/o/birmingham/returns/2018-10/", timeout=15_000)
    page.get_by_text(
        "birmingham-october-2018.csv: 15 new, 0 changed, 0 unchanged; saved."
    ).wait_for()
    saved = {
        (r.kpi.code, r.period): (r.value, r.commentary)
        for r in Reading.objects.filter(kpi__organisation=birmingham).select_related("kpi")
    }
    assert saved == expected
