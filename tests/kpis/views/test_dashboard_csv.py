import csv
import io

from django.core.management import call_command
from django.urls import reverse

from kpis.models import Organisation


def _csv(client, user, slug="birmingham", **params):
    client.force_login(user)
    return client.get(reverse("dashboard_csv", args=[slug]), params)


def test_it_downloads_exactly_the_kpi_status_table(client, member):
    response = _csv(client, member)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="birmingham-kpi-status-2018-10.csv"' in response["Content-Disposition"]
    out = io.StringIO()
    call_command("kpi_status", "birmingham", "--format", "csv", stdout=out)
    assert response.content.decode() == out.getvalue()


def test_it_carries_the_contract_columns_and_values_as_entered(client, member):
    rows = list(csv.DictReader(io.StringIO(_csv(client, member).content.decode())))
    assert list(rows[0]) == [
        "kpi",
        "title",
        "period",
        "value",
        "target",
        "lower",
        "upper",
        "polarity",
        "status",
        "met_or_within_12m",
    ]
    kpi11 = next(r for r in rows if r["kpi"] == "KPI11")
    assert (kpi11["value"], kpi11["target"], kpi11["period"]) == ("36.1", "45", "2018-10")
    kpi2 = next(r for r in rows if r["kpi"] == "KPI2")
    assert (kpi2["status"], kpi2["polarity"], kpi2["met_or_within_12m"]) == (
        "amber",
        "lower",
        "1/1",
    )


def test_it_downloads_a_picked_month(client, member):
    rows = list(
        csv.DictReader(
            io.StringIO(_csv(client, member, "sandwell", period="2018-01").content.decode())
        )
    )
    assert {r["period"] for r in rows} == {"2018-01"}
    assert next(r for r in rows if r["kpi"] == "PI14")["value"] == "18.93"


def test_it_checks_ownership(client, sandwell_officer):
    assert _csv(client, sandwell_officer).status_code == 404


def test_with_no_month_to_export_it_is_not_found(client, member, unreturned_seeds):
    """No KPIs, or no month a member may read: 404, as the dashboard offers
    no download then (it answered 500)."""
    Organisation.objects.create(name="TEST trust with no KPIs", slug="test-no-kpis")
    assert _csv(client, member, slug="test-no-kpis").status_code == 404
    assert _csv(client, member).status_code == 404  # nothing submitted yet
