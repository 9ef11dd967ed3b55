"""An officer of one trust changing an id in a URL or a form never reaches
another trust's data: each case answers 404 (or 403) and changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import Action, Finding, FindingKind, Inspection, InspectionKind
from kpis.access import COMMISSIONER
from kpis.models import KPI, Reading, Target


@pytest.fixture
def birmingham_data(seeds):
    inspection = inspection_services.inspection_create(
        organisation=seeds["birmingham"], kind=InspectionKind.MONITORING_VISIT,
        title="TEST Birmingham visit", start_date=dt.date(2018, 8, 14),
    )  # fmt: skip
    finding = inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="TEST finding"
    )
    action = inspection_services.action_create(finding=finding, number="1", text="TEST action")
    return {
        "inspection": inspection.pk,
        "finding": finding.pk,
        "action": action.pk,
        "kpi": KPI.objects.get(organisation=seeds["birmingham"], code="KPI2").pk,
    }


@pytest.fixture
def sandwell_commissioner(seeds):
    user = User.objects.create_user("sandwell-commissioner", password="password")
    user.groups.add(Group.objects.get_or_create(name=COMMISSIONER)[0])
    seeds["sandwell"].staff.add(user)
    return user


def _snapshot():
    return (
        sorted(Reading.objects.values_list("kpi_id", "period", "value")),
        sorted(Target.objects.values_list("kpi_id", "valid_from", "value")),
        Inspection.objects.count(), Finding.objects.count(),
        sorted(Action.objects.values_list("pk", "status")),
    )  # fmt: skip


def _cases(d):
    b, s = "birmingham", "sandwell"
    return [
        ("get", reverse("dashboard", args=[b]), None, 404),
        ("get", reverse("dashboard_csv", args=[b]), None, 404),
        ("get", reverse("dashboard_csv", args=[b]) + "?period=2018-10", None, 404),
        ("get", reverse("kpi_detail", args=[b, "KPI2"]), None, 404),
        ("get", reverse("kpi_detail", args=[s, "KPI2"]), None, 404),
        ("get", reverse("kpi_history", args=[b, "KPI2"]), None, 404),
        ("get", reverse("return_list", args=[b]), None, 404),
        ("get", reverse("return_detail", args=[b, "2018-11"]), None, 404),
        ("post", reverse("return_detail", args=[b, "2018-11"]),
         {"version": 1, f"value_{d['kpi']}": "1", "action": "save"}, 404),
        ("post", reverse("return_preview", args=[b, "2018-11"]), {"kpi": d["kpi"], "value": "1"}, 404),
        ("post", reverse("return_preview", args=[s, "2018-11"]), {"kpi": d["kpi"], "value": "1"}, 404),
        ("post", reverse("return_review", args=[b, "2018-11"]),
         {"version": 1, "action": "accept"}, 404),
        ("get", reverse("targets_edit", args=[b, 2019]), None, 404),
        ("post", reverse("targets_edit", args=[b, 2019]), {f"target_{d['kpi']}": "1"}, 404),
        ("post", reverse("targets_copy", args=[b, 2019]), None, 404),
        ("get", reverse("targets_upload_start", args=[b]), None, 404),
        ("get", reverse("inspection_list", args=[b]), None, 404),
        ("get", reverse("inspection_detail", args=[b, d["inspection"]]), None, 404),
        ("get", reverse("inspection_detail", args=[s, d["inspection"]]), None, 404),
        ("get", reverse("action_tracker", args=[b]), None, 404),
        ("get", reverse("action_tracker", args=[b]) + "?format=csv", None, 404),
        ("get", reverse("inspection_create", args=[b]), None, 404),
        ("post", reverse("finding_create", args=[s, d["inspection"]]),
         {"kind": "strength", "text": "TEST injected"}, 404),
        ("post", reverse("action_create", args=[s, d["finding"]]),
         {"number": "9", "text": "TEST injected", "status": "red"}, 404),
        ("post", reverse("action_update", args=[s, d["action"]]),
         {"dated": "2024-01-01", "text": "TEST injected", "status": "blue"}, 404),
        ("post", reverse("action_update", args=[b, d["action"]]),
         {"dated": "2024-01-01", "text": "TEST injected", "status": "blue"}, 404),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(26))
def test_a_sandwell_commissioner_cannot_reach_birmingham(
    client, birmingham_data, sandwell_commissioner, index
):
    method, url, data, expected = _cases(birmingham_data)[index]
    before = _snapshot()
    client.force_login(sandwell_commissioner)
    response = getattr(client, method)(url, data or {})
    assert response.status_code == expected, url
    assert _snapshot() == before


def test_a_sandwell_officer_cannot_save_a_birmingham_kpi_through_the_sandwell_form(
    client, birmingham_data, sandwell_officer
):
    before = _snapshot()
    client.force_login(sandwell_officer)
    url = reverse("return_detail", args=["sandwell", "2019-01"])
    response = client.post(
        url, {"version": 1, f"value_{birmingham_data['kpi']}": "1", "action": "save"}
    )
    assert response.status_code == 302
    assert _snapshot()[0] == before[0]  # the Birmingham field was ignored


def test_the_home_page_lists_only_the_officers_organisation(client, sandwell_officer):
    client.force_login(sandwell_officer)
    html = client.get(reverse("home")).content.decode()
    assert "Sandwell Children" in html and "Birmingham Children" not in html
