"""The monthly report filled from what the Trust records (schedule6): the
Sandwell December 2018 report has a section for everything, in the seed's
words, and says nothing the app does not hold; Birmingham's still says
truthfully what it lacks."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import BRAG, Action, ActionUpdate
from kpis.models import KPI, Organisation, Reading
from kpis.status_cache import status_version_bump
from reports import selectors
from schedule6.models import FailureRule, FailureRuleKind
from tests.fast_fixtures import load_fixtures

HOLDS_NOTHING = re.compile(r"holds no|does not record|does not yet record", re.I)


@pytest.fixture
def world(seeds):
    load_fixtures("inspections_letters", "inspections_plans", "schedule6_sandwell")
    return seeds


def _get(client, user, slug, period, **params):
    client.force_login(user)
    return client.get(reverse("monthly_report", args=[slug, period]), params)


def _text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_sandwell_december_2018_has_no_section_saying_the_app_holds_nothing(client, member, world):
    response = _get(client, member, "sandwell", "2018-12")
    html = _text(response)
    assert not HOLDS_NOTHING.search(html), HOLDS_NOTHING.search(html).group(0)
    sections = response.context["sections"]
    for key in ("summary", "indicators", "audits", "surveys", "inspections"):
        assert sections[key].empty == "", key
    assert "(no data)" not in html


def test_the_summary_analysis_is_shown_with_its_markup(client, member, world):
    html = _text(_get(client, member, "sandwell", "2018-12"))
    assert '<h3 class="h6 mb-1">Performance Summary Quarter Three 2018-19</h3>' in html
    assert (
        "<strong>The trend in Quarter 3 is a downward trajectory from 73.5% to 66.6%.</strong>"
        in html
    )
    assert "<li>Looking at ways to streamline the process and system to prevent bottlenecks" in html
    assert selectors.NO_NARRATIVE not in html


def test_each_pis_commentary_is_in_the_kpi_table(client, member, world):
    response = _get(client, member, "sandwell", "2018-12")
    pi8 = next(i for i in response.context["report"].indicators if i.row.kpi.code == "PI8")
    assert "One Team Manager (Team 8) was off sick" in pi8.commentary
    assert "<li>One Team Manager (Team 8) was off sick during the month of December." in _text(
        response
    )


def test_failures_say_no_target_was_agreed_and_quote_the_trust(client, member, world):
    response = _get(client, member, "sandwell", "2018-12")
    html = _text(response)
    assert response.context["sections"]["failures"].empty == selectors.NOT_AGREED.format(
        month="Dec 2018", year="2018/19"
    )
    assert (
        "No performance failure can be identified for Dec 2018: the KPIs' targets for 2018/19 "
        "have not yet been agreed, so no KPI had a target to fail." in html
    )
    assert (
        "The Trust reports: “There has been no performance failure within this service period "
        "as the contract KPI's have not yet been agreed.”" in html
    )
    assert (
        "No definition of a Performance Failure has been entered for the contract year 2018/19"
        in html
    )


def test_action_and_rectification_plans_quote_the_trust(client, member, world):
    sections = _get(client, member, "sandwell", "2018-12").context["sections"]
    assert sections["action_plans"].empty == "The Trust reports: “There are no action plans.”"
    assert (
        sections["rectification_plans"].empty
        == "The Trust reports: “There are no rectification plans.”"
    )


def test_audits_show_counts_percentages_themes_and_findings(client, member, world):
    response = _get(client, member, "sandwell", "2018-12")
    report = response.context["report"]
    spans = [(s.period_from, s.period) for s in report.audits.spans]
    assert spans == [
        (dt.date(2018, 12, 1), dt.date(2018, 12, 1)),
        (dt.date(2018, 10, 1), dt.date(2018, 12, 1)),
    ]
    html = _text(response)
    # December: 47 of 55 (85.5%); Good 6 printed 12.7% though 6/47 is 12.8%.
    assert re.search(
        r'<td class="text-end">55</td>\s*<td class="text-end text-nowrap">47 \(85.5%\)</td>', html
    )
    assert "6 (12.7%*)" in html
    assert "Good: 12.7% as the Trust's report prints it; 12.8% worked out from the counts." in html
    assert "Moderations, Completed: 96.8% as the Trust's report prints it; 96.9% worked out" in html
    assert "Overall audit activity: Child in Need Planning." in html
    assert "Adoption - IFA and VAA audits: Partnership working with IFA and VAA" in html
    assert "Child in Need Plans: What we need to improve" in html
    # October's theme is October's report's, not December's.
    assert "Thresholds at the front door, Step-Up and Step-Down." not in html
    october = _text(_get(client, member, "sandwell", "2018-10"))
    assert "Thresholds at the front door, Step-Up and Step-Down." in october
    assert "Audits: 1 of the 53 completed has no grade in the Trust's table." in october


def test_surveys_record_that_none_was_carried_out(client, member, world):
    html = _text(_get(client, member, "sandwell", "2018-12"))
    assert (
        "The Trust reports: “There have been no surveys carried out since 1st April 2018.”" in html
    )


def test_inspections_include_the_youth_offending_service(client, member, world):
    response = _get(client, member, "sandwell", "2018-12")
    report = response.context["report"]
    titles = [line.inspection.title for line in report.inspections]
    assert "HMI Probation inspection of the Youth Offending Service" in titles
    assert report.named_inspections_note == (
        "No adoption or fostering inspection and no Direction from the Secretary of State is "
        "recorded for Sandwell Children's Trust between 1 Apr 2018 and 31 Dec 2018."
    )
    assert "Judgement: " in _text(response) and "Good" in _text(response)


def test_birmingham_still_says_what_it_lacks(client, member, world):
    response = _get(client, member, "birmingham", "2018-10")
    sections = response.context["sections"]
    name = "Birmingham Children's Trust"
    assert sections["audits"].empty == selectors.NO_AUDITS.format(
        organisation=name, month="Oct 2018"
    )
    assert sections["surveys"].empty == selectors.NO_SURVEYS.format(
        organisation=name, month="Oct 2018"
    )
    assert sections["action_plans"].empty == selectors.NO_ACTION_PLANS.format(
        organisation=name, end="31 Oct 2018"
    )
    html = _text(response)
    assert selectors.NO_NARRATIVE in html
    assert (
        "No definition of a Performance Failure has been entered for the contract year 2018/19"
        in html
    )
    assert (
        "No youth justice inspection, no adoption or fostering inspection and no Direction" in html
    )


def test_a_month_all_awaiting_does_not_say_no_target_was_in_force(client, commissioner, world):
    # Birmingham's Nov 2018: targets in force (from 2018-04), no readings, the
    # return not yet due on 10 Dec 2018.
    Organisation.objects.filter(pk=world["birmingham"].pk).update(held_until=None)
    world["birmingham"].refresh_from_db()
    report = selectors.monthly_report(
        organisation=world["birmingham"], period=dt.date(2018, 11, 1),
        drafts=True, today=dt.date(2018, 12, 10),
    )  # fmt: skip
    assert {line.row.status for line in report.indicators} == {"awaiting"}
    assert report.sections["failures"].empty == selectors.ALL_AWAITING.format(
        month="Nov 2018", due="17 Dec 2018"
    )
    assert "No KPI had a target in force" not in report.sections["failures"].empty


def test_a_rule_of_consecutive_months_decides_failures(client, member, world):
    birmingham = world["birmingham"]
    kpi2 = KPI.objects.get(organisation=birmingham, code="KPI2")
    Reading.objects.filter(kpi=kpi2).update(value=Decimal("24.1"))  # Red
    FailureRule.objects.create(
        organisation=birmingham, contract_year=2018, kind=FailureRuleKind.CONSECUTIVE, months=2
    )
    report = _get(client, member, "birmingham", "2018-10").context["report"]
    assert report.failures == []  # one Red month is not two
    assert report.sections["failures"].empty == (
        "No KPI was a KPI rated Red or Missing for 2 consecutive months for Oct 2018, so no "
        "Performance Failure arose."
    )
    FailureRule.objects.update(months=1)
    report = _get(client, member, "birmingham", "2018-10").context["report"]
    assert [i.row.kpi.code for i in report.failures] == ["KPI2"]


def test_a_margin_rule_reads_the_distance_past_the_tolerance(client, member, world):
    birmingham = world["birmingham"]
    kpi2 = KPI.objects.get(organisation=birmingham, code="KPI2")  # lower is better, 17–24
    Reading.objects.filter(kpi=kpi2).update(value=Decimal("25"))
    FailureRule.objects.create(
        organisation=birmingham, contract_year=2018, kind=FailureRuleKind.MARGIN,
        margin=Decimal("1"),
    )  # fmt: skip
    assert _get(client, member, "birmingham", "2018-10").context["report"].failures == []
    Reading.objects.filter(kpi=kpi2).update(value=Decimal("25.1"))
    # update() sends no signal: the cached ratings move on by hand, as the services' own
    # bulk writes do (kpis.status_cache).
    status_version_bump(organisation_id=birmingham.pk)
    report = _get(client, member, "birmingham", "2018-10").context["report"]
    assert [i.row.kpi.code for i in report.failures] == ["KPI2"]
    assert "Red more than 1 beyond its tolerance bound" in report.failure_note


def test_brag_is_as_at_the_month_end_not_as_now(client, member, world):
    report = _get(client, member, "birmingham", "2023-05").context["report"]
    [plan] = report.action_plans
    # The seed's updates give no status: every action shows the one recorded now.
    assert not any(r.from_history for r in plan.rows)
    assert "88 actions with no dated status update show the status recorded now." in (
        report.status_note
    )
    action = plan.rows[0].action
    ActionUpdate.objects.create(
        action=action, dated=dt.date(2023, 5, 10), text="TEST slipping", status=BRAG.AMBER
    )
    # A later update makes it Blue today; May 2023's report keeps its status then.
    ActionUpdate.objects.create(
        action=action, dated=dt.date(2023, 9, 1), text="TEST done", status=BRAG.BLUE
    )
    Action.objects.filter(pk=action.pk).update(status=BRAG.BLUE)
    response = _get(client, member, "birmingham", "2023-05")
    [plan] = response.context["report"].action_plans
    row = next(r for r in plan.rows if r.action.pk == action.pk)
    assert (row.status, row.from_history) == (BRAG.AMBER, True)
    assert dict(plan.counts)[BRAG.BLUE] == 0
    april = response.context["report"]
    assert "87 actions with no dated status update" in april.status_note
    # Before its first dated status, it was not yet rated.
    march = _get(client, member, "birmingham", "2023-04").context["report"]
    [plan] = march.action_plans
    assert next(r for r in plan.rows if r.action.pk == action.pk).status == BRAG.NOT_RATED


@pytest.mark.parametrize(("slug", "period"), [("birmingham", "2018-10"), ("sandwell", "2018-12")])
def test_its_query_count_is_constant_with_the_records(
    client, member, world, django_assert_max_num_queries, slug, period
):
    client.force_login(member)
    with django_assert_max_num_queries(26):
        response = client.get(reverse("monthly_report", args=[slug, period]))
    assert response.status_code == 200


def test_the_xlsx_carries_the_new_sections(client, member, world):
    import io

    from openpyxl import load_workbook

    response = _get(client, member, "sandwell", "2018-12", format="xlsx")
    book = load_workbook(io.BytesIO(response.content))
    summary = book["Summary analysis"]
    assert summary["A2"].value == "Performance Summary Quarter Three 2018-19"
    assert "The trend in Quarter 3 is a downward trajectory" in summary["B2"].value
    assert "**The trend" not in summary["B2"].value  # markup out; PI14's own "**" mark kept
    audits = [[c.value for c in row] for row in book["Audits"].iter_rows(min_row=2)]
    assert audits[0][:9] == [
        "2018-12", "2018-12", "Quality Assurance Children's Audit Activity", "Audits",
        55, 47, 85.5, 6, 12.7,
    ]  # fmt: skip
    assert "Good 12.7% as the Trust printed it; 12.8% from the counts" in audits[0][-1]
    assert len(audits) == 4  # December's two rows and the quarter's two
    assert book["Audit findings"].max_row == 1 + 10  # Q3's seven and December's three
    assert book["Surveys"]["C2"].value == (
        "There have been no surveys carried out since 1st April 2018."
    )
    contents = [[c.value for c in row] for row in book["Report 2018-12"].iter_rows(min_row=2)]
    failures = next(row for row in contents if row and row[0] == "4.2.3")
    assert "contract KPI's have not yet been agreed" in failures[2]


def test_a_rectification_plan_is_shown_with_its_kpis_chart(client, member, world):
    import json

    from inspections.models import ActionPlan, PlanKind

    kpi2 = KPI.objects.get(organisation=world["birmingham"], code="KPI2")
    plan = ActionPlan.objects.create(
        organisation=world["birmingham"], kind=PlanKind.RECTIFICATION, kpi=kpi2,
        title="TEST KPI2 rectification plan", dated=dt.date(2018, 10, 1),
    )  # fmt: skip
    Action.objects.create(plan=plan, number="1", text="TEST action", lead="AB")
    response = _get(client, member, "birmingham", "2018-10")
    html = response.content.decode()
    [(progress, chart)] = response.context["rectification_charts"]
    assert progress.plan == plan and chart["id"] == f"rect-figure-{plan.pk}"
    figure = json.loads(
        re.search(rf'<script id="rect-figure-{plan.pk}" type="application/json">(.*?)</script>',
                  html, re.S).group(1)
    )  # fmt: skip
    assert figure["data"] and figure["layout"]
    assert f'data-figure="rect-figure-{plan.pk}"' in html
    assert "KPI2 month by month to Oct 2018, the KPI this plan rectifies" in html
    assert "/static/js/trend-chart.js" in html
