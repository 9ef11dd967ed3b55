"""End to end: an upload checked and saved by the real worker
(`manage.py db_worker`, as `make run` and production start it), in another
process than the one that queued it, through the database backend. On
PostgreSQL both processes use the test database; on SQLite a migrated
temporary file (an in-memory database is not shared)."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.ops.test_gunicorn import BASE_DIR, _database_url, _run

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60  # seconds; a loaded CI machine starts a worker slowly

# One process plays the officer's requests: it uploads Birmingham's November
# readings, waits for the worker to check them, confirms, and waits for the save.
OFFICER = """
import datetime as dt, json, sys, time
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from kpis import selectors, services
from kpis.models import Organisation, Reading, Upload, UploadState

WAIT = float(sys.argv[1])
call_command("loaddata", "birmingham", "sandwell", verbosity=0)
birmingham = Organisation.objects.get(slug="birmingham")
Organisation.objects.filter(pk=birmingham.pk).update(held_until=None)
officer = User.objects.create_user("officer")
birmingham.staff.add(officer)
data = b"kpi,period,value,commentary\\nKPI1,2018-11,86,\\nKPI2,2018-11,23,Fewer re-referrals\\n"
upload = services.upload_create(organisation=birmingham, user=officer, name="nov.csv", data=data)
states = [upload.state]

def wait_for(state):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.state != states[-1]:
            states.append(upload.state)
        if upload.state in (state, UploadState.FAILED):
            return
        time.sleep(0.05)

wait_for(UploadState.READY)
check = selectors.upload_check(upload)
summary = check.result.summary() if check else upload.error
services.upload_confirm_start(upload=upload, user=officer)
states.append(upload.state)
wait_for(UploadState.SAVED)
saved = sorted(
    (r.kpi.code, str(r.value.normalize()), r.commentary, r.source, r.entered_by.username)
    for r in Reading.objects.filter(kpi__organisation=birmingham, period=dt.date(2018, 11, 1))
)
print(json.dumps({"states": states, "summary": summary, "saved": saved,
                  "outcome": upload.checked, "data": upload.data, "table": upload.table}))
"""


def test_the_worker_checks_then_saves_an_upload(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DJANGO_ALLOW"))},
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "trustmonitor.example",
        "DATABASE_URL": _database_url(tmp_path),
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    if "sqlite" in env["DATABASE_URL"]:
        _run([*manage, "migrate", "--noinput", "-v", "0"], env)
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        # The venv's own interpreter; no shell.
        worker = subprocess.Popen(  # noqa: S603
            [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        finished = _run([sys.executable, "-c", OFFICER, str(WAIT)], env)
    finally:
        worker.terminate()
        worker.wait(timeout=WAIT)

    seen = json.loads(finished.stdout.strip().splitlines()[-1])
    worker_log = log.read_text()
    # Queued by the officer's process, taken and finished by the worker.
    assert seen["states"][0] == "queued", worker_log
    assert seen["states"][-1] == "saved", (seen, worker_log)
    assert "ready" in seen["states"] and "saving" in seen["states"]
    assert seen["summary"] == "2 new, 0 changed, 0 unchanged; dry run: nothing saved"
    assert seen["saved"] == [
        ["KPI1", "86", "", "upload", "officer"],
        ["KPI2", "23", "Fewer re-referrals", "upload", "officer"],
    ]
    assert seen["outcome"] == {
        "summary": "2 new, 0 changed, 0 unchanged; saved",
        "months": ["2018-11-01"],
    }
    assert (seen["data"], seen["table"]) == (None, None)  # neither the file nor its table kept
    assert "kpis.tasks.upload_check_run state=SUCCESSFUL" in worker_log
    assert "kpis.tasks.upload_save_run state=SUCCESSFUL" in worker_log
    assert worker.returncode == 0, worker_log
