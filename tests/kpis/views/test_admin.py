import pytest
from django.urls import reverse

from tests.fast_fixtures import load_fixtures


@pytest.mark.parametrize(
    "model, heading",
    [
        ("organisation", "Select organisation to change"),
        ("kpi", "Select KPI to change"),
        ("target", "Select target to change"),
        ("reading", "Select reading to change"),
        ("comparator", "Select comparator to change"),
        ("reportedcompliance", "Select reported compliance to change"),
    ],
)
def test_it_lists_every_model_for_an_admin(client, admin_user, model, heading):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:kpis_{model}_changelist"))
    assert heading in response.content.decode()


def test_it_filters_readings_by_organisation(client, admin_user, seeds):
    client.force_login(admin_user)
    url = reverse("admin:kpis_reading_changelist")
    response = client.get(url, {"kpi__organisation__id__exact": seeds["sandwell"].pk})
    assert response.context["cl"].result_count == 180


def test_it_lists_the_annual_reports_counts_by_organisation(client, admin_user, seeds):
    load_fixtures("birmingham_annual_report")
    client.force_login(admin_user)
    url = reverse("admin:kpis_reportedcompliance_changelist")
    birmingham = client.get(url, {"kpi__organisation__id__exact": seeds["birmingham"].pk})
    assert birmingham.context["cl"].result_count == 15
    sandwell = client.get(url, {"kpi__organisation__id__exact": seeds["sandwell"].pk})
    assert sandwell.context["cl"].result_count == 0


def test_it_checks_ownership(client, member, officer):
    for user in (member, officer):
        client.force_login(user)
        response = client.get(reverse("admin:kpis_reading_changelist"))
        assert response.status_code == 302  # to the admin log-in: not staff


def test_every_box_of_a_kpis_targets_has_a_name(client, admin_user, seeds):
    """Django's tabular inline names a column only in its header: each box
    is named by its column and row (trustmonitor.admin_a11y)."""
    client.force_login(admin_user)
    kpi = seeds["birmingham"].kpis.get(code="KPI2")
    html = client.get(reverse("admin:kpis_kpi_change", args=[kpi.pk])).content.decode()
    for name in ("valid_from", "value", "lower", "upper", "DELETE"):
        box = html[html.index(f'name="targets-0-{name}"') :]
        box = box[: box.index(">")]
        label = {"valid_from": "Valid from", "DELETE": "Delete"}.get(name, name.capitalize())
        assert f'aria-label="{label} (row 1)"' in box, box
    assert 'aria-label="Valid from (new row)"' in html
