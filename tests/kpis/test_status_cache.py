"""The shared status cache (kpis.status_cache): every write path moves the
organisation's version on in the database, so the dashboard and the home
page, read once to fill the cache, show the new status at once."""

import datetime as dt
import json
import re

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpis import services, status_cache
from kpis.imports import readings_import
from kpis.models import KPI, Comparator, MonthlyReturn, Reading, StatusVersion, Target
from kpis.status_cache import ALL_ORGANISATIONS, status_versions

OCT, NOV = dt.date(2018, 10, 1), dt.date(2018, 11, 1)


def _kpi(code, slug="birmingham"):
    return KPI.objects.get(organisation__slug=slug, code=code)


def _status(client, user, code="KPI2", period=None, slug="birmingham"):
    client.force_login(user)
    params = {"period": f"{period:%Y-%m}"} if period else {}
    response = client.get(reverse("dashboard", args=[slug]), params)
    assert response.status_code == 200
    status = next(row.status for row in response.context["rows"] if row.kpi.code == code)
    # The KPI's page, kept in the cache beside the dashboard, moves on with
    # it: the month's row says the same (a month after the KPI's last
    # reading has no row there).
    page = client.get(reverse("kpi_detail", args=[slug, code]))
    shown = {row.period: row.status for row in page.context["rows"]}
    month = response.context["table"].period
    assert shown.get(month, "missing") == status, (month, shown.get(month), status)
    # and its readings table (kept as HTML) shows those rows, newest first
    table = page.content.decode().split('id="readings-heading"')[1]
    assert re.findall(r'<tr class="status-(\w+)">', table) == list(shown.values())
    return status


def _home_counts(client, user, slug="birmingham"):
    client.force_login(user)
    response = client.get(reverse("home"))
    return next(
        (s["period"], s["counts"])
        for s in response.context["summaries"]
        if s["organisation"].slug == slug
    )


def _version(slug="birmingham"):
    versions = status_versions()
    organisation_id = KPI.objects.filter(organisation__slug=slug).first().organisation_id
    return versions.get(ALL_ORGANISATIONS, 0), versions.get(organisation_id, 0)


# --- the officer's draft writes (drafts shown to the trust's own staff) -----------


@pytest.mark.usefixtures("unreturned_seeds")
class TestTheTrustsWrites:
    def test_the_return_form_turns_kpi2_red_on_the_cached_dashboard(self, client, officer):
        assert _status(client, officer) == "amber"  # Oct 2018, the latest month: cached now
        before = _version()
        client.post(
            reverse("return_detail", args=["birmingham", "2018-11"]),
            {
                "version": 1,
                f"value_{_kpi('KPI2').pk}": "24.1",
                f"commentary_{_kpi('KPI2').pk}": "TEST: above the band.",
            },
        )
        assert _version() != before
        # November is the latest month now; 24.1% against 21% (17–24%),
        # lower is better: Red.
        assert _status(client, officer) == "red"

    def test_an_upload_confirmed_turns_kpi2_red(self, client, officer):
        assert _status(client, officer) == "amber"  # Oct 2018, 24%
        upload = services.upload_create(
            organisation=officer.organisations.get(), user=officer, name="TEST.csv",
            data=b"kpi,period,value,commentary\nKPI2,2018-10,24.1,TEST above the band\n",
        )  # fmt: skip
        result, error = services.upload_confirm(upload=upload, user=officer)
        assert error is None and result.saved
        assert _status(client, officer) == "red"

    def test_import_readings_turns_kpi2_red(self, client, officer, tmp_path):
        assert _status(client, officer) == "amber"
        path = tmp_path / "readings.csv"
        path.write_text("kpi,period,value,commentary\nKPI2,2018-10,24.1,TEST\n")
        call_command("import_readings", str(path), organisation="birmingham", stdout=None)
        assert _status(client, officer) == "red"

    def test_a_dry_run_moves_nothing_on(self, officer):
        before = _version()
        result = readings_import(
            organisation=officer.organisations.get(), name="TEST.csv",
            data=b"kpi,period,value\nKPI2,2018-10,24.1\n", user=officer, dry_run=True,
        )  # fmt: skip
        assert not result.saved
        assert _version() == before

    def test_a_cleared_reading_is_missing_at_once(self, client, officer):
        assert _status(client, officer, code="KPI2") == "amber"
        Reading.objects.get(kpi=_kpi("KPI2"), period=OCT).delete()
        assert _status(client, officer, code="KPI2") == "missing"


# --- the commissioners' writes -------------------------------------------------------


def test_the_targets_form_turns_kpi2_red(client, member, commissioner):
    assert _status(client, member) == "amber"
    services.targets_set(
        organisation=_kpi("KPI2").organisation, year=2018,
        entries={_kpi("KPI2"): {"target": 21, "lower": 17, "upper": 23}},
        user=commissioner, reason="TEST: the band narrowed",
    )  # fmt: skip
    # 24% is now beyond the upper edge, 23%.
    assert _status(client, member) == "red"
    assert _home_counts(client, member)[1]["red"] == 1


def test_import_targets_turns_kpi2_red(client, member, tmp_path):
    assert _status(client, member) == "amber"
    path = tmp_path / "targets.csv"
    path.write_text("kpi,valid_from,target,lower,upper\nKPI2,2018-04-01,21,17,23\n")
    call_command("import_targets", str(path), organisation="birmingham", stdout=None)
    assert _status(client, member) == "red"


def test_reopening_the_month_hides_it_from_members_at_once(client, member, commissioner):
    assert _home_counts(client, member) == (OCT, {"red": 0, "amber": 3, "green": 12, "other": 0})
    october = MonthlyReturn.objects.get(organisation__slug="birmingham", period=OCT)
    services.monthly_return_reopen(
        monthly_return=october, version=october.version, user=commissioner,
        reason="TEST: figures to check",
    )  # fmt: skip
    # A draft again: members read nothing of Birmingham's now.
    assert _home_counts(client, member) == (None, {"red": 0, "amber": 0, "green": 0, "other": 0})


@pytest.mark.usefixtures("unreturned_seeds")
def test_submitting_and_accepting_show_the_month_to_members(client, member, officer, commissioner):
    assert _home_counts(client, member)[0] is None
    october = services.monthly_return_get_or_create(
        organisation=officer.organisations.get(), period=OCT
    )
    services.monthly_return_submit(monthly_return=october, version=october.version, user=officer)
    assert _home_counts(client, member) == (OCT, {"red": 0, "amber": 3, "green": 12, "other": 0})
    before = _version()
    services.monthly_return_accept(
        monthly_return=october, version=october.version, user=commissioner
    )
    assert _version() != before


def test_an_admin_change_to_a_target_turns_kpi2_red(client, member, admin_user):
    assert _status(client, member) == "amber"
    target = Target.objects.get(kpi=_kpi("KPI2"), valid_from=dt.date(2018, 4, 1))
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:kpis_target_change", args=[target.pk]),
        {"kpi": target.kpi_id, "valid_from": "2018-04-01", "agreed": "on",
         "value": "21", "lower": "17", "upper": "23"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _status(client, member) == "red"


def test_a_kpi_polarity_change_in_the_admin_rerates_it(client, member):
    assert _status(client, member) == "amber"  # lower is better: 24 against 21
    kpi = _kpi("KPI2")
    kpi.polarity = "higher"
    kpi.save()
    assert _status(client, member) == "green"  # 24 ≥ 21


def test_loaddata_moves_every_organisation_on(client, member, tmp_path):
    assert _status(client, member) == "amber"
    reading = Reading.objects.get(kpi=_kpi("KPI2"), period=OCT)
    fixture = json.loads(serializers.serialize("json", [reading]))
    fixture[0]["fields"]["value"] = "24.1"
    path = tmp_path / "TEST_fixture.json"
    path.write_text(json.dumps(fixture))
    before = _version()
    call_command("loaddata", str(path), verbosity=0)
    assert _version()[0] != before[0]  # every organisation's
    assert _status(client, member) == "red"


def test_a_comparator_saved_moves_the_version_on(seeds):
    before, birmingham = _version("sandwell"), _version("birmingham")
    comparator = Comparator.objects.filter(kpi__organisation__slug="sandwell").first()
    comparator.value += 1
    comparator.save()
    assert _version("sandwell")[1] != before[1]
    assert _version("birmingham") == birmingham  # and only Sandwell's


def test_a_write_to_one_organisation_leaves_the_others_cached(client, member, commissioner):
    _home_counts(client, member)
    sandwell_before = _version("sandwell")
    services.targets_set(
        organisation=_kpi("KPI2").organisation, year=2018,
        entries={_kpi("KPI2"): {"target": 21, "lower": 17, "upper": 23}},
        user=commissioner, reason="TEST",
    )  # fmt: skip
    assert _version("sandwell") == sandwell_before


# --- reading never writes; a warm cache saves the work -----------------------------


def test_reading_pages_never_writes_a_version(client, member):
    rows = StatusVersion.objects.count()
    _status(client, member)
    _home_counts(client, member)
    assert StatusVersion.objects.count() == rows
    assert set(status_versions()) == {ALL_ORGANISATIONS}  # the seeds' loaddata only


def test_a_warm_dashboard_reads_fewer_queries(client, member):
    client.force_login(member)
    url = reverse("dashboard", args=["birmingham"])
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url)
    # The rating's readings, targets and comparators are not read again.
    assert len(warm) <= len(cold) - 3
    read = " ".join(q["sql"] for q in warm.captured_queries)
    assert '"kpis_reading"."value"' not in read and "kpis_comparator" not in read
    assert next(r.status for r in response.context["rows"] if r.kpi.code == "KPI2") == "amber"


def _report_status(client, user, code="KPI2", period=OCT):
    client.force_login(user)
    response = client.get(reverse("monthly_report", args=["birmingham", f"{period:%Y-%m}"]))
    assert response.status_code == 200
    return next(
        i.row.status for i in response.context["report"].indicators if i.row.kpi.code == code
    )


def test_the_report_reads_the_dashboards_ratings_and_moves_on_with_them(
    client, member, commissioner
):
    assert _status(client, member, period=OCT) == "amber"  # cached by the dashboard
    with CaptureQueriesContext(connection) as warm:
        assert _report_status(client, member) == "amber"
    assert not any('"kpis_reading"."value"' in q["sql"] for q in warm.captured_queries)
    services.targets_set(
        organisation=_kpi("KPI2").organisation, year=2018,
        entries={_kpi("KPI2"): {"target": 21, "lower": 17, "upper": 23}},
        user=commissioner, reason="TEST: the band narrowed",
    )  # fmt: skip
    assert _report_status(client, member) == "red"  # 24% beyond the new upper edge, 23%


def test_a_warm_home_reads_no_readings(client, member):
    client.force_login(member)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as warm:
        response = client.get(reverse("home"))
    assert not any("kpis_reading" in q["sql"] for q in warm.captured_queries)
    assert len(warm) <= 8
    assert "Birmingham" in response.content.decode()


def test_each_reader_gets_what_they_may_see(client, member, officer):
    """Drafts are in the key: the officer's draft month never reaches a member."""
    october = MonthlyReturn.objects.get(organisation__slug="birmingham", period=OCT)
    october.state = "draft"
    october.save()
    assert _home_counts(client, officer)[0] == OCT
    assert _home_counts(client, member)[0] is None


def test_the_day_is_in_the_key(client, officer, monkeypatch):
    """A month awaiting today may be missing tomorrow: yesterday's entry is not read."""
    _status(client, officer)
    keys = {status_cache._key("table", 1, {}, "latest")}
    monkeypatch.setattr(
        status_cache.timezone, "localdate", lambda: dt.date.today() + dt.timedelta(days=1)
    )
    assert status_cache._key("table", 1, {}, "latest") not in keys


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens here: the cache is down.
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
)
def test_pages_still_answer_when_the_cache_is_down(client, member):
    assert _status(client, member) == "amber"
    assert _home_counts(client, member)[0] == OCT
