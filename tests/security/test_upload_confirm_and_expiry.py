"""One upload, confirmed several times at once, is saved and reported once;
an upload nobody confirms expires, and what a confirmed one keeps is small."""

import datetime as dt
import logging
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kpis import services
from kpis.models import Reading, Upload
from trustmonitor.security import LOGGER_NAME

CSV = b"kpi,period,value,commentary\nKPI1,2018-11,86,\nKPI2,2018-11,23,\n"
NOV = dt.date(2018, 11, 1)
WAIT = 30  # seconds; only reached when something is broken


def _upload(client, user, csv=CSV):
    client.force_login(user)
    client.post(
        reverse("upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("november.csv", csv)},
    )
    return Upload.objects.latest("pk")


def _confirm(client, upload):
    return client.post(reverse("upload_confirm", args=["birmingham", upload.pk]), follow=True)


def _imported(caplog):
    return [r for r in caplog.records if r.name == LOGGER_NAME and r.event == "readings_imported"]


def _november():
    return Reading.objects.filter(kpi__organisation__slug="birmingham", period=NOV)


# --- Confirming twice --------------------------------------------------------------------


@pytest.mark.usefixtures("unreturned_seeds")
def test_a_second_confirm_says_it_was_already_saved(client, officer, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    upload = _upload(client, officer)
    first = _confirm(client, upload)
    assert "november.csv: 2 new, 0 changed, 0 unchanged; saved." in first.content.decode()
    history = Reading.history.filter(period=NOV).count()

    second = _confirm(client, upload)
    html = second.content.decode()
    assert second.status_code == 200
    assert "already saved at" in html and "Nothing was saved again." in html
    assert "2 new" not in html
    assert len(_imported(caplog)) == 1
    assert _november().count() == 2
    assert Reading.history.filter(period=NOV).count() == history  # nothing written again


@pytest.mark.usefixtures("unreturned_seeds")
def test_a_confirmed_upload_keeps_no_table(client, officer):
    upload = _upload(client, officer)
    assert upload.table  # what the preview reads
    _confirm(client, upload)
    upload.refresh_from_db()
    assert upload.saved_at is not None
    assert upload.table is None
    assert upload.name == "november.csv"  # the record of who uploaded what stays


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database for a write; row locks need PostgreSQL",
)
@pytest.mark.usefixtures("unreturned_seeds")
def test_simultaneous_confirms_save_and_report_once(officer, caplog, monkeypatch):
    """Three confirmations of one upload at once: the first to lock the upload
    saves; the others wait on its row lock, then find it saved."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    upload = _upload(Client(), officer)
    inside, release = threading.Event(), threading.Event()
    read = services.upload_read

    def paused_read(*args, **kwargs):
        # Thread "a" holds the upload's lock here, before it saves anything.
        if threading.current_thread().name == "a":
            inside.set()
            release.wait(WAIT)
        return read(*args, **kwargs)

    monkeypatch.setattr(services, "upload_read", paused_read)
    pages = {}

    def confirm(name):
        def work():
            try:
                client = Client()
                client.force_login(officer)
                pages[name] = _confirm(client, upload).content.decode()
            finally:
                connections.close_all()

        return threading.Thread(target=work, name=name)

    threads = [confirm(name) for name in "abc"]
    threads[0].start()
    assert inside.wait(WAIT), "the first confirmation never took the lock"
    for thread in threads[1:]:
        thread.start()
    try:
        deadline = time.monotonic() + WAIT
        waiting = 0
        with connection.cursor() as cursor:
            while waiting < 2 and time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                waiting = cursor.fetchone()[0]
                time.sleep(0.05)
        assert waiting == 2, "the other confirmations did not wait for the upload's lock"
        assert set(pages) == set()  # nobody finished while the first held the lock
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)

    assert "november.csv: 2 new, 0 changed, 0 unchanged; saved." in pages["a"]
    for name in "bc":
        assert "already saved at" in pages[name], pages[name][:2000]
        assert "2 new" not in pages[name]
    assert len(_imported(caplog)) == 1
    assert _november().count() == 2
    assert all(r.history.count() == 1 for r in _november())


# --- Expiry ----------------------------------------------------------------------------------


def _age(upload, hours):
    Upload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


@pytest.mark.usefixtures("unreturned_seeds")
@pytest.mark.parametrize("page", ["upload_preview", "upload_errors_csv"])
def test_an_expired_upload_says_so_with_410(client, officer, settings, page):
    settings.UPLOAD_EXPIRY_HOURS = 24
    upload = _upload(client, officer)
    _age(upload, 23)
    assert client.get(reverse(page, args=["birmingham", upload.pk])).status_code == 200
    _age(upload, 25)
    response = client.get(reverse(page, args=["birmingham", upload.pk]))
    assert response.status_code == 410
    assert "This upload has expired; upload the file again." in response.content.decode()
    assert Upload.objects.filter(pk=upload.pk).exists()  # a GET never deletes


@pytest.mark.usefixtures("unreturned_seeds")
def test_an_expired_upload_cannot_be_confirmed(client, officer):
    upload = _upload(client, officer)
    _age(upload, 25)
    response = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert response.status_code == 410
    assert "upload the file again" in response.content.decode()
    assert not _november().exists()


@pytest.mark.usefixtures("unreturned_seeds")
def test_uploads_expire_deletes_only_unconfirmed_uploads_past_the_limit(client, officer):
    confirmed = _upload(client, officer)
    _confirm(client, confirmed)
    old = _upload(client, officer)
    fresh = _upload(client, officer)
    _age(confirmed, 100)
    _age(old, 25)
    _age(fresh, 1)
    assert services.uploads_expire() == 1
    assert set(Upload.objects.values_list("pk", flat=True)) == {confirmed.pk, fresh.pk}
    # ``now`` is the scheduler's clock: a day on, the fresh one goes too.
    assert services.uploads_expire(now=timezone.now() + dt.timedelta(hours=24)) == 1
    assert list(Upload.objects.values_list("pk", flat=True)) == [confirmed.pk]


@pytest.mark.usefixtures("unreturned_seeds")
def test_the_expire_uploads_command_says_how_many_and_logs_it(client, officer, caplog, capsys):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    _age(_upload(client, officer), 48)
    call_command("expire_uploads")
    assert "Deleted 1 upload(s) not confirmed within 24 hours." in capsys.readouterr().out
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "uploads_expired"]
    assert record.deleted == 1
    assert not Upload.objects.exists()


def test_the_expiry_setting_is_read_strictly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from trustmonitor.settings import env_int

    monkeypatch.setenv("UPLOAD_EXPIRY_HOURS", "12")
    assert env_int("UPLOAD_EXPIRY_HOURS", 24) == 12
    for bad in ("0", "-3", "a day"):
        monkeypatch.setenv("UPLOAD_EXPIRY_HOURS", bad)
        with pytest.raises(ImproperlyConfigured):
            env_int("UPLOAD_EXPIRY_HOURS", 24)


def test_the_daily_job_deletes_an_expired_upload(client, officer):
    from notifications.tasks import daily_job_run

    old = _upload(client, officer)
    _age(old, 25)
    result = daily_job_run.enqueue("kpis.services.uploads_expire")
    assert result.status == "SUCCESSFUL"
    assert not Upload.objects.filter(pk=old.pk).exists()
