"""Two app servers behind one database and one Redis, as docs/deploy.md runs
them: an officer's save through one is on the other's dashboard at once.

Each server is a real gunicorn (this checkout's gunicorn.conf.py, one
worker) with CACHE_URL pointing at Redis on 127.0.0.1:6379 under a key
prefix of this test's own. On the PostgreSQL run they share the test
database; on SQLite a migrated temporary file.
"""

import csv
import http.cookiejar
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.ops.test_gunicorn import _database_url, _free_port

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS = ("127.0.0.1", 6379)
START = 60  # seconds; a loaded machine boots a worker slowly

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_or_skip():
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        message = f"Redis is not running at {REDIS[0]}:{REDIS[1]}: start redis-server to run this"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _manage(env, *arguments):
    finished = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


@pytest.fixture
def deployment(tmp_path):
    """(env, [port A, port B]): the seeds as `make run` loads them, the demo
    accounts, and two servers on them."""
    _redis_or_skip()
    prefix = f"test-two-servers-{secrets.token_hex(4)}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "GUNICORN_"))},
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "true",
        # One key for both: a session made by one server is good on the other.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(tmp_path),
        "CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "CACHE_KEY_PREFIX": prefix,
        "WEB_CONCURRENCY": "1",
    }
    if connection.vendor != "postgresql":
        _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "loaddata", "birmingham", "sandwell", "seed_returns", "-v", "0")
    _manage(env, "create_demo_accounts")
    processes, ports = [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = (tmp_path / f"server-{name}.log").open("wb")
            processes.append(
                subprocess.Popen(  # noqa: S603 - this checkout's gunicorn
                    [str(GUNICORN), "-c", "gunicorn.conf.py"],
                    cwd=BASE_DIR,
                    env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
            ports.append(port)
        for process, port, name in zip(processes, ports, "ab", strict=True):
            deadline = time.monotonic() + START
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310
                    break
                except OSError:
                    log = (tmp_path / f"server-{name}.log").read_text()
                    assert process.poll() is None, log
                    assert time.monotonic() < deadline, log
                    time.sleep(0.2)
        yield env, ports
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        import redis

        client = redis.Redis(*REDIS)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


class Browser:
    """One person's cookies, good on either server (one host, as behind a proxy)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, port, path) -> str:
        with self.opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.read().decode()

    def post(self, port, path, data) -> str:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(f"http://127.0.0.1:{port}{path}", body, timeout=30) as response:
            return response.read().decode()

    def log_in(self, port, username):
        self.get(port, "/accounts/login/")
        page = self.post(
            port, "/accounts/login/", {"username": username, "password": "demo-only-password"}
        )
        assert "Log out" in page or "Sign out" in page or "Organisations" in page


def _kpi2(browser, port) -> dict:
    rows = csv.DictReader(io.StringIO(browser.get(port, "/o/birmingham/status.csv")))
    return next(row for row in rows if row["kpi"] == "KPI2")


def test_a_save_through_one_server_is_seen_at_once_through_the_other(deployment):
    env, (a, b) = deployment
    officer = Browser()
    officer.log_in(a, "officer-birmingham")
    # Server B rates October and keeps it in Redis.
    assert (_kpi2(officer, b)["period"], _kpi2(officer, b)["status"]) == ("2018-10", "amber")
    import redis

    assert list(redis.Redis(*REDIS).scan_iter(f"{env['CACHE_KEY_PREFIX']}:*"))

    # Through server A the officer enters November: KPI2 at 24.1%, over its
    # band's upper edge of 24% (lower is better).
    form = officer.get(a, "/o/birmingham/returns/2018-11/")
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    kpi2 = _manage(
        env, "shell", "-v", "0", "-c",
        "from kpis.models import KPI; "
        "print(KPI.objects.get(organisation__slug='birmingham', code='KPI2').pk)",
    ).strip()  # fmt: skip
    saved = officer.post(
        a, "/o/birmingham/returns/2018-11/",
        {"version": version, f"value_{kpi2}": "24.1", f"commentary_{kpi2}": "TEST: over the band"},
    )  # fmt: skip
    assert "Draft saved." in saved

    # Server B, at once: its cached October is not what it serves.
    row = _kpi2(officer, b)
    assert (row["period"], row["value"], row["status"]) == ("2018-11", "24.1", "red")
    home = officer.get(b, "/")
    assert re.search(r"Birmingham.*?chip-red\">Red</span> <strong>1</strong>", home, re.S)
