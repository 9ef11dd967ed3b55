"""The tour: the first minutes of each role (member, officer, commissioner) on
the seed data exactly as `make run` loads it (`manage.py demo_setup`). Each
walk asserts what the person reads — the seeds' own numbers and sentences,
charts in the KPI's unit, every question on the page true, no Missing month
outside the held span, the annual report's counts — and that reading wrote
no row. Screenshots land in $TOUR_SHOTS when it is set (not committed): look
at them after changing a page.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kpis.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Logging in writes these (the session, django-axes' access log); reading
# writes nothing else.
LOG_IN_TABLES = {"django_session", "axes_accesslog", "axes_accessattempt", "axes_accessfailurelog"}


def table_counts() -> dict[str, int]:
    """Rows in every table of the app but those that logging in writes."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table in LOG_IN_TABLES:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def demo(db):
    call_command("demo_setup", verbosity=0)


def _walker(page, live_server):
    """Log in as a demo account, then open pages (and shoot them if asked)."""

    def log_in(username):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")

    def go(path, shot):
        page.goto(f"{live_server.url}{path}")
        if shots := os.environ.get("TOUR_SHOTS"):
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{shots}/{shot}.png", full_page=True)
        return page.locator("main").inner_text()

    go.log_in = log_in
    return go


@pytest.fixture
def visit(page, live_server, demo):
    return _walker(page, live_server)


def _words(locator) -> str:
    return " ".join(locator.inner_text().split())


SANDWELL_QUESTIONS = [
    # Sandwell's Appendix 1: PI1 75.4 % (Nov-18) → 66.6 % (Dec-18), Better: High;
    # the January 2019 monitoring visit's strength is linked to PI1.
    "PI1 worsened from 75.4% in Nov 2018 to 66.6% in Dec 2018 (higher is better), in an area "
    "where Ofsted's Third monitoring visit (January 2019) found a strength: “Responses to "
    "contacts and referrals are timely.” Is that strength holding?",
    # PI2 69.2 per 10,000 (Dec-18) against the statistical neighbours' 57.9, Better: Low.
    "PI2 is worse than statistical neighbours (2018) by 11.3 per 10,000. Why does the trust do "
    "worse than similar councils here?",
    # PI8 69.9 → 69.6 → 58.4 → 44.3 % (Sep–Dec 18), Better: High: the trust's own
    # report highlights it.
    "PI8 has worsened in each of the last 3 months: 69.9% in Sep 2018, 69.6% in Oct 2018, "
    "58.4% in Nov 2018 and 44.3% in Dec 2018 (higher is better). What lies behind this, and "
    "what is being done?",
    # PI13 28.8 % against the statistical neighbours' 20 %, Better: Low.
    "PI13 is worse than statistical neighbours (2018) by 8.8 points. Why does the trust do "
    "worse than similar councils here?",
]


def test_a_member_reads_both_trusts_as_their_papers_print_them(visit, page):
    visit.log_in("member")
    before = table_counts()

    home = visit("/", "member-home")
    assert "15 KPIs · latest month with data: Oct 2018" in home
    assert "15 KPIs · latest month with data: Dec 2018" in home

    # Birmingham: the cover paper's Oct 2018 column, rated as the paper rates it.
    birmingham = visit("/o/birmingham/", "member-birmingham")
    assert "Contract KPIs for Oct 2018" in birmingham
    assert _words(page.locator(".rag-counts").first) == "Red 0 Amber 3 Green 12 Other 0"
    assert _words(page.locator("tr[data-kpi='KPI2'] td[data-label='Status']")) == (
        "Amber Lower is better"
    )
    assert _words(page.locator("tr[data-kpi='KPI13'] td[data-label='Status']")) == (
        "Green Lower is better"
    )
    assert "overdue" not in birmingham.lower()
    assert "Questions for this meeting" not in birmingham  # nothing in Oct 2018 warrants one

    # Sandwell: Appendix 1's Dec 2018, no targets agreed, and the questions it warrants.
    sandwell = visit("/o/sandwell/", "member-sandwell")
    assert "Return: Accepted" in sandwell
    assert _words(page.locator(".rag-counts").first) == "Red 0 Amber 0 Green 0 Other 15"
    questions = [_words(q.locator(".question-text")) for q in page.locator(".questions li").all()]
    assert questions == SANDWELL_QUESTIONS
    assert "overdue" not in sandwell.lower()
    months = page.locator("#id_period option").all_inner_texts()
    assert months[1:] == [f"{m} 2018" for m in ["Dec", "Nov", "Oct", "Sep", "Aug", "Jul",
                                                 "Jun", "May", "Apr", "Mar", "Feb", "Jan"]]  # fmt: skip
    assert page.locator("tr[data-kpi='PI13'] td").last.inner_text().strip() == (
        "Worse than England (2018: 16.5%)"
    )

    # The question's figures are the KPI page's readings.
    visit("/o/sandwell/kpi/PI8/", "member-sandwell-pi8")
    rows = page.locator(".readings-table tbody tr")
    assert [_words(rows.nth(i).locator("td").first) for i in range(4)] == [
        "44.3%", "58.4%", "69.6%", "69.9%"
    ]  # fmt: skip
    assert [_words(rows.nth(i).locator("td[data-label='vs last month']")) for i in range(3)] == [
        "▼ Worsening"
    ] * 3

    # SPC in the KPI's unit: percentages within 0–100, not ten-thousandths.
    text = visit("/o/sandwell/kpi/PI1/?view=spc", "member-sandwell-pi1-spc")
    assert "Fewer than 15 readings (12)" in text
    page.locator("#trend-chart .main-svg").first.wait_for()
    ticks = [t for t in page.locator("#trend-chart .ytick text").all_text_contents() if t]
    assert ticks and all(float(t.replace(",", "")) <= 100 for t in ticks), ticks
    assert "Responses to contacts and referrals are timely." in text

    # PI13's page: the footnote Appendix 1 prints under its table, and DfE's figures.
    pi13 = visit("/o/sandwell/kpi/PI13/", "member-sandwell-pi13")
    assert (
        "** PI 13 PLEASE NOTE ESTABLISHMENT WAS INCREASED IN FEBRUARY 2018 TO 220 STAFF FROM 184"
    ) in pi13
    panel = page.locator(".national-panel")
    # DfE's CSWW file, 2025: Sandwell 8.7%, England 14.2%, West Midlands 14%,
    # the 2025 model's ten neighbours 15.3%, 42nd of 149, quartile B.
    assert _words(panel.locator("tbody tr").first) == (
        "2025 8.7% 14.2% 14% 15.3% (10 of 10) 42 of 149 B (second quarter)"
    )
    assert panel.locator("tbody tr").count() == 9

    report = visit("/o/sandwell/report/2018-12/", "member-sandwell-report")
    assert (
        "The return for Dec 2018 was made before the app and published in Sandwell's scrutiny "
        "report of March 2019, Appendix 1 (Performance Dataset, Jan-19); it is accepted."
    ) in report
    assert "Provisional" not in report and "do not see these figures" not in report
    # Every Schedule 6 section filled from what the Trust recorded (seeds/003, Appendix 3).
    assert "holds no" not in report and "does not record" not in report
    assert "Performance Summary Quarter Three 2018-19" in report
    assert "One Team Manager (Team 8) was off sick during the month of December." in report
    assert "The Trust reports: “There are no action plans.”" in report
    assert "The Trust reports: “There have been no surveys carried out since 1st April 2018.”" in (
        report
    )
    assert "HMI Probation inspection of the Youth Offending Service" in report

    # The annual report's own counts beside the app's (004: KPI1 10/12, KPI2 9/12, KPI5 10/12).
    visit("/o/birmingham/compliance/2018/", "member-birmingham-compliance")
    kpi1 = page.locator("tr[data-kpi='KPI1']")
    assert kpi1.locator(".compliance-app").inner_text() == "1/1 — 100%"
    assert kpi1.locator(".compliance-reported").inner_text() == "10/12 — 83%"
    assert kpi1.locator(".compliance-why").inner_text() == (
        "The app holds readings for 1 of the 12 months (Oct 2018); the report counts 12."
    )
    assert page.locator(".compliance-reported").all_inner_texts() == (
        ["10/12 — 83%", "9/12 — 75%"] + ["12/12 — 100%"] * 2 + ["10/12 — 83%"]
        + ["12/12 — 100%"] * 10
    )  # fmt: skip
    assert page.locator(".chip-missing").count() == 0
    # The annual report: the trust's own counts (seed 004) beside the app's, and its words.
    annual = " ".join(
        visit("/o/birmingham/annual-report/2018/", "member-birmingham-annual").split()
    )
    assert (
        "As the trust reported, 12 of 15 KPIs met target or were within tolerance for all 12 months."
    ) in annual
    assert (
        "By the readings the app holds, 15 of 15 KPIs met target or were within tolerance in "
        "every month rated in 2018/19."
    ) in annual
    assert "Assessments continue to be completed in a very timely way, consistently exceeding " \
        "the target." in annual  # fmt: skip
    # The scrutiny pack for Oct 2018: the cover paper's three Ambers, each with its chart.
    pack = " ".join(visit("/o/birmingham/scrutiny-pack/2018-10/", "member-birmingham-pack").split())
    assert "Of 15 KPIs: Red 0 · Amber 3 · Green 12 · Other 0" in pack
    assert [_words(h) for h in page.locator(".pack-kpi h3").all()] == [
        "KPI2 % of re-referrals to children's social care within 12 months: Amber at 24% "
        "(Lower is better)",
        "KPI12 % established social worker posts (including team managers) filled by agency / "
        "interim staff: Amber at 14% (Lower is better)",
        "KPI14 Average caseload of qualified social workers: Amber at 16 (Lower is better)",
    ]
    page.locator(".pack-kpi .trend-chart .main-svg").first.wait_for()
    # Charted in the KPI's unit: KPI2's percentages within 0–100.
    ticks = page.locator(".pack-kpi[data-kpi='KPI2'] .ytick text").all_text_contents()
    assert ticks and all(0 <= float(t.replace(",", "")) <= 100 for t in ticks if t), ticks
    assert "No Ofsted finding is linked to KPI2." in pack

    sandwell = visit("/o/sandwell/compliance/2018/", "member-sandwell-compliance")
    assert "The app holds no count reported by Sandwell Children's Trust itself" in sandwell
    assert page.locator(".chip-missing").count() == 0  # PI9's title says "Missing children"
    assert page.locator("tr[data-kpi='PI1'] td").nth(9).inner_text() == "Not held"  # Jan 2019

    # Ofsted: the ILACS's six areas for improvement, and the neighbours' judgements.
    visit("/o/birmingham/inspections/50/", "member-birmingham-ilacs-2018")
    assert _words(page.locator("#group-area_for_improvement")) == "What needs to improve (6)"
    kpi10 = visit("/o/birmingham/kpi/KPI10/", "member-birmingham-kpi10")
    assert "Robust and timely focus on all permanence options for children" in kpi10
    inspections = visit("/o/birmingham/inspections/", "member-birmingham-inspections")
    assert (
        "Of Birmingham's 10 statistical neighbours, 7 are judged Good overall at their latest "
        "ILACS inspection, 1 Requires improvement to be good and 2 Inadequate."
    ) in inspections

    assert table_counts() == before


def test_an_officer_reads_then_enters_a_month_members_see_once_submitted(
    visit, page, browser, live_server
):
    visit.log_in("officer-sandwell")
    before = table_counts()
    text = visit("/o/sandwell/returns/", "officer-sandwell-returns")
    rows = page.locator("table tbody tr")
    assert rows.count() == 12 and rows.first.inner_text().startswith("Dec 2018")
    assert "Months 1–12 of 12" in text
    # (The state filter offers "Overdue"; no month is.)
    assert "Overdue" not in page.locator("table").inner_text()
    december = visit("/o/sandwell/returns/2018-12/", "officer-sandwell-return-2018-12")
    assert "State: Accepted" in december
    assert "Save draft" not in december  # accepted: locked
    assert table_counts() == before

    # January 2019 comes in: the officer starts it from the list, saves a draft.
    visit("/o/sandwell/returns/", "officer-sandwell-returns-again")
    page.get_by_role("link", name="Start the return for January 2019").click()
    page.wait_for_url("**/o/sandwell/returns/2019-01/")
    page.get_by_label("PI1 value").fill("70")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    dashboard = visit("/o/sandwell/", "officer-sandwell-draft")
    assert "Contract KPIs for Jan 2019" in dashboard
    assert "Not submitted, so scrutiny members do not see these figures yet." in dashboard

    # A member, meanwhile, still reads December.
    member_page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    member = _walker(member_page, live_server)
    member.log_in("member")
    assert "Contract KPIs for Dec 2018" in member("/o/sandwell/", "member-sandwell-during-draft")

    visit("/o/sandwell/returns/2019-01/", "officer-sandwell-return-2019-01-draft")
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_text("Return submitted to the commissioners.").wait_for()
    seen = member("/o/sandwell/", "member-sandwell-provisional")
    assert "Contract KPIs for Jan 2019" in seen
    assert (
        "Provisional: submitted by the trust, not yet accepted by the commissioners; the figures "
        "may change."
    ) in seen
    assert "70%" in _words(member_page.locator("tr[data-kpi='PI1']"))
    member_page.context.close()


def test_a_commissioner_reads_the_months_held_and_one_that_is_not(visit, page):
    visit.log_in("commissioner")
    before = table_counts()
    home = visit("/", "commissioner-home")
    assert "Birmingham Children's Trust" in home and "Sandwell Children's Trust" in home

    report = visit("/o/birmingham/report/2018-10/", "commissioner-birmingham-report")
    assert (
        "The return for Oct 2018 was made before the app and published in Birmingham's scrutiny "
        "paper"
    ) in report
    assert "overdue" not in report.lower()

    text = visit("/o/birmingham/report/2023-05/", "commissioner-birmingham-report-2023-05")
    assert (
        "Birmingham Children's Trust has returns in the app for Oct 2018 only: May 2023 is not held."
    ) in text
    assert "Return: Not held" in text and "Not started" not in text
    assert "Ofsted action plan" in text

    returns = visit("/o/birmingham/returns/", "commissioner-birmingham-returns")
    assert page.locator("table tbody tr").count() == 1
    assert "Overdue" not in page.locator("table").inner_text()
    assert "Months 1–1 of 1" in returns
    october = visit("/o/birmingham/returns/2018-10/", "commissioner-birmingham-return")
    # Accepted before the app: the commissioner may reopen it, with a reason.
    assert page.get_by_role("button", name="Reopen").is_visible()

    visit("/o/birmingham/targets/2018/", "commissioner-birmingham-targets")
    assert page.locator("#id_target_" + _kpi_pk("birmingham", "KPI2")).input_value() == "21"
    assert "State: Accepted" in october
    assert table_counts() == before


def _kpi_pk(slug, code) -> str:
    from kpis.models import KPI

    return str(KPI.objects.get(organisation__slug=slug, code=code).pk)
