import csv
import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_ratings_opens_a_chart_and_downloads_the_csv(
    page, live_server, log_in, member
):
    log_in("member")

    page.get_by_role("link", name="Birmingham Children's Trust").click()
    kpi2 = page.locator("tr[data-kpi='KPI2']")
    assert kpi2.locator(".chip").inner_text() == "Amber"
    assert page.locator("tr[data-kpi='KPI10'] .chip").inner_text() == "Green"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert {r["kpi"]: r["status"] for r in rows}["KPI2"] == "amber"
    assert download.suggested_filename == "birmingham-kpi-status-2018-10.csv"

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sandwell Children's Trust").click()
    page.get_by_role("link", name="PI9", exact=True).click()
    page.locator("#trend-chart .main-svg").first.wait_for()
    assert page.locator("#trend-chart .scatterlayer .point").count() == 12
    assert page.locator(".readings-table tbody tr").count() == 12
