import pytest

from tests.fast_fixtures import load_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_findings_beside_a_kpi_and_follows_a_listed_inspection(
    page, live_server, log_in, member
):
    load_fixtures("inspections_letters", "inspections_plans")
    log_in("member")
    page.goto(f"{live_server.url}/o/birmingham/kpi/KPI9/")

    panel = page.locator(".kpi-findings")
    finding = panel.locator("article", has_text="Earlier engagement of personal advisers")
    assert finding.count() == 1
    assert "Continue ongoing recruitment campaigns" in finding.inner_text()
    assert "Not yet rated" in finding.inner_text()

    # KPI9 has one reading (Oct 2018): the chart spans that month, and the
    # visits of May and Aug 2018 are named under it in words, not drawn.
    page.locator("#trend-chart .main-svg").first.wait_for()
    names = page.evaluate("() => document.getElementById('trend-chart').data.map(t => t.name)")
    assert "Inspections" not in names
    listed = page.locator(".events-outside li").all_inner_texts()
    assert "Fifth monitoring visit, 15 May 2018 (before the first reading)" in listed

    page.get_by_role("link", name="Fifth monitoring visit", exact=True).click()
    page.wait_for_url("**/inspections/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Fifth monitoring visit"
    assert "Peter McEntee" in page.content()
