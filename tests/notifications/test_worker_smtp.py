"""End to end: an officer submits a return in one process, the real worker
(`manage.py db_worker`, as `make run` and production start it) picks up the
task and a real SMTP server on loopback receives the commissioner's email.
On PostgreSQL both processes use the test database; on SQLite a migrated
temporary file (an in-memory database is not shared)."""

import email
import email.policy
import os
import secrets
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from tests.ops.test_gunicorn import BASE_DIR, _database_url, _free_port, _run

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60  # seconds; a loaded CI machine starts a worker slowly

SUBMIT = """
import datetime as dt
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from kpis import services
from kpis.models import Organisation

call_command("loaddata", "birmingham", "sandwell", "seed_returns", verbosity=0)
groups = services.roles_ensure()
birmingham = Organisation.objects.get(slug="birmingham")
Organisation.objects.filter(pk=birmingham.pk).update(held_until=None)
officer = User.objects.create_user("officer", first_name="Olive", last_name="Officer")
officer.groups.add(groups["Performance officer"])
commissioner = User.objects.create_user("commissioner", email="commissioner@example.org")
commissioner.groups.add(groups["Commissioner"])
birmingham.staff.add(officer, commissioner)
monthly_return = services.monthly_return_get_or_create(
    organisation=birmingham, period=dt.date(2018, 11, 1)
)
services.monthly_return_submit(
    monthly_return=monthly_return, version=monthly_return.version, user=officer
)
"""


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_the_worker_emails_the_commissioner_when_a_return_is_submitted(smtp, tmp_path):
    inbox, port = smtp
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LOG_", "EMAIL_", "DJANGO_ALLOW_ASYNC"))
        },
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "trustmonitor.example",
        "DATABASE_URL": _database_url(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",  # aiosmtpd on loopback offers no STARTTLS
        "DEFAULT_FROM_EMAIL": "trustmonitor <reminders@trustmonitor.example>",
        "SITE_URL": "https://trustmonitor.example",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    if "sqlite" in env["DATABASE_URL"]:
        _run([*manage, "migrate", "--noinput", "-v", "0"], env)
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        # The venv's own interpreter; no shell.
        worker = subprocess.Popen(  # noqa: S603
            [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _run([sys.executable, "-c", SUBMIT], env)
        deadline = time.monotonic() + WAIT
        while not inbox.messages and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=WAIT)

    assert len(inbox.messages) == 1, log.read_text()
    [(recipients, message)] = inbox.messages
    assert recipients == ["commissioner@example.org"]
    assert message["From"] == "trustmonitor <reminders@trustmonitor.example>"
    # A subject past 78 characters is folded onto the next line; readers unfold it.
    assert message["Subject"].strip() == (
        "Birmingham Children's Trust: the November 2018 return is waiting for review"
    )
    body = message.get_content()
    assert "Olive Officer submitted the monthly return for November 2018" in body
    assert "Review it here: https://trustmonitor.example/o/birmingham/returns/2018-11/" in body
    assert "notifications.tasks.return_submitted_notify state=SUCCESSFUL" in log.read_text()
    assert worker.returncode == 0
