import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_findings_beside_a_kpi_and_follows_the_marker(
    page, live_server, log_in, member
):
    call_command("loaddata", "inspections_letters", "inspections_plans", verbosity=0)
    log_in("member")
    page.goto(f"{live_server.url}/o/birmingham/kpi/KPI9/")

    panel = page.locator(".kpi-findings")
    finding = panel.locator("article", has_text="Earlier engagement of personal advisers")
    assert finding.count() == 1
    assert "Continue ongoing recruitment campaigns" in finding.inner_text()
    assert "Not yet rated" in finding.inner_text()

    # The chart draws a marker per inspection near the readings; hovering
    # one names the inspection.
    page.locator("#trend-chart .main-svg").first.wait_for()
    markers = page.locator("#trend-chart .scatterlayer .trace").filter(
        has=page.locator("path.point")
    )
    assert markers.count() >= 2
    names = page.evaluate(
        "() => document.getElementById('trend-chart').data"
        ".filter(t => t.name === 'Inspections')[0].customdata.map(c => c[0])"
    )
    assert "Fifth monitoring visit" in names

    page.get_by_role("link", name="Fifth monitoring visit", exact=True).click()
    page.wait_for_url("**/inspections/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Fifth monitoring visit"
    assert "Peter McEntee" in page.content()
