"""The production server as `make serve` starts it: gunicorn with
gunicorn.conf.py, DEBUG off, static files from collectstatic served by
whitenoise, JSON logs. On the PostgreSQL run it uses the test database; on
SQLite a migrated temporary file."""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
START = 60  # seconds; a loaded CI machine boots a worker slowly

# transaction=True: the test database (PostgreSQL) holds committed tables
# that another process can see.
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp_path):
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def _run(arguments, env):
    # The venv's own interpreter and tools; no shell.
    finished = subprocess.run(  # noqa: S603
        arguments, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr
    return finished


# collectstatic as production runs it, less whitenoise's gzip and brotli
# copies (brotli takes half a minute over plotly.js): the same hashed names
# and manifest, which is what decides the cache headers.
_COLLECT_UNCOMPRESSED = """
import django
from django.core.management import call_command
from django.test.utils import override_settings
django.setup()
manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
with override_settings(STORAGES={"staticfiles": {"BACKEND": manifest}}):
    call_command("collectstatic", interactive=False, verbosity=0)
"""


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {
        # Not the test run's own switches (the browser tests' async override).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LOG_", "GUNICORN_", "DJANGO_ALLOW_ASYNC"))
        },
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    if connection.vendor != "postgresql":
        _run([*manage, "migrate", "--noinput", "-v", "0"], env)
    _run([sys.executable, "-c", _COLLECT_UNCOMPRESSED], env)
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        # This checkout's gunicorn.conf.py, as `make serve` runs it.
        process = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "-c", "gunicorn.conf.py"], cwd=BASE_DIR, env=env, stdout=out,
            stderr=err,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + START
        while True:
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, stderr.read_text()
            time.sleep(0.2)
        yield port, stdout, stderr, Path(env["STATIC_ROOT"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(port, path, headers=None):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        client.request("GET", path, headers=headers or {})
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


def _json_lines(path, want, timeout=10):
    """The log file's lines as JSON, once one satisfies ``want``."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if any(want(line) for line in lines) or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_gunicorn_serves_health_static_files_and_json_logs(server):
    port, stdout, stderr, static_root = server
    https = {"X-Forwarded-Proto": "https"}

    status, headers, body = _get(port, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
    assert "Set-Cookie" not in headers
    # No `Server: gunicorn` (gunicorn.conf.py's on_starting), on any response.
    assert "Server" not in headers
    # Other pages over plain HTTP go to HTTPS; the probe above did not.
    status, headers, _ = _get(port, "/")
    assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{port}/")

    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/trustmonitor.css"]
    status, headers, body = _get(port, f"/static/{hashed}", https)
    assert status == 200 and body
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Type"].startswith("text/css")
    assert "Server" not in headers

    status, headers, _ = _get(port, "/", https)
    assert status == 302 and "Server" not in headers  # to the log-in page

    assert _get(port, "/no-such-page/", https)[0] == 404

    def healthz_logged(line):
        return line.get("path") == "/healthz" and line.get("status") == 200

    access = _json_lines(stdout, healthz_logged)
    [healthz] = [line for line in access if healthz_logged(line)][:1]
    assert healthz["logger"] == "gunicorn.access"
    assert healthz["method"] == "GET" and healthz["event"] == "http_request"
    assert healthz["timestamp"].endswith("Z")
    assert any(line.get("path") == f"/static/{hashed}" for line in access)

    def not_found(line):
        return line.get("logger") == "django.request"

    errors = _json_lines(stderr, not_found)
    [missing] = [line for line in errors if not_found(line)]
    assert missing["level"] == "WARNING"
    assert missing["message"] == "Not Found: /no-such-page/"
    assert missing["request"] == {"method": "GET", "path": "/no-such-page/"}
    assert missing["status_code"] == 404
    assert any(line.get("logger") == "gunicorn.error" for line in errors)
