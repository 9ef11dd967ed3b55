import csv
import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_the_national_comparison_and_every_la(page, live_server, log_in, member):
    call_command("load_national_demo", stdout=io.StringIO())
    log_in("member")

    page.get_by_role("link", name="Sandwell Children's Trust").click()
    # The dashboard's "vs national": PI13 28.8% in Dec 2018 against England's
    # 16.5% (CSWW, as at 30 September 2018); lower is better.
    assert page.locator("tr[data-kpi='PI13'] .vs-national").inner_text() == (
        "Worse than England (2018: 16.5%)"
    )
    assert page.locator("tr[data-kpi='PI1'] .vs-national").inner_text() == ""

    page.get_by_role("link", name="PI13", exact=True).click()
    panel = page.locator(".national-panel")
    panel.get_by_role("heading", name="National comparison").wait_for()
    page.locator("#national-chart .main-svg").first.wait_for()
    legend = page.locator("#national-chart .legendtext").evaluate_all(
        "texts => texts.map(text => text.textContent)"
    )
    assert legend == ["Sandwell", "England", "West Midlands", "Statistical neighbours' average"]
    first = panel.locator("tbody tr").first
    # DfE's CSWW 2025 rows: Sandwell 8.7, England 14.2, West Midlands 14;
    # rank 42 of 149 LAs with a figure (tests/national/commands/test_benchmark.py
    # checks these against the CSV by another route).
    assert first.locator("th").inner_text() == "2025"
    assert first.locator("td").all_inner_texts()[:3] == ["8.7%", "14.2%", "14%"]
    assert "42 of 149" in first.inner_text()
    assert panel.locator("tbody tr").count() == 9

    panel.get_by_role("link", name="Social worker vacancy rate (FTE)").click()
    page.get_by_role("heading", name="Every local authority").wait_for()
    page.get_by_role("link", name="Rank of 149").click()
    top = page.locator(".measure-table tbody tr").first
    assert top.locator("td").nth(3).inner_text().startswith("1")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert download.suggested_filename == "vacancy-rate-2025.csv"
    sandwell = next(r for r in rows if r["Area"] == "Sandwell")
    assert (sandwell["Value"], sandwell["Rank"], sandwell["Of"]) == ("8.7", "42", "149")
