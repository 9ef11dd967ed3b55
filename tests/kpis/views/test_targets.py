import datetime as dt
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from kpis.models import KPI, Reading, Target


def _kpi(code):
    return KPI.objects.get(organisation__slug="birmingham", code=code)


def _post(client, user, data, year=2019):
    client.force_login(user)
    return client.post(reverse("targets_edit", args=["birmingham", year]), data, follow=True)


def test_a_commissioner_sets_next_years_target_without_changing_last_years_ratings(
    client, commissioner
):
    before = json.loads(_status("2018-10"))
    kpi2 = _kpi("KPI2")
    response = _post(client, commissioner, {
        f"target_{kpi2.pk}": "20", f"lower_{kpi2.pk}": "16", f"upper_{kpi2.pk}": "23",
    })  # fmt: skip
    assert "1 target saved." in response.content.decode()
    target = Target.objects.get(kpi=kpi2, valid_from=dt.date(2019, 4, 1))
    assert (target.value, target.lower, target.upper) == (Decimal(20), Decimal(16), Decimal(23))
    assert json.loads(_status("2018-10")) == before  # 2018/19 ratings unchanged
    Reading.objects.create(kpi=kpi2, period=dt.date(2019, 4, 1), value=Decimal("23.5"))
    april = {r["kpi"]: r for r in json.loads(_status("2019-04"))}
    assert (april["KPI2"]["target"], april["KPI2"]["status"]) == (20, "red")


def _status(period):
    out = io.StringIO()
    call_command("kpi_status", "birmingham", "--period", period, "--format", "json", stdout=out)
    return out.getvalue()


def test_a_band_out_of_order_is_refused_and_the_entry_kept(client, commissioner):
    kpi2 = _kpi("KPI2")
    response = _post(client, commissioner, {
        f"target_{kpi2.pk}": "25", f"lower_{kpi2.pk}": "16", f"upper_{kpi2.pk}": "23",
    })  # fmt: skip
    html = response.content.decode()
    assert "lower ≤ target ≤ upper" in html and 'value="25"' in html
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()


def test_a_half_filled_band_is_refused(client, commissioner):
    kpi2 = _kpi("KPI2")
    response = _post(client, commissioner, {f"target_{kpi2.pk}": "20"})
    assert "or none" in response.content.decode()


def test_it_shows_the_years_targets_for_editing(client, commissioner):
    client.force_login(commissioner)
    response = client.get(reverse("targets_edit", args=["birmingham", 2018]))
    assert f'name="target_{_kpi("KPI2").pk}" value="21"' in response.content.decode()


def test_history_shows_who_changed_what_and_why(client, commissioner, member):
    kpi2 = _kpi("KPI2")
    _post(client, commissioner, {f"target_{kpi2.pk}": "20", f"lower_{kpi2.pk}": "16",
                                 f"upper_{kpi2.pk}": "23"})  # fmt: skip
    _post(client, commissioner, {f"target_{kpi2.pk}": "19", f"lower_{kpi2.pk}": "16",
                                 f"upper_{kpi2.pk}": "23"})  # fmt: skip
    client.force_login(member)
    response = client.get(reverse("kpi_history", args=["birmingham", "KPI2"]))
    [latest, first] = response.context["changes"]
    assert (latest.change, latest.before, latest.after) == ("changed", "value 20", "value 19")
    assert latest.why == "targets for 2019/20"
    assert first.change == "created" and first.who == "commissioner"


def test_it_checks_ownership(client, officer, sandwell_officer):
    client.force_login(officer)
    assert client.get(reverse("targets_edit", args=["birmingham", 2019])).status_code == 403
    client.force_login(sandwell_officer)
    assert client.get(reverse("kpi_history", args=["birmingham", "KPI2"])).status_code == 404
