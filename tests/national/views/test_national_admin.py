"""The admin site for national statistics, and linking a KPI there."""

import pytest
from django.urls import reverse

from kpis.models import KPI


@pytest.mark.parametrize("model", ["measure", "measurevalue", "neighbourmodel", "neighbour"])
def test_it_lists_every_national_model_for_an_admin(client, admin_user, national_measure, model):
    national_measure()
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:national_{model}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def test_an_admin_links_a_kpi_to_a_measure_on_its_change_page(client, admin_user, national_measure):
    measure = national_measure()
    kpi = KPI.objects.get(organisation__slug="birmingham", code="KPI12")
    client.force_login(admin_user)
    response = client.get(reverse("admin:kpis_kpi_change", args=[kpi.pk]))
    html = response.content.decode()
    assert 'name="national_measure"' in html
    assert f'<option value="{measure.pk}">Vacancy rate</option>' in html


def test_the_organisation_admin_shows_the_la_codes(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:kpis_organisation_changelist")).content.decode()
    assert "330" in html and "E08000028" in html
