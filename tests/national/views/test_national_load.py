"""DfE's files loaded in the background from a page, with progress: the
administrator queues the load, the worker (the immediate backend here) runs
it, the page shows each step; a refused file stops it and says which."""

import pytest
from django.urls import reverse

from kpis.models import KPI
from national import demo
from national.models import LoadState, Measure, NationalLoad

URL = "/national-statistics/load/"


def test_the_url_is_outside_the_measures(db):
    assert reverse("national_load") == URL


def test_an_administrator_loads_every_file_and_sees_each_step(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL)
    assert response.status_code == 302

    load = NationalLoad.objects.get()
    assert (load.state, load.step, load.steps) == (LoadState.DONE, 9, 9)
    assert load.started_by == admin_user and load.finished_at is not None
    assert Measure.objects.count() == 6
    assert KPI.objects.filter(national_measure__isnull=False).count() == 4

    page = client.get(URL).content.decode()
    assert "Done" in page
    assert 'value="9" max="9"' in page
    assert "vacancy-rate: 1463 values from csww_indicators_2017_to_2025.csv" in page
    assert "DfE 2025: 153 local authorities" in page
    assert "4 KPIs linked to a national measure." in page
    assert 'http-equiv="refresh"' not in page  # nothing left to follow


def test_a_queued_load_is_followed_and_not_started_twice(client, admin_user):
    client.force_login(admin_user)
    client.post(URL)  # no commit in this test: the task is never queued

    page = client.get(URL).content.decode()
    assert "Waiting for the worker" in page
    assert 'value="0" max="9"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "A load is already queued or running." in page


def test_a_refused_file_stops_the_load_and_says_which(
    client, admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    bad = ("bad", "csww_indicators_2017_to_2025.csv", "no_such_indicator", {}, "Bad", "lower",
           "percent", "")  # fmt: skip
    monkeypatch.setattr(demo, "MEASURES", [demo.MEASURES[0], bad])
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL)

    load = NationalLoad.objects.get()
    assert (load.state, load.step) == (LoadState.FAILED, 1)
    assert load.error.startswith("csww_indicators_2017_to_2025.csv: ")
    assert Measure.objects.filter(slug="vacancy-rate").exists()  # the file before it
    page = client.get(URL).content.decode()
    assert "The load stopped: csww_indicators_2017_to_2025.csv: " in page


@pytest.mark.parametrize("role", ["member", "officer", "commissioner"])
def test_only_an_administrator_may_start_one(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.post(URL).status_code == 403
    assert not NationalLoad.objects.exists()


def test_the_command_still_loads_everything_at_once(seeds):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_national_demo", stdout=out)
    assert "4 KPIs linked to a national measure." in out.getvalue()
    assert not NationalLoad.objects.exists()
