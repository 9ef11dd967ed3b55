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
                                 f"upper_{kpi2.pk}": "23",
                                 "reason": "Agreed at the March contract meeting"})  # fmt: skip
    client.force_login(member)
    response = client.get(reverse("kpi_history", args=["birmingham", "KPI2"]))
    [latest, first] = response.context["changes"]
    assert (latest.change, latest.before, latest.after) == ("changed", "value 20", "value 19")
    assert latest.why == "Agreed at the March contract meeting"
    assert "Agreed at the March contract meeting" in response.content.decode()
    assert first.change == "created" and first.who == "commissioner"
    assert first.why == "targets for 2019/20"


def test_it_checks_ownership(client, officer, sandwell_officer):
    client.force_login(officer)
    kpi2 = _kpi("KPI2")
    url = reverse("targets_edit", args=["birmingham", 2019])
    assert client.post(url, _band_data(kpi2, "20", "16", "23")).status_code == 403
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()
    client.force_login(sandwell_officer)
    assert client.get(url).status_code == 404
    client.force_login(sandwell_officer)
    assert client.get(reverse("kpi_history", args=["birmingham", "KPI2"])).status_code == 404


# --- A reason for each change ------------------------------------------------------


def _band_data(kpi, target, lower, upper, **extra):
    return {f"target_{kpi.pk}": target, f"lower_{kpi.pk}": lower, f"upper_{kpi.pk}": upper,
            **extra}  # fmt: skip


def _as_shown(client, user, year=2018):
    """What the year's page posts back untouched: every KPI's row as shown."""
    client.force_login(user)
    return dict(
        client.get(reverse("targets_edit", args=["birmingham", year])).context["form"].initial
    )


def test_changing_a_target_the_year_has_needs_a_reason_and_keeps_what_was_typed(
    client, commissioner
):
    kpi2 = _kpi("KPI2")
    data = {**_as_shown(client, commissioner), **_band_data(kpi2, "22", "17", "24")}
    response = _post(client, commissioner, data, year=2018)
    html = response.content.decode()
    assert "Say why the targets are being changed: KPI2 already had a target for 2018/19." in html
    assert f'name="target_{kpi2.pk}" value="22"' in html
    assert Target.objects.get(kpi=kpi2, valid_from=dt.date(2018, 4, 1)).value == 21


def test_a_reason_is_kept_in_the_targets_history(client, commissioner):
    kpi2 = _kpi("KPI2")
    data = {**_as_shown(client, commissioner),
            **_band_data(kpi2, "22", "17", "24", reason="Revised in Q3")}  # fmt: skip
    response = _post(client, commissioner, data, year=2018)
    assert "1 target saved." in response.content.decode()
    target = Target.objects.get(kpi=kpi2, valid_from=dt.date(2018, 4, 1))
    assert target.value == 22
    latest = target.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("Revised in Q3", commissioner)


# --- Target not yet agreed --------------------------------------------------------


def test_a_commissioner_marks_a_target_not_yet_agreed_and_readers_see_it(
    client, commissioner, member
):
    kpi2 = _kpi("KPI2")
    _post(client, commissioner, {f"not_agreed_{kpi2.pk}": "on"})
    target = Target.objects.get(kpi=kpi2, valid_from=dt.date(2019, 4, 1))
    assert (target.agreed, target.value) == (False, None)
    Reading.objects.create(kpi=kpi2, period=dt.date(2019, 4, 1), value=Decimal("23.5"))
    april = {r["kpi"]: r for r in json.loads(_status("2019-04"))}
    # Rated as no target in force: 2018/19's 21% no longer applies.
    assert (april["KPI2"]["target"], april["KPI2"]["status"]) == (None, "no_target")
    client.force_login(commissioner)
    page = client.get(reverse("targets_edit", args=["birmingham", 2019])).content.decode()
    assert f'name="not_agreed_{kpi2.pk}" checked' in page
    changes = client.get(reverse("kpi_history", args=["birmingham", "KPI2"])).context["changes"]
    [change] = [c for c in changes if c.what.startswith("Target")]
    assert change.after == "value —; lower —; upper —; agreed no (target not yet agreed)"


def test_figures_and_not_yet_agreed_together_are_refused_and_kept(client, commissioner):
    kpi2 = _kpi("KPI2")
    response = _post(client, commissioner, _band_data(kpi2, "20", "", "", **{
        f"not_agreed_{kpi2.pk}": "on"}))  # fmt: skip
    html = response.content.decode()
    assert "Either give the target and its band or tick “Not yet agreed”, not both." in html
    assert f'name="target_{kpi2.pk}" value="20"' in html
    assert f'name="not_agreed_{kpi2.pk}" checked' in html
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()


def test_sandwell_shows_target_not_yet_agreed_on_the_dashboard_and_kpi_page(client, member):
    client.force_login(member)
    dashboard = client.get(reverse("dashboard", args=["sandwell"])).content.decode()
    assert dashboard.count("Target not yet agreed") == 15
    page = client.get(reverse("kpi_detail", args=["sandwell", "PI1"])).content.decode()
    assert "From 1 Apr 2018: Target not yet agreed" in page
    assert "Not yet agreed" in page  # the readings table, Apr–Dec 2018
    # Jan–Mar 2018 predate the contract year: no target, said as before.
    rows = client.get(reverse("kpi_detail", args=["sandwell", "PI1"])).context["rows"]
    assert [r.period.month for r in rows if r.target_not_agreed] == list(range(12, 3, -1))


def test_sandwell_csv_columns_and_statuses_stay_as_the_contract_says(client, member):
    client.force_login(member)
    response = client.get(reverse("dashboard_csv", args=["sandwell"]))
    lines = response.content.decode().splitlines()
    assert lines[0] == "kpi,title,period,value,target,lower,upper,polarity,status,met_or_within_12m"
    pi1 = lines[1].split(",")
    assert (pi1[0], pi1[4:7], pi1[8]) == ("PI1", ["", "", ""], "no_target")


# --- Copy last year's targets -------------------------------------------------------


def test_a_new_years_page_offers_to_copy_and_a_year_with_targets_does_not(client, commissioner):
    client.force_login(commissioner)
    empty = client.get(reverse("targets_edit", args=["birmingham", 2019])).content.decode()
    assert "Copy 2018/19's targets into 2019/20" in empty
    full = client.get(reverse("targets_edit", args=["birmingham", 2018])).content.decode()
    assert "targets-copy" not in full


def test_copying_fills_the_new_year_from_last_years_then_the_commissioner_edits(
    client, commissioner
):
    client.force_login(commissioner)
    response = client.post(reverse("targets_copy", args=["birmingham", 2019]), follow=True)
    html = response.content.decode()
    assert "15 targets copied from 2018/19" in html
    kpi2 = _kpi("KPI2")
    assert f'name="target_{kpi2.pk}" value="21"' in html
    copied = Target.objects.get(kpi=kpi2, valid_from=dt.date(2019, 4, 1))
    assert (copied.value, copied.lower, copied.upper) == (21, 17, 24)
    assert copied.history.get().history_change_reason == "Copied from 2018/19"
    again = client.post(reverse("targets_copy", args=["birmingham", 2019]), follow=True)
    assert "2019/20 already has targets" in again.content.decode()
    assert Target.objects.filter(valid_from=dt.date(2019, 4, 1)).count() == 15


def test_copying_sandwell_carries_not_yet_agreed_forward(client, commissioner):
    client.force_login(commissioner)
    client.post(reverse("targets_copy", args=["sandwell", 2019]))
    copied = Target.objects.filter(
        kpi__organisation__slug="sandwell", valid_from=dt.date(2019, 4, 1)
    )
    assert copied.count() == 15 and not copied.filter(agreed=True).exists()


def test_a_year_with_nothing_before_it_has_nothing_to_copy(client, commissioner):
    client.force_login(commissioner)
    page = client.get(reverse("targets_edit", args=["birmingham", 2017])).content.decode()
    assert "targets-copy" not in page
    response = client.post(reverse("targets_copy", args=["birmingham", 2017]), follow=True)
    assert "2016/17 has no targets in force to copy." in response.content.decode()
    assert not Target.objects.filter(valid_from=dt.date(2017, 4, 1)).exists()


def test_copy_is_for_commissioners_of_the_organisation(client, officer, member, sandwell_officer):
    url = reverse("targets_copy", args=["birmingham", 2019])
    for user, status in ((officer, 403), (member, 403), (sandwell_officer, 404)):
        client.force_login(user)
        assert client.post(url).status_code == status
    assert client.get(url).status_code == 405
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()


def test_members_read_the_targets_without_a_form(client, member):
    client.force_login(member)
    html = client.get(reverse("targets_edit", args=["birmingham", 2018])).content.decode()
    assert "21% (17–24%)" in html  # the band as the contract prints it
    assert 'name="target_' not in html and "Save targets" not in html
    assert (
        "targets-copy"
        not in client.get(reverse("targets_edit", args=["birmingham", 2019])).content.decode()
    )
    sandwell = client.get(reverse("targets_edit", args=["sandwell", 2018])).content.decode()
    assert sandwell.count("Target not yet agreed</td>") == 15
