"""The forms for what the Trust records for its Schedule 6 report: officers
enter the summary analysis, audits and surveys with the return; the
commissioners set the failure rule. Each keeps a history with the user; bad
input is refused with what was typed kept. (Who may reach each URL is in
tests/test_permissions.py.)"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from schedule6.models import AuditActivity, FailureRule, SummaryAnalysis, Survey

DEC = dt.date(2018, 12, 1)


def _post(client, user, name, args, data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data)


def test_an_officer_writes_the_summary_analysis_and_the_report_shows_it(client, sandwell_officer):
    response = _post(
        client, sandwell_officer, "summary_analysis_edit", ["sandwell", "2018-12"],
        {"title": "TEST summary", "text": "PI1 **fell**.\n\n- we are acting",
         "no_action_plans_statement": "There are no action plans."},
    )  # fmt: skip
    assert response.status_code == 302
    assert response.url.endswith("/o/sandwell/report/2018-12/#s-summary")
    summary = SummaryAnalysis.objects.get(organisation__slug="sandwell", period=DEC)
    assert summary.entered_by == sandwell_officer
    assert summary.history.get().history_user == sandwell_officer
    html = client.get(reverse("monthly_report", args=["sandwell", "2018-12"])).content.decode()
    assert "PI1 <strong>fell</strong>.</p>" in html and "<li>we are acting</li>" in html
    assert "The Trust reports: “There are no action plans.”" in html
    # Saving again edits the same month's analysis, with a second history row.
    _post(
        client, sandwell_officer, "summary_analysis_edit", ["sandwell", "2018-12"],
        {"title": "TEST summary", "text": "Edited"},
    )  # fmt: skip
    summary.refresh_from_db()
    assert (summary.text, summary.history.count()) == ("Edited", 2)


def test_a_summary_without_text_is_refused_with_the_title_kept(client, sandwell_officer):
    response = _post(
        client, sandwell_officer, "summary_analysis_edit", ["sandwell", "2018-12"],
        {"title": "TEST kept title", "text": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert 'value="TEST kept title"' in response.content.decode()
    assert not SummaryAnalysis.objects.exists()


def test_an_officer_records_audit_activity_and_more_grades_than_audits_is_refused(client, officer):
    data = {
        "service": "TEST service", "kind": "audit", "expected": "10", "completed": "8",
        "good": "2", "requires_improvement": "3", "inadequate": "3",
    }  # fmt: skip
    assert _post(client, officer, "audit_activity_create", ["birmingham", "2018-10"], data)
    activity = AuditActivity.objects.get()
    assert (activity.period_from, activity.period) == (dt.date(2018, 10, 1),) * 2
    assert activity.history.get().history_user == officer
    report = client.get(reverse("monthly_report", args=["birmingham", "2018-10"]))
    assert "8 (80.0%)" in report.content.decode()
    refused = _post(
        client, officer, "audit_activity_create", ["birmingham", "2018-10"],
        {**data, "service": "TEST other", "inadequate": "9"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert "more than the 8 completed" in refused.content.decode()
    assert 'value="TEST other"' in refused.content.decode()
    assert AuditActivity.objects.count() == 1


def test_an_officer_records_that_no_survey_was_carried_out(client, officer):
    refused = _post(
        client, officer, "survey_create", ["birmingham", "2018-10"], {"carried_out": "on"}
    )
    assert refused.status_code == 200
    assert "A survey carried out needs its title." in refused.content.decode()
    _post(
        client, officer, "survey_create", ["birmingham", "2018-10"],
        {"statement": "TEST: no surveys this month."},
    )  # fmt: skip
    survey = Survey.objects.get()
    assert survey.carried_out is False
    html = client.get(reverse("monthly_report", args=["birmingham", "2018-10"])).content.decode()
    assert "The Trust reports: “TEST: no surveys this month.”" in html


@pytest.mark.parametrize("role", ["member", "officer"])
def test_only_commissioners_set_the_failure_rule(client, role, request):
    user = request.getfixturevalue(role)
    response = _post(
        client, user, "failure_rule_edit", ["birmingham", 2018],
        {"kind": "consecutive", "months": "3"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not FailureRule.objects.exists()


def test_a_commissioner_sets_the_failure_rule_for_a_contract_year(client, commissioner):
    refused = _post(
        client, commissioner, "failure_rule_edit", ["birmingham", 2018],
        {"kind": "margin", "months": "1", "wording": "TEST wording"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert "A margin rule needs its margin." in refused.content.decode()
    assert "TEST wording" in refused.content.decode()
    _post(
        client, commissioner, "failure_rule_edit", ["birmingham", 2018],
        {"kind": "margin", "months": "1", "margin": "2.5"},
    )  # fmt: skip
    rule = FailureRule.objects.get()
    assert (rule.contract_year, rule.margin) == (2018, Decimal("2.5"))
    assert rule.history.get().history_user == commissioner
    html = client.get(reverse("monthly_report", args=["birmingham", "2018-10"])).content.decode()
    assert "Red more than 2.5 beyond its tolerance bound" in html


def test_the_return_page_offers_the_officer_the_reports_forms(client, sandwell_officer, member):
    client.force_login(sandwell_officer)
    html = client.get(reverse("return_detail", args=["sandwell", "2018-12"])).content.decode()
    assert reverse("summary_analysis_edit", args=["sandwell", "2018-12"]) in html
    # The accepted month's commentary reads as the Trust wrote it.
    assert "<li>One Team Manager (Team 8) was off sick during the month of December." in html
    client.force_login(member)
    html = client.get(reverse("return_detail", args=["sandwell", "2018-12"])).content.decode()
    assert reverse("summary_analysis_edit", args=["sandwell", "2018-12"]) not in html
