"""The annual report on a contract year: the page, its DOCX, and the Trust's
words for it (seed 004 is Birmingham's for 2018/19)."""

import datetime as dt
import io

import docx as python_docx
import pytest
from django.urls import reverse

from inspections.models import BRAG, Action, ActionPlan, PlanKind
from kpis.models import KPI, Target
from reports import annual
from schedule6.models import AnnualReview
from tests.fast_fixtures import load_fixtures
from tests.seed_files import seed_file

SEED = "004_686d8300e932638e.txt"


@pytest.fixture
def birmingham_report(inspected_seeds):
    load_fixtures("birmingham_annual_report", "birmingham_annual_review")
    return inspected_seeds


def _get(client, user, slug="birmingham", year=2018, **params):
    client.force_login(user)
    return client.get(reverse("annual_report", args=[slug, year]), params)


def _line(report, code):
    return next(line for line in report.performance if line.kpi.code == code)


def _docx(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return python_docx.Document(io.BytesIO(response.content))


def _table_with(document, header):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "KPI" and any(
        c.text == header for c in t.rows[0].cells
    ))  # fmt: skip


def test_it_shows_the_apps_count_beside_the_trusts_for_birmingham_2018_19(
    client, member, birmingham_report
):
    response = _get(client, member)
    assert response.status_code == 200
    report = response.context["report"]
    kpi1, kpi2 = _line(report, "KPI1"), _line(report, "KPI2")
    # The app holds Oct 2018 only: KPI1 Green, KPI2 Amber (24% against 21%, band 17–24%).
    assert (kpi1.green, kpi1.amber, kpi1.app_label) == (1, 0, "1/1 — 100%")
    assert (kpi2.green, kpi2.amber, kpi2.app_label) == (0, 1, "1/1 — 100%")
    # The trust's own count, as seed 004 prints it.
    assert (kpi1.reported_label, kpi2.reported_label) == ("10/12 — 83%", "9/12 — 75%")
    assert _line(report, "KPI5").reported_label == "10/12 — 83%"
    html = response.content.decode()
    row = html[html.index('<tr data-kpi="KPI2">') :].split("</tr>")[0]
    assert '<td class="text-end app-green">0</td>' in row
    assert '<td class="text-end app-amber">1</td>' in row
    assert '<td class="text-nowrap app-met">1/1 — 100%</td>' in row
    assert '<td class="text-nowrap reported-met">9/12 — 75%</td>' in row
    # The same for every KPI, so said once beneath the table.
    assert report.common_difference == (
        "The app holds readings for 1 of the 12 months (Oct 2018); the report counts 12."
    )
    assert f"How the two compare, for every KPI: {report.common_difference}" in html
    # Seed 004: "12 indicators met target or were within tolerances for all 12 months".
    assert report.reported_summary == (
        "As the trust reported, 12 of 15 KPIs met target or were within tolerance "
        "for all 12 months."
    )
    assert report.reported_summary in html
    assert report.app_summary in html


def test_the_docx_says_what_the_page_says(client, member, birmingham_report):
    report = _get(client, member).context["report"]
    document = _docx(_get(client, member, format="docx"))
    grid = _table_with(document, "Green")
    shown = {row.cells[0].text: [c.text for c in row.cells[2:6]] for row in grid.rows[1:]}
    assert shown == {
        line.kpi.code: [
            str(line.green), str(line.amber), line.app_label, line.reported_label
        ]
        for line in report.performance
    }  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    assert report.reported_summary in text
    assert "Assessments continue to be completed in a very timely way" in text
    assert "There were no rectification plans required in 2018/19." in text
    inspections = _table_with_first(document, "Date")
    assert [r.cells[0].text for r in inspections.rows[1:]] == [
        f"{line.inspection.start_date:%b %Y}" for line in report.inspections
    ]


def _table_with_first(document, header):
    return next(t for t in document.tables if t.rows[0].cells[0].text == header)


def test_it_lists_the_years_inspections_with_their_judgements(client, member, birmingham_report):
    report = _get(client, member).context["report"]
    titles = [line.inspection.title for line in report.inspections]
    # Seed 004's table 15 and the May and August 2018 monitoring letters; the
    # Edgewood Road visit of 10 April 2019 is 2019/20's, the 2021 focused visit later.
    assert titles[:2] == ["Fifth monitoring visit", "Full inspection: Charles House"]
    assert "Full inspection of local authority children's services (ILACS)" in titles
    assert "Monitoring visit: Edgewood Road" not in titles
    assert "Focused visit: children in care" not in titles
    assert len(titles) == 13
    adoption = next(
        line for line in report.inspections if line.inspection.kind == "adoption_agency"
    )
    assert [j.grade for j in adoption.judgements] == ["good", "good", "outstanding"]


def test_it_shows_the_trusts_words_as_the_seed_prints_them(client, member, birmingham_report):
    review = AnnualReview.objects.get(organisation__slug="birmingham", contract_year=2018)
    seed = seed_file(SEED).read_text(encoding="utf-8")
    for text in (review.went_well, review.to_improve, review.audits_statement,
                 review.surveys_statement, review.rectification_statement,
                 review.next_framework):  # fmt: skip
        for paragraph in text.split("\n\n"):
            # The KPI headings are made bold here; the seed's own bold is its.
            assert paragraph in seed or paragraph.replace("**", "") in seed, paragraph[:60]
    html = _get(client, member).content.decode()
    assert "<strong>KPI 3: % assessments completed within 45 working days</strong>" in html
    assert "We continue to monitor this KPI weekly." in html
    assert "Four small PI &#x27;baskets&#x27;" in html


def test_next_years_targets_say_whether_they_are_agreed(client, member, birmingham_report):
    report = _get(client, member).context["report"]
    # Birmingham holds no 2019/20 targets: the 2018/19 ones stay in force.
    assert {t.state for t in report.next_targets} == {annual.CARRIED}
    assert report.next_year_sentence == annual.NONE_RECORDED.format(year="2019/20")
    Target.objects.create(
        kpi=KPI.objects.get(organisation__slug="birmingham", code="KPI2"),
        valid_from=dt.date(2019, 4, 1), value=20, lower=16, upper=23,
    )  # fmt: skip
    report = _get(client, member).context["report"]
    kpi2 = next(t for t in report.next_targets if t.kpi.code == "KPI2")
    assert kpi2.state == annual.AGREED
    assert report.next_year_sentence == ""
    html = _get(client, member).content.decode()
    assert "Agreed from 1 Apr 2019" in html
    assert "No target entered for 2019/20: the 2018/19 target stays in force" in html


def test_sandwell_2018_19_targets_are_not_agreed_and_its_audits_are_shown(client, member, seeds):
    load_fixtures("inspections_letters", "schedule6_sandwell")
    response = _get(client, member, slug="sandwell")
    report = response.context["report"]
    # No PI had a target agreed in 2018/19: nothing rated, nothing counted.
    assert all(line.rated == 0 and line.app_label == "" for line in report.performance)
    assert report.has_reported is False
    assert report.next_year_sentence == "Targets for 2019/20 are not yet agreed."
    assert report.app_summary == annual.NOTHING_RATED.format(year="2018/19")
    html = response.content.decode()
    assert "Targets for 2019/20 are not yet agreed." in html
    # Oct, Nov and Dec 2018 and the quarter, audits and moderations.
    assert len(report.audits) == 8
    assert "53 (77.9%)" in html
    assert "There have been no surveys carried out since 1st A" in html
    document = _docx(_get(client, member, slug="sandwell", format="docx"))
    assert "Targets for 2019/20 are not yet agreed." in [p.text for p in document.paragraphs]


def test_rectification_plans_of_the_year_show_their_outcome(client, member, birmingham_report):
    birmingham = birmingham_report["birmingham"]
    kpi2 = KPI.objects.get(organisation=birmingham, code="KPI2")
    plan = ActionPlan.objects.create(
        organisation=birmingham, kind=PlanKind.RECTIFICATION, title="TEST KPI2 plan",
        kpi=kpi2, dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    Action.objects.create(plan=plan, number="1", reference="1.1", text="TEST", status=BRAG.BLUE)
    ActionPlan.objects.create(
        organisation=birmingham, kind=PlanKind.RECTIFICATION, title="TEST later plan",
        kpi=kpi2, dated=dt.date(2019, 6, 1),
    )  # fmt: skip
    report = _get(client, member).context["report"]
    assert [p.plan.title for p in report.rectification_plans] == ["TEST KPI2 plan"]
    assert dict(report.rectification_plans[0].counts)[BRAG.BLUE] == 1
    assert "TEST KPI2 plan" in _get(client, member).content.decode()


def test_members_see_published_months_only(client, member, officer, unreturned_seeds):
    # The seed readings as drafts: the trust's officer reads them, members do not.
    assert _line(_get(client, officer).context["report"], "KPI1").app_label == "1/1 — 100%"
    assert _line(_get(client, member).context["report"], "KPI1").app_label == ""
    assert "1/1 — 100%" not in _get(client, member).content.decode()


def test_officers_record_the_trusts_words_with_history(client, member, officer, seeds):
    url = reverse("annual_review_edit", args=["birmingham", 2018])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(officer)
    response = client.post(url, {"went_well": "TEST **KPI 3** stayed above target."})
    assert response.status_code == 302
    review = AnnualReview.objects.get(organisation__slug="birmingham", contract_year=2018)
    assert review.entered_by == officer
    assert review.history.count() == 1
    html = _get(client, member).content.decode()
    assert "TEST <strong>KPI 3</strong> stayed above target." in html


def test_it_checks_ownership(client, sandwell_officer, seeds):
    assert _get(client, sandwell_officer).status_code == 404
    assert _get(client, sandwell_officer, format="docx").status_code == 404


def test_a_year_out_of_span_is_not_found(client, member, seeds):
    assert _get(client, member, year=1999).status_code == 404


def test_the_dashboard_links_to_both_documents(client, member, seeds):
    client.force_login(member)
    html = client.get(reverse("dashboard", args=["birmingham"])).content.decode()
    assert f'href="{reverse("annual_report", args=["birmingham", 2018])}"' in html
    assert f'href="{reverse("scrutiny_pack", args=["birmingham", "2018-10"])}"' in html
