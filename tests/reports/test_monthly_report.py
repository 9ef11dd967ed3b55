import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inspections.models import ActionPlan, PlanKind
from kpis.models import KPI, MonthlyReturn, Organisation, Reading, ReturnState
from reports import selectors
from tests.fast_fixtures import load_fixtures
from tests.publication import accept_months

SECTION_NUMBERS = [f"4.2.{n}" for n in range(1, 9)]


@pytest.fixture
def inspections(seeds):
    load_fixtures("inspections_letters", "inspections_plans")
    return seeds


def _report(client, user, slug="birmingham", period="2018-10", **params):
    client.force_login(user)
    return client.get(reverse("monthly_report", args=[slug, period]), params)


def _line(response, code):
    return next(i for i in response.context["report"].indicators if i.row.kpi.code == code)


def _comment(code, text, slug="birmingham", period=dt.date(2018, 10, 1)):
    Reading.objects.filter(kpi__organisation__slug=slug, kpi__code=code, period=period).update(
        commentary=text
    )


def test_it_has_a_section_for_each_item_of_schedule_6(client, member, inspections):
    response = _report(client, member)
    assert response.status_code == 200
    html = response.content.decode()
    assert list(response.context["sections"]) == list(selectors.HEADINGS)
    for key, (number, heading) in selectors.HEADINGS.items():
        assert f'id="h-{key}"><span class="para">{number}</span> {heading}</h2>' in html.replace(
            "&#x27;", "'"
        )
    positions = [html.index(f'<span class="para">{number}</span>') for number in SECTION_NUMBERS]
    assert positions == sorted(positions)


def test_it_heads_each_printed_page_with_the_organisation_and_month(client, member, seeds):
    html = _report(client, member).content.decode()
    # Escaped for a CSS string: "Birmingham Children's Trust · Monthly …".
    assert '@top-left { content: "Birmingham\\000020Children\\000027s\\000020Trust' in html
    assert "Oct\\0000202018" in html
    assert '<link rel="stylesheet" href="/static/css/report-print.css">' in html


def test_it_rates_each_kpi_with_its_status_in_words(client, member, inspections):
    response = _report(client, member)
    kpi2 = _line(response, "KPI2")
    assert kpi2.row.status == "amber"
    assert kpi2.row.met_or_within_12m == "1/1"
    html = response.content.decode()
    assert '<tr class="status-amber" data-kpi="KPI2">' in html
    assert '<span class="chip chip-amber">Amber</span>' in html
    assert "17–24%" in html
    assert _line(response, "KPI10").row.status == "green"


def test_it_shows_the_commentary_from_the_return(client, member, inspections):
    _comment("KPI2", "Re-referrals rose after a review of closed cases.")
    response = _report(client, member)
    assert _line(response, "KPI2").commentary == "Re-referrals rose after a review of closed cases."
    assert "Re-referrals rose after a review of closed cases." in response.content.decode()


def test_it_leaves_another_months_commentary_out(client, member, inspections):
    _comment("PI1", "TEST November commentary", slug="sandwell", period=dt.date(2018, 11, 1))
    response = _report(client, member, "sandwell", "2018-12")
    assert "TEST November commentary" not in response.content.decode()


def test_it_lists_inspections_in_the_contract_year_to_date(client, member, inspections):
    report = _report(client, member).context["report"]
    titles = [line.inspection.title for line in report.inspections]
    assert titles[0] == "Fifth monitoring visit"  # 15 May 2018, oldest first
    assert {"Sixth monitoring visit", "Full inspection: Charles House"} <= set(titles)
    # The ILACS of December 2018 is after the month; nothing before April 2018.
    assert not any("ILACS" in t for t in titles)
    assert report.inspections_from == dt.date(2018, 4, 1)
    assert not any(line.in_month for line in report.inspections)


def test_it_marks_an_inspection_in_the_month(client, member, inspections):
    report = _report(client, member, period="2018-12").context["report"]
    in_month = [line.inspection.title for line in report.inspections if line.in_month]
    assert in_month == ["Full inspection of local authority children's services (ILACS)"]


def test_sections_without_data_say_so(client, member, inspections):
    response = _report(client, member, "sandwell", "2018-12")
    html = response.content.decode().replace("&#x27;", "'")
    sections = response.context["sections"]
    name = "Sandwell Children's Trust"
    expected = {
        # Sandwell's 2018/19 targets are "not yet agreed" (the seed's words).
        "failures": selectors.NOT_AGREED.format(month="Dec 2018", year="2018/19"),
        "action_plans": selectors.NO_ACTION_PLANS.format(organisation=name, end="31 Dec 2018"),
        "rectification_plans": selectors.NO_RECTIFICATION_PLANS.format(
            organisation=name, end="31 Dec 2018"
        ),
        "audits": selectors.NO_AUDITS.format(organisation=name, month="Dec 2018"),
        "surveys": selectors.NO_SURVEYS.format(organisation=name, month="Dec 2018"),
        "inspections": selectors.NO_INSPECTIONS.format(
            organisation=name, start="1 Apr 2018", end="31 Dec 2018"
        ),
    }
    for key, sentence in expected.items():
        assert sections[key].empty == sentence
        assert f'<p class="no-data">{sentence}</p>' in html
    assert sections["summary"].empty == sections["indicators"].empty == ""
    assert response.context["report"].named_inspections_note in html
    assert selectors.NO_NARRATIVE in html
    assert "No KPI's target for Dec 2018 has been agreed yet, so none is rated off target." in html


def test_it_says_why_there_are_no_spc_signals(client, member, inspections):
    response = _report(client, member, "sandwell", "2018-12")
    sentence = selectors.NO_SPC.format(minimum=15, month="Dec 2018", most=12)
    assert response.context["report"].spc_empty == sentence
    assert sentence in response.content.decode()


def test_it_shows_spc_signals_once_a_kpi_has_15_readings(client, member, inspections):
    pi1 = KPI.objects.get(organisation__slug="sandwell", code="PI1")
    Reading.objects.bulk_create(
        Reading(kpi=pi1, period=dt.date(2017, m, 1), value=Decimal(40)) for m in range(1, 13)
    )
    accept_months(pi1.organisation, [dt.date(2017, m, 1) for m in range(1, 13)])
    report = _report(client, member, "sandwell", "2018-12").context["report"]
    spc = next(i.spc for i in report.indicators if i.row.kpi.code == "PI1")
    assert spc.readings == 24
    assert spc.has_limits is True
    # Every 2018 reading is above the mean of 2017's 40s and 2018: a shift, read as
    # improvement for a higher-is-better KPI.
    assert spc.variation == "special_cause_improving"
    assert spc.signals and spc.signals[0].startswith("a shift")
    assert spc.assurance is None  # no target agreed in 2018/19
    assert report.spc_empty == ""
    assert (
        "Special cause: improving"
        in _report(client, member, "sandwell", "2018-12").content.decode()
    )


def test_it_lists_red_and_missing_kpis_as_failures(client, member, inspections):
    Reading.objects.filter(kpi__organisation__slug="birmingham", kpi__code="KPI2").update(
        value=Decimal("24.1")
    )
    _comment("KPI2", "Outside tolerance: audit under way.")
    report = _report(client, member).context["report"]
    assert [(i.row.kpi.code, i.row.status) for i in report.failures] == [("KPI2", "red")]
    assert report.sections["failures"].empty == ""


def test_it_says_when_no_kpi_failed(client, member, inspections):
    response = _report(client, member)  # Birmingham, Oct 2018: 3 Amber, 12 Green
    sentence = selectors.NO_FAILURES.format(month="Oct 2018")
    assert response.context["report"].failures == []
    assert response.context["sections"]["failures"].empty == sentence
    assert sentence in response.content.decode()


def test_it_reports_action_plan_progress_in_the_month(client, member, inspections):
    response = _report(client, member, period="2023-05")
    report = response.context["report"]
    [plan] = report.action_plans
    assert plan.plan.title == "Ofsted action plan"
    assert sum(count for _, count in plan.counts) == len(plan.rows) == 88
    # Timescale April 2023 had passed by 31 May 2023; May 2023's had not.
    assert {row.action.timescale for row in plan.overdue} == {dt.date(2023, 4, 1)}
    assert plan.updates and all(u.dated == dt.date(2023, 5, 15) for _, u in plan.updates)
    html = response.content.decode()
    assert "Progress updates dated in May 2023" in html
    assert f"{len(plan.overdue)} overdue</strong> at 31 May 2023" in html
    assert report.sections["rectification_plans"].empty


def test_it_leaves_out_plans_dated_after_the_month(client, member, inspections):
    report = _report(client, member).context["report"]
    assert report.action_plans == []
    assert report.sections["action_plans"].empty.startswith("The app holds no action plan")


def test_it_puts_rectification_plans_in_their_own_section(client, member, inspections):
    ActionPlan.objects.update(kind=PlanKind.RECTIFICATION)
    report = _report(client, member, period="2023-05").context["report"]
    assert report.action_plans == []
    assert [p.plan.title for p in report.rectification_plans] == ["Ofsted action plan"]


def test_it_says_the_return_was_not_started(client, commissioner, inspections, unreturned_seeds):
    report = _report(client, commissioner).context["report"]
    assert report.return_summary == (
        "The return for Oct 2018 has not been started (due by 17 Nov 2018: overdue). "
        "The app holds 15 of 15 readings for Oct 2018."
    )


def test_it_says_whether_the_return_was_on_time(client, member, inspections, unreturned_seeds):
    MonthlyReturn.objects.create(
        organisation=inspections["birmingham"],
        period=dt.date(2018, 10, 1),
        state=ReturnState.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime(2018, 11, 20, 10)),
    )
    response = _report(client, member)
    assert response.context["report"].return_summary.startswith(
        "The return for Oct 2018 was submitted on 20 Nov 2018, late (due by 17 Nov 2018)"
    )
    assert '<span class="chip chip-amber">Submitted late</span>' in response.content.decode()


def test_it_exports_the_kpi_table_as_csv_with_commentary_neutralised(client, member, inspections):
    _comment("KPI2", "=cmd|' /C calc'!A0")
    response = _report(client, member, format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="birmingham-monthly-report-2018-10.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 15
    kpi2 = next(r for r in rows if r["KPI"] == "KPI2")
    assert kpi2["Value"] == "24"
    assert kpi2["Status"] == "Amber"
    assert kpi2["Month"] == "2018-10"
    assert kpi2["Met or within, last 12 months"] == "1/1"
    assert kpi2["Commentary"] == "'=cmd|' /C calc'!A0"


def test_a_target_not_yet_agreed_is_said_in_the_csv_and_xlsx_as_on_the_page(client, member, seeds):
    # Sandwell's 2018/19 contract targets were not yet agreed (its March 2019 paper).
    page = _report(client, member, slug="sandwell", period="2018-12").content.decode()
    assert page.count("Target not yet agreed") >= 15
    response = _report(client, member, slug="sandwell", period="2018-12", format="csv")
    rows = {r["KPI"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert len(rows) == 15
    assert {r["Target"] for r in rows.values()} == {"Target not yet agreed"}
    assert rows["PI1"]["Tolerance lower"] == rows["PI1"]["Tolerance upper"] == ""
    response = _report(client, member, slug="sandwell", period="2018-12", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["KPIs"]
    headers = [cell.value for cell in sheet[1]]
    targets = {r[0].value: r[headers.index("Target")].value for r in sheet.iter_rows(min_row=2)}
    assert targets["PI1"] == "Target not yet agreed"
    # Birmingham's agreed targets stay numbers.
    response = _report(client, member, format="csv")
    kpi2 = next(
        r for r in csv.DictReader(io.StringIO(response.content.decode())) if r["KPI"] == "KPI2"
    )
    assert kpi2["Target"] == "21"


def test_it_exports_xlsx_with_header_fills_and_neutralised_text(client, member, inspections):
    _comment("KPI2", "=cmd")
    _comment("KPI1", "+SUM(1)")
    response = _report(client, member, format="xlsx")
    assert 'filename="birmingham-monthly-report-2018-10.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Report 2018-10", "Summary analysis", "KPIs", "Actions", "Audits", "Audit findings",
        "Surveys", "Inspections",
    ]  # fmt: skip
    sheet = workbook["KPIs"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "KPI" and "Status" in headers and headers[-1] == "Commentary"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    status, commentary = headers.index("Status"), headers.index("Commentary")
    kpi2 = rows["KPI2"]
    assert kpi2[status].value == "Amber"
    assert kpi2[status].fill.fgColor.rgb.endswith("FFDD00")
    assert rows["KPI10"][status].value == "Green"
    assert rows["KPI10"][status].fill.fgColor.rgb.endswith("00703C")
    assert kpi2[headers.index("Value")].value == 24
    assert kpi2[commentary].value == "'=cmd"
    assert kpi2[commentary].data_type == "s"
    assert rows["KPI1"][commentary].value == "'+SUM(1)"
    contents = workbook["Report 2018-10"]
    assert [contents.cell(row=r, column=1).value for r in range(2, 10)] == SECTION_NUMBERS
    assert workbook["Inspections"]["A2"].value == "Fifth monitoring visit"


def test_it_fills_brag_statuses_in_the_actions_sheet(client, member, inspections):
    response = _report(client, member, period="2023-05", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Actions"]
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Status at month end") + 1)
    assert cell.value == "Not yet rated"
    assert sheet.cell(row=2, column=headers.index("Status from") + 1).value == "Recorded now"
    assert cell.fill.fgColor.rgb.endswith("F3F2F1")
    assert sheet.max_row == 89


def test_the_latest_report_redirects_to_the_latest_month_with_data(client, member, seeds):
    client.force_login(member)
    response = client.get(reverse("monthly_report_latest", args=["sandwell"]))
    assert response.status_code == 302
    assert response.url == reverse("monthly_report", args=["sandwell", "2018-12"])


def test_it_refuses_a_malformed_month(client, member, seeds):
    assert _report(client, member, period="2018-13").status_code == 404


def test_it_links_from_the_dashboard(client, member, seeds):
    client.force_login(member)
    html = client.get(reverse("dashboard", args=["birmingham"])).content.decode()
    assert f'href="{reverse("monthly_report", args=["birmingham", "2018-10"])}"' in html


def test_it_checks_ownership(client, sandwell_officer, seeds):
    assert _report(client, sandwell_officer).status_code == 404
    assert _report(client, sandwell_officer, format="csv").status_code == 404
    client.force_login(sandwell_officer)
    latest = client.get(reverse("monthly_report_latest", args=["birmingham"]))
    assert latest.status_code == 404
    own = _report(client, sandwell_officer, "sandwell", "2018-12").content.decode()
    assert "Sandwell Children&#x27;s Trust — Dec 2018</h1>" in own


def test_it_requires_login(client, seeds):
    response = client.get(reverse("monthly_report", args=["birmingham", "2018-10"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("slug", "period"), [("birmingham", "2018-10"), ("sandwell", "2018-12")])
def test_its_query_count_is_constant(
    client, member, inspections, django_assert_max_num_queries, slug, period
):
    client.force_login(member)
    # Sandwell has 12 months of readings, Birmingham one; Birmingham's plan
    # has 88 actions: the same ceiling for both, so no query per row. Six of
    # them read what the Trust records for the report (schedule6).
    with django_assert_max_num_queries(26):
        response = client.get(reverse("monthly_report", args=[slug, period]))
    assert response.status_code == 200


def test_an_organisation_without_kpis_gets_every_section_saying_so(client, member, seeds):
    Organisation.objects.create(name="TEST Trust", slug="test-trust")
    client.force_login(member)
    latest = client.get(reverse("monthly_report_latest", args=["test-trust"]))
    this_month = timezone.localdate().strftime("%Y-%m")
    assert latest.url == reverse("monthly_report", args=["test-trust", this_month])
    response = client.get(latest.url)
    assert response.status_code == 200
    sections = response.context["sections"]
    assert sections["indicators"].empty == selectors.NO_KPIS.format(organisation="TEST Trust")
    assert all(section.empty for section in sections.values())


@pytest.mark.parametrize(
    "period, start, first, last",
    [
        # January to March belong to the contract year that began the April before.
        ("2019-01", dt.date(2018, 4, 1), "Fifth monitoring visit", "2019-01-01"),
        ("2019-03", dt.date(2018, 4, 1), "Fifth monitoring visit", "2019-03-01"),
        # April starts a new one: last year's visits drop out.
        ("2019-04", dt.date(2019, 4, 1), "Monitoring visit: Edgewood Road", "2019-04-10"),
        ("2018-04", dt.date(2018, 4, 1), None, None),
    ],
)
def test_the_inspection_window_is_the_contract_year_to_the_months_end(
    client, member, inspections, period, start, first, last
):
    report = _report(client, member, period=period).context["report"]
    assert report.inspections_from == start
    lines = [line.inspection for line in report.inspections]
    if first is None:
        assert lines == []
        return
    assert lines[0].title == first
    assert str(lines[-1].start_date) == last
    assert all(start <= i.start_date <= dt.date.fromisoformat(last) for i in lines)
