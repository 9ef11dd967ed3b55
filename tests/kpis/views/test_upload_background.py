"""Uploads run in the background worker: the page says what the worker is
doing (waiting, reading, "Checking row 4,000 of 10,001", saving) and
refreshes itself, shows the kept check as the preview, and lands on the
return once saved. A task that fails says why and loses nothing.

The database backend queues a task without running it, as production does
before the worker takes it; ``_work`` then runs the queued tasks as the
worker would. Elsewhere the tests' immediate backend runs each at once."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kpis import services
from kpis.imports import readings
from kpis.models import Reading, Target, Upload, UploadKind, UploadState

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CSV = b"kpi,period,value,commentary\nKPI1,2018-11,86,\nKPI2,2018-11,23,\n"
NOV = dt.date(2018, 11, 1)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

pytestmark = pytest.mark.usefixtures("unreturned_seeds")


@pytest.fixture
def queue(settings):
    """Tasks wait in the database until ``_work`` runs them."""
    settings.TASKS = DATABASE_TASKS


def _work():
    """Run every queued task, oldest first, as db_worker does; returns their names."""
    ran = []
    for row in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at", "id"):
        row.status = "RUNNING"
        row.save(update_fields=["status"])
        row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.status = "SUCCESSFUL"
        row.save(update_fields=["status"])
        ran.append(row.task_path.rsplit(".", 1)[1])
    return ran


def _november():
    return Reading.objects.filter(kpi__organisation__slug="birmingham", period=NOV)


def _upload(client, user, data=CSV, name="november.csv", slug="birmingham"):
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=[slug]), {"file": SimpleUploadedFile(name, data)}
    )
    upload = Upload.objects.latest("pk")
    assert response.url == reverse("upload_preview", args=[slug, upload.pk])
    return upload


def _page(client, upload, slug="birmingham"):
    return client.get(reverse("upload_preview", args=[slug, upload.pk]))


def _get_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"][:80] for q in queries.captured_queries if WRITE.match(q["sql"])]


# --- Progress ---------------------------------------------------------------------------


def test_a_queued_upload_waits_for_the_worker_then_shows_its_preview(client, officer, queue):
    upload = _upload(client, officer)
    assert (upload.state, upload.table, bytes(upload.data)) == (UploadState.QUEUED, None, CSV)
    page = _page(client, upload).content.decode()
    assert "Waiting for the worker" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "This page refreshes every 3 seconds until the work ends" in page
    assert 'id="follow" data-follow-seconds="3"' in page  # js/follow-progress.js updates it
    assert "js/follow-progress.js" in page
    assert "Save these readings" not in page

    assert _work() == ["upload_check_run"]
    upload.refresh_from_db()
    assert upload.state == UploadState.READY and upload.data is None  # the file, read once
    page = _page(client, upload).content.decode()
    assert "2 new, 0 changed, 0 unchanged." in page
    assert "Save these readings" in page
    assert 'http-equiv="refresh"' not in page  # nothing left to follow


def test_the_check_writes_the_row_it_has_reached_as_it_goes(officer, seeds, monkeypatch):
    data = b"kpi,period,value\n" + b"".join(
        b"KPI%d,%d-%02d,50\n" % (1 + n % 15, 2008 + n // 180, 1 + (n // 15) % 12)
        for n in range(1200)
    )
    seen = []
    parse = readings._parse_readings

    def watched(table, organisation, today, chosen=None, on_row=lambda n: None):
        def row(number):
            on_row(number)
            if number % 250 == 0:  # what the page would read at this moment
                seen.append(Upload.objects.values_list("state", "step", "steps").get())

        return parse(table, organisation, today, chosen, row)

    monkeypatch.setattr(readings, "_parse_readings", watched)
    upload = services.upload_create(
        organisation=seeds["birmingham"], user=officer, name="long.csv", data=data
    )
    assert seen[0] == (UploadState.CHECKING, 250, 1201)
    assert [step for _, step, _ in seen] == [250, 500, 750, 1000]
    assert (upload.state, upload.step, upload.steps) == (UploadState.READY, 1201, 1201)


@pytest.mark.parametrize(
    ("state", "step", "steps", "says"),
    [
        (UploadState.READING, 0, 0, "Reading the file"),
        (UploadState.CHECKING, 4000, 10001, "Checking row 4,000 of 10,001"),
        (UploadState.SAVING, 0, 10001, "all of them, or none if any is refused"),
    ],
)
def test_the_page_says_what_the_worker_is_doing(client, officer, queue, state, step, steps, says):
    upload = _upload(client, officer)
    Upload.objects.filter(pk=upload.pk).update(state=state, step=step, steps=steps)
    response, writes = _get_writes(
        client, reverse("upload_preview", args=["birmingham", upload.pk])
    )
    page = response.content.decode()
    assert says in page
    if state == UploadState.CHECKING:
        assert '<progress id="progress-upload" class="w-100" value="4000" max="10001">' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert writes == []  # the page only reads


def test_no_page_of_an_upload_writes_in_any_state(client, officer, queue):
    upload = _upload(client, officer)
    url = reverse("upload_preview", args=["birmingham", upload.pk])
    assert _get_writes(client, url)[1] == []  # queued
    _work()
    assert _get_writes(client, url)[1] == []  # checked: the preview
    assert _get_writes(client, url + "errors.csv")[1] == []
    Upload.objects.filter(pk=upload.pk).update(state=UploadState.FAILED, error="Broken.")
    assert _get_writes(client, url)[1] == []  # failed
    Upload.objects.filter(pk=upload.pk).update(state=UploadState.READY)
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    _work()
    response, writes = _get_writes(client, url)  # saved: on to the return
    assert response.url == reverse("return_detail", args=["birmingham", "2018-11"])
    assert writes == []


# --- Saving ------------------------------------------------------------------------------


def test_a_confirmed_upload_is_saved_by_the_worker_and_lands_on_its_return(client, officer, queue):
    upload = _upload(client, officer)
    _work()
    response = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert response.url == reverse("upload_preview", args=["birmingham", upload.pk])
    page = _page(client, upload).content.decode()
    assert "Saving" in page and '<meta http-equiv="refresh" content="3">' in page
    assert not _november().exists()

    assert _work() == ["upload_save_run"]
    landed = _page(client, upload)
    assert landed.url == reverse("return_detail", args=["birmingham", "2018-11"])
    follow = client.get(landed.url).content.decode()
    assert "november.csv: 2 new, 0 changed, 0 unchanged; saved." in follow
    assert _november().count() == 2


def test_a_second_confirm_while_saving_queues_nothing(client, officer, queue):
    upload = _upload(client, officer)
    _work()
    url = reverse("upload_confirm", args=["birmingham", upload.pk])
    client.post(url)
    second = client.post(url, follow=True)
    assert "november.csv: This upload is saving already. Nothing will be saved twice." in (
        second.content.decode()
    )
    assert _work() == ["upload_save_run"]  # one save
    third = client.post(url, follow=True)
    assert "already saved at" in third.content.decode()
    assert _november().count() == 2
    assert all(r.history.count() == 1 for r in _november())


def test_a_confirm_before_the_check_ends_is_refused(client, officer, queue):
    upload = _upload(client, officer)
    response = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]), follow=True)
    assert "This upload is waiting for the worker already." in response.content.decode()
    assert _work() == ["upload_check_run"]  # no save was queued


def test_the_database_moving_since_the_check_is_said_on_the_page(client, officer, seeds, queue):
    upload = _upload(client, officer, b"kpi,period,value\nKPI1,2018-11,86\n")
    _work()
    # The month's return is accepted meanwhile: a locked month refuses the file.
    services.monthly_return_get_or_create(organisation=seeds["birmingham"], period=NOV)
    from kpis.models import MonthlyReturn, ReturnState

    MonthlyReturn.objects.filter(period=NOV).update(state=ReturnState.ACCEPTED)
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    _work()
    page = _page(client, upload).content.decode()
    assert "Nothing was saved: the file now has errors (see below)." in page
    assert "Row 2" in page
    assert not _november().exists()


# --- Failures ----------------------------------------------------------------------------


def test_a_failed_check_says_why_and_can_run_again(client, officer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away.")

    monkeypatch.setattr(services, "upload_read", broken)
    upload = _upload(client, officer)
    upload.refresh_from_db()
    assert upload.state == UploadState.FAILED
    assert upload.table is not None  # the file's table is kept
    page = _page(client, upload).content.decode()
    assert "The check stopped: the database went away." in page
    assert "Nothing has been saved; the file is kept" in page
    assert "Check it again" in page
    assert 'http-equiv="refresh"' not in page

    monkeypatch.undo()
    client.post(reverse("upload_check", args=["birmingham", upload.pk]))
    assert "2 new, 0 changed, 0 unchanged." in _page(client, upload).content.decode()


def test_a_failed_save_saves_nothing_and_can_be_tried_again(client, officer, monkeypatch):
    upload = _upload(client, officer)

    def broken(**kwargs):
        raise RuntimeError("the disk is full.")

    monkeypatch.setattr(readings, "held_span_extend", broken)
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    page = _page(client, upload).content.decode()
    assert "Saving stopped: the disk is full. Nothing was saved: the save is all or nothing." in (
        page
    )
    assert not _november().exists()
    assert not Reading.history.filter(period=NOV, kpi__organisation__slug="birmingham").exists()

    monkeypatch.undo()
    client.post(reverse("upload_check", args=["birmingham", upload.pk]))
    saved = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]), follow=True)
    assert saved.redirect_chain[-1][0] == reverse("return_detail", args=["birmingham", "2018-11"])
    assert _november().count() == 2


# --- Expiry and ownership ------------------------------------------------------------------


def test_an_expired_upload_is_gone_whatever_its_state(client, officer, queue):
    upload = _upload(client, officer)
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert _page(client, upload).status_code == 410  # still queued
    check = client.post(reverse("upload_check", args=["birmingham", upload.pk]))
    assert check.status_code == 410
    assert "This upload has expired; upload the file again." in check.content.decode()
    Upload.objects.filter(pk=upload.pk).delete()  # as expire_uploads does
    assert _work() == ["upload_check_run"]  # the worker finds nothing to do


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 403), ("commissioner", 404), ("sandwell_officer", 404), ("admin_user", 404)],
)
def test_it_checks_ownership(client, officer, queue, request, role, status):
    upload = _upload(client, officer)
    client.force_login(request.getfixturevalue(role))
    assert _page(client, upload).status_code == status
    check = client.post(reverse("upload_check", args=["birmingham", upload.pk]))
    confirm = client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    assert (check.status_code, confirm.status_code) == (status, status)
    assert _work() == ["upload_check_run"]  # nothing more was queued


# --- Targets -----------------------------------------------------------------------------


def test_a_targets_file_is_checked_and_saved_by_the_worker(client, commissioner, queue):
    client.force_login(commissioner)
    data = b"kpi,valid_from,target,lower,upper\nKPI2,2019-04-01,20,16,23\n"
    client.post(
        reverse("targets_upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("targets.csv", data)},
    )
    upload = Upload.objects.get(kind=UploadKind.TARGETS)
    url = reverse("targets_upload_preview", args=["birmingham", upload.pk])
    assert "Waiting for the worker" in client.get(url).content.decode()
    _work()
    assert "1 new, 0 changed, 0 unchanged." in client.get(url).content.decode()
    client.post(reverse("targets_upload_confirm", args=["birmingham", upload.pk]))
    assert "Saving" in client.get(url).content.decode()
    assert not Target.objects.filter(valid_from=dt.date(2019, 4, 1)).exists()
    _work()
    landed = client.get(url, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("targets_edit", args=["birmingham", 2019])
    assert "targets.csv: 1 new, 0 changed, 0 unchanged; saved." in landed.content.decode()
    again = client.post(
        reverse("targets_upload_confirm", args=["birmingham", upload.pk]), follow=True
    )
    assert "already saved at" in again.content.decode()
    assert Target.objects.get(valid_from=dt.date(2019, 4, 1)).history.count() == 1


def test_the_pages_own_poll_is_told_the_work_ended_without_moving_on(client, officer):
    """js/follow-progress.js asks with X-Follow: a saved upload answers it
    "Saved" and no message, so the return it then loads says "saved" once."""
    upload = _upload(client, officer)
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    url = reverse("upload_preview", args=["birmingham", upload.pk])
    polled = client.get(url, headers={"X-Follow": "1"})
    assert polled.status_code == 200
    assert "Go on to what was saved" in polled.content.decode()
    assert "data-follow-seconds" not in polled.content.decode()  # the script loads the page
    landed = client.get(url, follow=True).content.decode()
    assert landed.count("november.csv: 2 new, 0 changed, 0 unchanged; saved.") == 1
