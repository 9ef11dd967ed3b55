"""Every URL of the app × every role, with the outcome each should get.

Codes: 200 page, 302 redirect (done, or to log in for the anonymous), 403
read-only for this user, 404 not this user's organisation to see.
"""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import ActionPlan, FindingKind, InspectionKind, PlanKind
from kpis import services as kpi_services
from kpis.models import KPI, Organisation, UploadKind
from national.services import measure_import

MEASURE_FILE = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,rate\n"
    "2025,Reporting year,National,E92000001,England,,,,,,14.2\n"
    "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,330,"
    "E08000025,Birmingham,17.1\n"
)

ROLES = ["anonymous", "member", "officer", "sandwell_officer", "commissioner", "admin_user"]


TARGETS_FILE = b"kpi,valid_from,target,lower,upper\nKPI2,2019-04-01,20,16,23\n"


READINGS_FILE = b"kpi,period,value\nKPI1,2018-11,86\n"


@pytest.fixture
def world(seeds, commissioner, officer):
    birmingham = seeds["birmingham"]
    # A live record from Oct 2018 (no end), so Nov 2018 is a month it reports.
    Organisation.objects.filter(pk=birmingham.pk).update(held_until=None)
    inspection = inspection_services.inspection_create(
        organisation=birmingham, kind=InspectionKind.FOCUSED_VISIT, title="TEST visit",
        start_date=dt.date(2018, 9, 1),
    )  # fmt: skip
    finding = inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.STRENGTH, text="TEST strength"
    )
    action = inspection_services.action_create(finding=finding, number="1", text="TEST action")
    update = inspection_services.action_update_post(
        action=action, author=None, dated=dt.date(2018, 10, 1), text="TEST update", status="amber"
    )
    lead = inspection_services.lead_save(
        organisation=birmingham, user=None, initials="TT", name="TEST name", role="TEST role"
    )
    kpi = KPI.objects.get(organisation=birmingham, code="KPI2")
    # A rectification plan with one action (made directly: KPI2 did not fail).
    plan = ActionPlan.objects.create(
        organisation=birmingham, kind=PlanKind.RECTIFICATION, kpi=kpi, title="TEST plan",
        failure_period=dt.date(2018, 10, 1), dated=dt.date(2018, 11, 1),
    )  # fmt: skip
    inspection_services.rectification_action_create(plan=plan, number="1", text="TEST step")
    measure_import(slug="rate", name="t.csv", data=MEASURE_FILE.encode(), indicator="rate")
    # The commissioner's own targets file, waiting for its preview and confirmation.
    upload = kpi_services.upload_create(
        organisation=birmingham, user=commissioner, name="targets.csv", data=TARGETS_FILE,
        kind=UploadKind.TARGETS,
    )  # fmt: skip
    # The officer's own readings file, checked by the worker (the immediate backend here).
    readings = kpi_services.upload_create(
        organisation=birmingham, user=officer, name="readings.csv", data=READINGS_FILE
    )
    return {
        "inspection": inspection.pk, "finding": finding.pk, "action": action.pk, "kpi": kpi.pk,
        "targets_upload": upload.pk, "update": update.pk, "lead": lead.pk, "plan": plan.pk,
        "upload": readings.pk,
    }  # fmt: skip


def _requests(world):
    """(name, method, url, data) for every URL, at Birmingham."""
    b = "birmingham"
    return [
        ("home", "get", reverse("home"), None),
        ("dashboard", "get", reverse("dashboard", args=[b]), None),
        ("dashboard_csv", "get", reverse("dashboard_csv", args=[b]), None),
        ("kpi_detail", "get", reverse("kpi_detail", args=[b, "KPI2"]), None),
        ("kpi_history", "get", reverse("kpi_history", args=[b, "KPI2"]), None),
        ("return_list", "get", reverse("return_list", args=[b]), None),
        ("return_detail", "get", reverse("return_detail", args=[b, "2018-11"]), None),
        ("return_save", "post", reverse("return_detail", args=[b, "2018-11"]),
         {"version": 1, f"value_{world['kpi']}": "22", "action": "save"}),
        ("return_preview", "post", reverse("return_preview", args=[b, "2018-11"]),
         {"kpi": world["kpi"], "value": "22"}),
        ("return_review", "post", reverse("return_review", args=[b, "2018-11"]),
         {"version": 1, "action": "reopen", "reason": "TEST"}),
        ("targets", "get", reverse("targets_edit", args=[b, 2019]), None),
        ("targets_save", "post", reverse("targets_edit", args=[b, 2019]),
         {f"target_{world['kpi']}": "20", f"lower_{world['kpi']}": "16",
          f"upper_{world['kpi']}": "23"}),
        ("targets_copy", "post", reverse("targets_copy", args=[b, 2020]), {}),
        ("targets_upload_start", "get", reverse("targets_upload_start", args=[b]), None),
        ("targets_upload_preview", "get",
         reverse("targets_upload_preview", args=[b, world["targets_upload"]]), None),
        ("targets_upload_check", "post",
         reverse("targets_upload_check", args=[b, world["targets_upload"]]), {}),
        ("targets_upload_confirm", "post",
         reverse("targets_upload_confirm", args=[b, world["targets_upload"]]), {}),
        ("inspection_list", "get", reverse("inspection_list", args=[b]), None),
        ("inspection_list_csv", "get", reverse("inspection_list", args=[b]) + "?format=csv", None),
        ("inspection_list_xlsx", "get", reverse("inspection_list", args=[b]) + "?format=xlsx", None),
        ("inspection_detail", "get", reverse("inspection_detail", args=[b, world["inspection"]]), None),
        ("action_tracker", "get", reverse("action_tracker", args=[b]), None),
        ("action_tracker_csv", "get", reverse("action_tracker", args=[b]) + "?format=csv", None),
        ("action_tracker_xlsx", "get", reverse("action_tracker", args=[b]) + "?format=xlsx", None),
        ("inspection_create", "get", reverse("inspection_create", args=[b]), None),
        ("finding_create", "get", reverse("finding_create", args=[b, world["inspection"]]), None),
        ("action_create", "get", reverse("action_create", args=[b, world["finding"]]), None),
        ("action_update", "get", reverse("action_update", args=[b, world["action"]]), None),
        ("inspection_edit", "get", reverse("inspection_edit", args=[b, world["inspection"]]), None),
        ("inspection_delete", "get", reverse("inspection_delete", args=[b, world["inspection"]]), None),
        ("finding_edit", "get", reverse("finding_edit", args=[b, world["finding"]]), None),
        ("finding_delete", "get", reverse("finding_delete", args=[b, world["finding"]]), None),
        ("action_detail", "get", reverse("action_detail", args=[b, world["action"]]), None),
        ("action_edit", "get", reverse("action_edit", args=[b, world["action"]]), None),
        ("action_delete", "get", reverse("action_delete", args=[b, world["action"]]), None),
        ("progress_update_edit", "get", reverse("progress_update_edit", args=[b, world["update"]]), None),
        ("progress_update_delete", "get", reverse("progress_update_delete", args=[b, world["update"]]), None),
        ("lead_list", "get", reverse("lead_list", args=[b]), None),
        ("lead_create", "get", reverse("lead_create", args=[b]), None),
        ("lead_edit", "get", reverse("lead_edit", args=[b, world["lead"]]), None),
        ("lead_delete", "get", reverse("lead_delete", args=[b, world["lead"]]), None),
        ("rectification_plan_create", "get",
         reverse("rectification_plan_create", args=[b]) + "?kpi=KPI2&period=2018-10", None),
        ("rectification_plan_detail", "get",
         reverse("rectification_plan_detail", args=[b, world["plan"]]), None),
        ("rectification_plan_edit", "get",
         reverse("rectification_plan_edit", args=[b, world["plan"]]), None),
        ("rectification_plan_delete", "get",
         reverse("rectification_plan_delete", args=[b, world["plan"]]), None),
        ("rectification_action_create", "get",
         reverse("rectification_action_create", args=[b, world["plan"]]), None),
        ("rectification_action_save", "post",
         reverse("rectification_action_create", args=[b, world["plan"]]),
         {"number": "2", "text": "TEST step", "status": "not_rated"}),
        # A sign-off without a proposal still makes the action Blue: last of the actions.
        ("action_sign_off", "post", reverse("action_sign_off", args=[b, world["action"]]),
         {"decision": "sign_off"}),
        ("admin", "get", reverse("admin:index"), None),
        ("upload_start", "get", reverse("upload_start", args=[b]), None),
        ("upload_template_csv", "get", reverse("upload_template_csv", args=[b]), None),
        ("upload_template_xlsx", "get", reverse("upload_template_xlsx", args=[b]), None),
        ("upload_preview", "get", reverse("upload_preview", args=[b, world["upload"]]), None),
        ("upload_errors_csv", "get",
         reverse("upload_errors_csv", args=[b, world["upload"]]), None),
        ("upload_check", "post", reverse("upload_check", args=[b, world["upload"]]), {}),
        ("upload_confirm", "post", reverse("upload_confirm", args=[b, world["upload"]]), {}),
        ("compliance", "get", reverse("compliance", args=[b, 2018]), None),
        ("monthly_report", "get", reverse("monthly_report", args=[b, "2018-10"]), None),
        ("monthly_report_xlsx", "get", reverse("monthly_report", args=[b, "2018-10"]) + "?format=xlsx", None),
        ("monthly_report_docx", "get", reverse("monthly_report", args=[b, "2018-10"]) + "?format=docx", None),
        ("annual_report", "get", reverse("annual_report", args=[b, 2018]), None),
        ("annual_report_docx", "get", reverse("annual_report", args=[b, 2018]) + "?format=docx", None),
        ("annual_review", "get", reverse("annual_review_edit", args=[b, 2018]), None),
        ("annual_review_save", "post", reverse("annual_review_edit", args=[b, 2018]),
         {"went_well": "TEST"}),
        ("scrutiny_pack_latest", "get", reverse("scrutiny_pack_latest", args=[b]), None),
        ("scrutiny_pack", "get", reverse("scrutiny_pack", args=[b, "2018-10"]), None),
        ("scrutiny_pack_docx", "get", reverse("scrutiny_pack", args=[b, "2018-10"]) + "?format=docx", None),
        ("summary_analysis", "get", reverse("summary_analysis_edit", args=[b, "2018-10"]), None),
        ("summary_analysis_save", "post", reverse("summary_analysis_edit", args=[b, "2018-10"]),
         {"title": "TEST", "text": "TEST analysis"}),
        ("audit_activity", "get", reverse("audit_activity_create", args=[b, "2018-10"]), None),
        ("audit_theme", "get", reverse("audit_theme_create", args=[b, "2018-10"]), None),
        ("audit_finding", "get", reverse("audit_finding_create", args=[b, "2018-10"]), None),
        ("survey", "get", reverse("survey_create", args=[b, "2018-10"]), None),
        ("survey_save", "post", reverse("survey_create", args=[b, "2018-10"]),
         {"statement": "TEST none carried out"}),
        ("failure_rule", "get", reverse("failure_rule_edit", args=[b, 2018]), None),
        ("failure_rule_save", "post", reverse("failure_rule_edit", args=[b, 2018]),
         {"kind": "consecutive", "months": 3}),
        ("spc_help", "get", reverse("spc_help"), None),
        ("measure_list", "get", reverse("measure_list"), None),
        ("measure_detail", "get", reverse("measure_detail", args=["rate"]), None),
        ("measure_csv", "get", reverse("measure_csv", args=["rate"]), None),
        ("measure_xlsx", "get", reverse("measure_xlsx", args=["rate"]), None),
        ("kpi_national_link", "post", reverse("kpi_national_link", args=[b, "KPI2"]), {"measure": ""}),
        ("national_load", "get", reverse("national_load"), None),
        ("national_load_start", "post", reverse("national_load"), {}),
        ("reminder_preferences", "get", reverse("reminder_preferences"), None),
        ("reminder_preferences_save", "post", reverse("reminder_preferences"),
         {"return_due": "on", "lead_initials": "GT"}),
        # The deletes themselves, last, smallest first, so nothing above loses its object.
        ("lead_delete_post", "post", reverse("lead_delete", args=[b, world["lead"]]),
         {"reason": "TEST"}),
        ("progress_update_delete_post", "post",
         reverse("progress_update_delete", args=[b, world["update"]]), {"reason": "TEST"}),
        ("action_delete_post", "post", reverse("action_delete", args=[b, world["action"]]),
         {"reason": "TEST"}),
        ("finding_delete_post", "post", reverse("finding_delete", args=[b, world["finding"]]),
         {"reason": "TEST"}),
        ("inspection_delete_post", "post",
         reverse("inspection_delete", args=[b, world["inspection"]]), {"reason": "TEST"}),
    ]  # fmt: skip


READ = {
    "member": 200,
    "officer": 200,
    "sandwell_officer": 404,
    "commissioner": 200,
    "admin_user": 200,
}
COMMISSION = {
    "member": 403,
    "officer": 403,
    "sandwell_officer": 404,
    "commissioner": 200,
    "admin_user": 200,
}
EXPECTED = {
    "home": {**READ, "sandwell_officer": 200},
    "dashboard": READ,
    "dashboard_csv": READ,
    "kpi_detail": READ,
    "kpi_history": READ,
    "return_list": READ,
    "return_detail": READ,
    # The return for Nov 2018 is a draft: officers and commissioners save it.
    "return_save": {**READ, "member": 403, "officer": 302, "commissioner": 302, "admin_user": 302},
    "return_preview": {**READ, "member": 403},
    # Reopening a draft is refused with a message, then redirected.
    "return_review": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    # Everyone who sees the organisation reads its targets; commissioners change them.
    "targets": READ,
    "targets_save": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "targets_copy": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "targets_upload_start": COMMISSION,
    # Only the commissioner who uploaded the file previews and confirms it.
    "targets_upload_preview": {**COMMISSION, "admin_user": 404},
    "targets_upload_check": {**COMMISSION, "commissioner": 302, "admin_user": 404},
    "targets_upload_confirm": {**COMMISSION, "commissioner": 302, "admin_user": 404},
    "inspection_list": READ,
    "inspection_list_csv": READ,
    "inspection_list_xlsx": READ,
    "inspection_detail": READ,
    "action_tracker": READ,
    "action_tracker_csv": READ,
    "action_tracker_xlsx": READ,
    "inspection_create": COMMISSION,
    "finding_create": COMMISSION,
    "action_create": COMMISSION,
    # Progress updates: the trust's officers and its commissioners.
    "action_update": {**READ, "member": 403},
    "inspection_edit": COMMISSION,
    "inspection_delete": COMMISSION,
    "finding_edit": COMMISSION,
    "finding_delete": COMMISSION,
    "action_detail": READ,
    "action_edit": COMMISSION,
    "action_delete": COMMISSION,
    "action_sign_off": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "progress_update_edit": COMMISSION,
    "progress_update_delete": COMMISSION,
    # Rectification plans: commissioners raise and number them; everyone who
    # sees the organisation reads them (officers post updates on the actions).
    "rectification_plan_create": COMMISSION,
    "rectification_plan_detail": READ,
    "rectification_plan_edit": COMMISSION,
    "rectification_plan_delete": COMMISSION,
    "rectification_action_create": COMMISSION,
    "rectification_action_save": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "lead_list": READ,
    "lead_create": COMMISSION,
    "lead_edit": COMMISSION,
    "lead_delete": COMMISSION,
    "lead_delete_post": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "progress_update_delete_post": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "action_delete_post": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "finding_delete_post": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "inspection_delete_post": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "upload_start": {**READ, "member": 403},
    "upload_template_csv": {**READ, "member": 403},
    "upload_template_xlsx": {**READ, "member": 403},
    # Only the officer who uploaded the file follows, checks again and confirms it.
    "upload_preview": {**READ, "member": 403, "commissioner": 404, "admin_user": 404},
    "upload_errors_csv": {**READ, "member": 403, "commissioner": 404, "admin_user": 404},
    "upload_check": {**READ, "member": 403, "officer": 302, "commissioner": 404,
                     "admin_user": 404},
    "upload_confirm": {**READ, "member": 403, "officer": 302, "commissioner": 404,
                       "admin_user": 404},
    "compliance": READ,
    "monthly_report": READ,
    "monthly_report_xlsx": READ,
    "monthly_report_docx": READ,
    # The committee documents: whoever reads the organisation (members its
    # published months); the Trust's words for the annual report: its officers.
    "annual_report": READ,
    "annual_report_docx": READ,
    "annual_review": {**READ, "member": 403},
    "annual_review_save": {**READ, "member": 403, "officer": 302, "commissioner": 302,
                           "admin_user": 302},
    "scrutiny_pack_latest": {**READ, "member": 302, "officer": 302, "commissioner": 302,
                             "admin_user": 302},
    "scrutiny_pack": READ,
    "scrutiny_pack_docx": READ,
    # What the Trust records for its Schedule 6 report: its officers (and
    # commissioners) with the return; the failure rule: commissioners.
    "summary_analysis": {**READ, "member": 403},
    "summary_analysis_save": {**READ, "member": 403, "officer": 302, "commissioner": 302,
                              "admin_user": 302},
    "audit_activity": {**READ, "member": 403},
    "audit_theme": {**READ, "member": 403},
    "audit_finding": {**READ, "member": 403},
    "survey": {**READ, "member": 403},
    "survey_save": {**READ, "member": 403, "officer": 302, "commissioner": 302,
                    "admin_user": 302},
    "failure_rule": COMMISSION,
    "failure_rule_save": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    "spc_help": {**READ, "sandwell_officer": 200},
    # DfE's published statistics: every logged-in user, whatever their organisation.
    "measure_list": {**READ, "sandwell_officer": 200},
    "measure_detail": {**READ, "sandwell_officer": 200},
    "measure_csv": {**READ, "sandwell_officer": 200},
    "measure_xlsx": {**READ, "sandwell_officer": 200},
    "kpi_national_link": {**COMMISSION, "commissioner": 302, "admin_user": 302},
    # Loading DfE's files changes every organisation's comparisons: administrators only.
    "national_load": {"member": 403, "officer": 403, "sandwell_officer": 403,
                      "commissioner": 403, "admin_user": 200},
    "national_load_start": {"member": 403, "officer": 403, "sandwell_officer": 403,
                            "commissioner": 403, "admin_user": 302},
    # Each person's own reminder settings: every logged-in user, whatever their organisation.
    "reminder_preferences": {**READ, "sandwell_officer": 200},
    "reminder_preferences_save": {**READ, "member": 302, "officer": 302, "sandwell_officer": 302,
                                  "commissioner": 302, "admin_user": 302},
    # The admin site: staff only; others are sent to its log-in page.
    "admin": {"member": 302, "officer": 302, "sandwell_officer": 302, "commissioner": 302,
              "admin_user": 200},
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(client, world, role, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    outcomes = {}
    for name, method, url, data in _requests(world):
        response = getattr(client, method)(url, data or {})
        outcomes[name] = response.status_code
    if role == "anonymous":
        assert set(outcomes.values()) == {302}
    else:
        assert outcomes == {name: EXPECTED[name][role] for name in outcomes}


def test_anonymous_users_are_sent_to_log_in(client, world):
    response = client.get(reverse("dashboard", args=["birmingham"]))
    assert response.url.startswith(reverse("login"))
