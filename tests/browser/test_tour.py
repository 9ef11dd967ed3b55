"""The tour: each role reads the seed data exactly as `make run` loads it
(`manage.py demo_setup`), and the numbers and sentences on the page are the
seeds' own. Screenshots land in $TOUR_SHOTS when it is set (not committed).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from kpis.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("demo_setup", verbosity=0)


@pytest.fixture
def visit(page, live_server, demo):
    """Log in as a demo account, then open pages (and shoot them if asked)."""

    def log_in(username):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    def go(path, shot=None):
        page.goto(f"{live_server.url}{path}")
        if shots := os.environ.get("TOUR_SHOTS"):
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{shot or path.strip('/').replace('/', '_')}.png",
                            full_page=True)  # fmt: skip
        return page.locator("main").inner_text()

    go.log_in = log_in
    return go


def test_a_member_reads_both_trusts_as_their_papers_print_them(visit, page):
    visit.log_in("member")
    home = visit("/", "member-home")
    assert "15 KPIs · latest month with data: Oct 2018" in home
    assert "15 KPIs · latest month with data: Dec 2018" in home

    birmingham = visit("/o/birmingham/", "member-birmingham")
    assert "Contract KPIs for Oct 2018" in birmingham
    counts = " ".join(page.locator(".rag-counts").first.inner_text().split())
    assert counts == "Red 0 Amber 3 Green 12 Other 0"
    assert page.locator("tr[data-kpi='KPI2'] .chip").inner_text() == "Amber"
    assert "overdue" not in birmingham.lower()

    sandwell = visit("/o/sandwell/", "member-sandwell")
    assert "Return: Accepted" in sandwell
    assert (
        "PI2 is worse than statistical neighbours (2018) by 11.3 per 10,000. Why does the trust "
        "do worse than similar councils here?"
    ) in sandwell
    assert "PI13 is worse than statistical neighbours (2018) by 8.8 points." in sandwell
    # The fall the trust's own report highlights (003_…txt), each month cited.
    assert (
        "PI8 has worsened in each of the last 3 months: 69.9% in Sep 2018, 69.6% in Oct 2018, "
        "58.4% in Nov 2018 and 44.3% in Dec 2018 (higher is better)."
    ) in sandwell
    assert "overdue" not in sandwell.lower()
    months = page.locator("#id_period option").all_inner_texts()
    assert months[1:] == [f"{m} 2018" for m in ["Dec", "Nov", "Oct", "Sep", "Aug", "Jul",
                                                 "Jun", "May", "Apr", "Mar", "Feb", "Jan"]]  # fmt: skip


def test_a_member_reads_an_spc_chart_in_the_kpis_unit(visit, page):
    visit.log_in("member")
    text = visit("/o/sandwell/kpi/PI1/?view=spc", "member-sandwell-pi1-spc")
    assert "Fewer than 15 readings (12)" in text
    page.locator("#trend-chart .main-svg").first.wait_for()
    ticks = [t for t in page.locator("#trend-chart .ytick text").all_text_contents() if t]
    # Percentages: the axis runs within 0–100, not to 800k.
    assert ticks and all(float(t.replace(",", "")) <= 100 for t in ticks), ticks


def test_a_member_reads_the_report_of_a_published_month(visit):
    visit.log_in("member")
    text = visit("/o/sandwell/report/2018-12/", "member-sandwell-report")
    assert (
        "The return for Dec 2018 was made before the app and published in Sandwell's scrutiny "
        "report of March 2019, Appendix 1 (Performance Dataset, Jan-19); it is accepted."
    ) in text


def test_an_officer_sees_only_the_months_the_app_holds(visit, page):
    visit.log_in("officer-sandwell")
    text = visit("/o/sandwell/returns/", "officer-sandwell-returns")
    rows = page.locator("table tbody tr")
    assert rows.count() == 12
    # (The state filter offers "Overdue"; no month is.)
    assert "Overdue" not in page.locator("table").inner_text()
    assert "Months 1–12 of 12" in text
    assert rows.first.inner_text().startswith("Dec 2018")


def test_a_commissioner_reads_a_month_the_app_does_not_hold(visit):
    visit.log_in("commissioner")
    text = visit("/o/birmingham/report/2023-05/", "commissioner-birmingham-report-2023-05")
    assert (
        "Birmingham Children's Trust has returns in the app for Oct 2018 only: "
        "May 2023 is not held."
    ) in text
    assert "Return: Not held" in text and "Not started" not in text
    assert "Ofsted action plan" in text


def test_a_member_reads_the_national_figures_beside_a_kpi(visit, page):
    visit.log_in("member")
    visit("/o/sandwell/", "member-sandwell-vs-national")
    assert page.locator("tr[data-kpi='PI13'] td").last.inner_text().strip() == (
        "Worse than England (2018: 16.5%)"
    )
    visit("/o/sandwell/kpi/PI13/", "member-sandwell-pi13-national")
    panel = page.locator(".national-panel")
    latest = " ".join(panel.locator("tbody tr").first.inner_text().split())
    # DfE's CSWW file, 2025: Sandwell 8.7%, England 14.2%, West Midlands 14%,
    # the 2025 model's ten neighbours 15.3%, 42nd of 149, quartile B.
    assert latest == "2025 8.7% 14.2% 14% 15.3% (10 of 10) 42 of 149 B (second quarter)"
    assert panel.locator("tbody tr").count() == 9


def test_a_member_reads_ofsted_judgements_beside_the_neighbours(visit, page):
    visit.log_in("member")
    text = visit("/o/birmingham/inspections/", "member-birmingham-ilacs")
    assert (
        "Of Birmingham's 10 statistical neighbours, 7 are judged Good overall at their latest "
        "ILACS inspection, 1 Requires improvement to be good and 2 Inadequate."
    ) in text
    assert "ILACS Standard Inspection, 20 February 2023" in text
    assert "ILACS Standard Inspection, 3 December 2018" in text


def test_a_member_reads_the_annual_reports_counts_beside_the_apps(visit, page):
    visit.log_in("member")
    text = visit("/o/birmingham/compliance/2018/", "member-birmingham-compliance")
    assert "Reported by the trust: the trust's own count for the 12 months to 31 March 2019" in text
    kpi1 = page.locator("tr[data-kpi='KPI1']")
    assert kpi1.locator(".compliance-app").inner_text() == "1/1 — 100%"
    assert kpi1.locator(".compliance-reported").inner_text() == "10/12 — 83%"
    assert kpi1.locator(".compliance-why").inner_text() == (
        "The app holds readings for 1 of the 12 months (Oct 2018); the report counts 12."
    )
    reported = page.locator(".compliance-reported").all_inner_texts()
    assert (
        reported
        == ["10/12 — 83%", "9/12 — 75%"]
        + ["12/12 — 100%"] * 2
        + ["10/12 — 83%"]
        + ["12/12 — 100%"] * 10
    )
    assert page.locator(".chip-missing").count() == 0

    sandwell = visit("/o/sandwell/compliance/2018/", "member-sandwell-compliance")
    assert "Reported by the trust" not in sandwell and "Annual Report" not in sandwell
    assert "The app holds no count reported by Sandwell Children's Trust itself" in sandwell
    assert page.locator(".chip-missing").count() == 0  # PI9's title says "Missing children"
    assert page.locator("tr[data-kpi='PI1'] td").nth(9).inner_text() == "Not held"  # Jan 2019


def test_a_member_reads_the_ilacs_areas_for_improvement(visit, page):
    visit.log_in("member")
    visit("/o/birmingham/inspections/50/", "member-birmingham-ilacs-2018")
    group = page.locator("#group-area_for_improvement")
    assert " ".join(group.inner_text().split()) == "What needs to improve (6)"
    kpi10 = visit("/o/birmingham/kpi/KPI10/", "member-birmingham-kpi10")
    assert "Robust and timely focus on all permanence options for children" in kpi10
