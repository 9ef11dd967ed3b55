"""The publication rule: scrutiny members read a month once its return is
submitted (marked provisional until accepted) or accepted; a draft is read
only by the trust's officers and its commissioners, marked draft.

Birmingham's officer starts the November 2018 return after the seed's
October one (accepted, as `make run` loads it): KPI1 = 50 against a target
of 85 (75-95, higher is better) is Red.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from kpis import services
from kpis.models import KPI, MonthlyReturn, Organisation
from tests.conftest import _user

NOVEMBER = dt.date(2018, 11, 1)


@pytest.fixture
def november_draft(officer, seeds):
    """Birmingham's November 2018 return, saved as a draft by its officer."""
    birmingham = seeds["birmingham"]
    kpi1 = KPI.objects.get(organisation=birmingham, code="KPI1")
    monthly_return = services.monthly_return_get_or_create(organisation=birmingham, period=NOVEMBER)
    services.monthly_return_save(
        monthly_return=monthly_return,
        version=monthly_return.version,
        entries={kpi1: {"value": Decimal("50"), "commentary": "Staff sickness"}},
        user=officer,
    )
    return monthly_return


def _submit(monthly_return, officer):
    monthly_return.refresh_from_db()
    services.monthly_return_submit(
        monthly_return=monthly_return, version=monthly_return.version, user=officer
    )


def _accept(monthly_return, commissioner):
    monthly_return.refresh_from_db()
    services.monthly_return_accept(
        monthly_return=monthly_return, version=monthly_return.version, user=commissioner
    )


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _kpi1_row(response):
    return next(r for r in response.context["table"].rows if r.kpi.code == "KPI1")


def test_a_member_does_not_read_a_draft_on_the_dashboard(client, member, november_draft):
    response = _get(client, member, "dashboard", "birmingham")
    assert response.context["table"].period == dt.date(2018, 10, 1)
    assert _kpi1_row(response).value == Decimal("85")
    html = response.content.decode()
    assert "50%" not in html
    assert "Staff sickness" not in html


def test_a_member_picking_the_draft_month_reads_no_figure(client, member, november_draft):
    response = _get(client, member, "dashboard", "birmingham", period="2018-11")
    row = _kpi1_row(response)
    assert (row.period, row.value, row.status) == (NOVEMBER, None, "missing")
    assert "Not submitted yet: no figures are published for this month." in (
        response.content.decode()
    )


@pytest.mark.parametrize("reader", ["officer", "commissioner"])
def test_the_trusts_staff_read_the_draft_marked_draft(client, request, november_draft, reader):
    response = _get(client, request.getfixturevalue(reader), "dashboard", "birmingham")
    assert response.context["table"].period == NOVEMBER
    assert (_kpi1_row(response).value, _kpi1_row(response).status) == (Decimal("50"), "red")
    assert "Not submitted, so scrutiny members do not see these figures yet." in (
        response.content.decode()
    )


def test_another_trusts_officer_cannot_open_the_draft(client, sandwell_officer, november_draft):
    assert _get(client, sandwell_officer, "dashboard", "birmingham").status_code == 404


def test_a_member_who_is_also_the_trusts_officer_reads_its_drafts(client, seeds, november_draft):
    both = _user("both", "Scrutiny member", [seeds["birmingham"]])
    both.groups.add(*_user("officer-2", "Performance officer").groups.all())
    response = _get(client, both, "dashboard", "birmingham")
    assert response.context["table"].period == NOVEMBER
    # Sandwell's figures are the published ones either way.
    assert _get(client, both, "dashboard", "sandwell").context["table"].period == dt.date(
        2018, 12, 1
    )


def test_once_submitted_members_read_the_month_as_provisional(
    client, member, officer, november_draft
):
    _submit(november_draft, officer)
    response = _get(client, member, "dashboard", "birmingham")
    assert response.context["table"].period == NOVEMBER
    assert _kpi1_row(response).value == Decimal("50")
    html = response.content.decode()
    assert "Provisional: submitted by the trust, not yet accepted by the commissioners" in html


def test_once_accepted_the_month_is_final_and_unmarked(
    client, member, officer, commissioner, november_draft
):
    _submit(november_draft, officer)
    _accept(november_draft, commissioner)
    html = _get(client, member, "dashboard", "birmingham").content.decode()
    assert "Provisional" not in html
    assert "do not see these figures" not in html


def test_the_home_page_rates_only_what_the_reader_may_read(client, member, officer, november_draft):
    def birmingham(user):
        summaries = _get(client, user, "home").context["summaries"]
        return next(s for s in summaries if s["organisation"].slug == "birmingham")

    seen = birmingham(member)
    assert seen["period"] == dt.date(2018, 10, 1)
    # October 2018 as the seed paper gives it: KPI2, KPI12 and KPI14 Amber.
    assert seen["counts"] == {"red": 0, "amber": 3, "green": 12, "other": 0}
    officer_sees = birmingham(officer)
    assert officer_sees["period"] == NOVEMBER
    assert officer_sees["counts"]["red"] == 1
    assert "Draft" in _get(client, officer, "home").content.decode()


def test_the_kpi_page_marks_months_and_hides_drafts_from_members(
    client, member, officer, november_draft
):
    member_rows = _get(client, member, "kpi_detail", "birmingham", "KPI1").context["rows"]
    assert [(r.period, r.value) for r in member_rows] == [(dt.date(2018, 10, 1), Decimal("85"))]
    response = _get(client, officer, "kpi_detail", "birmingham", "KPI1")
    assert [r.value for r in response.context["rows"]] == [Decimal("50"), Decimal("85")]
    assert 'Nov 2018 <span class="chip chip-other publication-mark">Draft</span>' in (
        response.content.decode()
    )


def test_the_monthly_report_and_its_files_follow_the_rule(
    client, member, commissioner, november_draft
):
    report = _get(client, member, "monthly_report", "birmingham", "2018-11").context["report"]
    kpi1 = next(i for i in report.indicators if i.row.kpi.code == "KPI1")
    assert (kpi1.row.value, kpi1.commentary) == (None, "")
    csv = _get(client, member, "monthly_report", "birmingham", "2018-11", format="csv")
    assert "Staff sickness" not in csv.content.decode()
    report = _get(client, commissioner, "monthly_report", "birmingham", "2018-11")
    kpi1 = next(i for i in report.context["report"].indicators if i.row.kpi.code == "KPI1")
    assert (kpi1.row.value, kpi1.commentary) == (Decimal("50"), "Staff sickness")


def test_the_dashboard_csv_follows_the_rule(client, member, officer, november_draft):
    member_csv = _get(client, member, "dashboard_csv", "birmingham").content.decode()
    assert "KPI1,% of all referrals with a decision within 24 hours,2018-10,85," in member_csv
    officer_csv = _get(client, officer, "dashboard_csv", "birmingham").content.decode()
    assert ",2018-11,50," in officer_csv


def test_the_return_page_shows_a_member_no_draft_figure(client, member, november_draft):
    response = _get(client, member, "return_detail", "birmingham", "2018-11")
    html = response.content.decode()
    assert "Not submitted yet: no figures are published for this month." in html
    assert "Staff sickness" not in html
    assert all(entry["reading"] is None for entry, _ in response.context["entries"])


def test_the_history_shows_a_member_no_draft_change(client, member, officer, november_draft):
    changes = _get(client, member, "kpi_history", "birmingham", "KPI1").context["changes"]
    assert "Reading Nov 2018" not in [c.what for c in changes]
    changes = _get(client, officer, "kpi_history", "birmingham", "KPI1").context["changes"]
    assert "Reading Nov 2018" in [c.what for c in changes]


def test_no_question_cites_a_draft_figure(client, member, november_draft):
    questions = _get(client, member, "dashboard", "birmingham").context["questions"]
    assert not [q for q in questions if "50%" in q.text or "Nov 2018" in q.evidence]


def _kpi_status(*args):
    out = io.StringIO()
    call_command("kpi_status", "birmingham", "--format", "json", *args, stdout=out)
    return {row["kpi"]: row for row in json.loads(out.getvalue())}


def test_kpi_status_prints_everything_held_and_published_what_members_read(november_draft):
    assert _kpi_status()["KPI1"]["period"] == "2018-11"
    assert _kpi_status()["KPI1"]["value"] == 50
    published = _kpi_status("--published")["KPI1"]
    assert (published["period"], published["value"]) == ("2018-10", 85)


def test_kpi_status_published_says_when_nothing_is_published(seeds):
    MonthlyReturn.objects.all().delete()
    with pytest.raises(Exception, match="has no published readings yet"):
        call_command("kpi_status", "birmingham", "--published", stdout=io.StringIO())


def test_a_reading_after_a_closed_span_extends_it(november_draft):
    # The seed held Oct 2018 only; the trust now reports November.
    birmingham = Organisation.objects.get(slug="birmingham")
    assert (birmingham.held_from, birmingham.held_until) == (dt.date(2018, 10, 1), NOVEMBER)


def test_an_import_after_a_closed_span_extends_it_and_the_gap_is_missing(seeds, tmp_path):
    path = tmp_path / "later.csv"
    path.write_text("kpi,period,value\nKPI1,2019-03,90\n")
    call_command("import_readings", str(path), "--organisation", "birmingham", stdout=io.StringIO())
    birmingham = Organisation.objects.get(slug="birmingham")
    assert birmingham.held_until == dt.date(2019, 3, 1)
    # Everything held, as the trust's staff read it: Nov 2018 to Feb 2019 are a
    # gap inside the span, so Missing.
    rows = _kpi_status("--period", "2019-02")
    assert (rows["KPI1"]["status"], rows["KPI1"]["met_or_within_12m"]) == ("missing", "1/5")
