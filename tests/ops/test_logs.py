"""JSON log lines: the formatter, gunicorn's access log, the LOG_FORMAT switch."""

import datetime as dt
import doctest
import json
import logging
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import RequestFactory
from gunicorn.glogging import SafeAtoms

from ops import logs
from ops.logs import GunicornAccessFormatter, JSONFormatter, gunicorn_logconfig, log_format

BASE_DIR = Path(__file__).resolve().parents[2]


def _record(message="Login failed", *args, level=logging.WARNING, name="trustmonitor.security",
            exc_info=None, **extra):  # fmt: skip
    record = logging.LogRecord(name, level, __file__, 1, message, args or None, exc_info)
    record.created = dt.datetime(2026, 11, 29, 17, 0, 0, 250000, tzinfo=dt.UTC).timestamp()
    record.__dict__.update(extra)
    return record


def test_the_module_examples_hold():
    assert doctest.testmod(logs).failed == 0


def test_it_writes_the_four_fields_then_every_extra_field():
    line = JSONFormatter().format(
        _record(event="login_failed", user="officer", organisation="birmingham")
    )
    assert json.loads(line) == {
        "timestamp": "2026-11-29T17:00:00.250Z",
        "level": "WARNING",
        "logger": "trustmonitor.security",
        "message": "Login failed",
        "event": "login_failed",
        "user": "officer",
        "organisation": "birmingham",
    }
    assert "\n" not in line


def test_it_formats_the_message_with_its_arguments():
    entry = json.loads(JSONFormatter().format(_record("%s rows from %s", 15, "a.csv")))
    assert entry["message"] == "15 rows from a.csv"


def test_it_writes_values_json_lacks_as_text():
    entry = json.loads(
        JSONFormatter().format(
            _record(
                value=Decimal("24.1"),
                period=dt.date(2018, 11, 1),
                codes={"KPI2"},
                request=RequestFactory().get("/o/birmingham/?month=2018-11", HTTP_COOKIE="x=1"),
                other=object,
            )
        )
    )
    assert entry["value"] == "24.1"
    assert entry["period"] == "2018-11-01"
    assert entry["codes"] == ["KPI2"]
    # Django's request logger passes the request: only what was asked for.
    assert entry["request"] == {"method": "GET", "path": "/o/birmingham/"}
    assert entry["other"] == "<class 'object'>"


def test_an_extra_field_never_hides_a_standard_one():
    entry = json.loads(JSONFormatter().format(_record(level_name="x", logger="mine")))
    assert entry["logger"] == "trustmonitor.security"
    assert entry["extra_logger"] == "mine"


def test_it_writes_the_traceback_of_an_exception():
    try:
        raise ValueError("bad row")
    except ValueError:
        record = _record("Import failed", level=logging.ERROR, exc_info=sys.exc_info())
    entry = json.loads(JSONFormatter().format(record))
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert entry["exception"].endswith("ValueError: bad row")


def test_it_writes_gunicorns_access_atoms_as_fields():
    atoms = SafeAtoms(
        {
            "h": "10.0.0.5", "m": "GET", "U": "/healthz", "q": "", "s": "200", "B": 34,
            "D": 1234, "a": 'probe "v2"', "f": "-", "{x-forwarded-for}i": "203.0.113.9",
        }
    )  # fmt: skip
    record = _record("%(m)s %(U)s %(s)s", name="gunicorn.access", level=logging.INFO)
    record.args = atoms
    entry = json.loads(GunicornAccessFormatter().format(record))
    assert entry == {
        "timestamp": "2026-11-29T17:00:00.250Z",
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": "GET /healthz 200",
        "event": "http_request",
        "method": "GET",
        "path": "/healthz",
        "query": None,
        "status": 200,
        "bytes": 34,
        "duration_ms": 1.234,
        "remote_addr": "10.0.0.5",
        "forwarded_for": "203.0.113.9",
        "user_agent": 'probe "v2"',
        "referer": None,
    }


@pytest.mark.parametrize(
    ("environ", "debug", "expected"),
    [
        ({}, False, "json"),
        ({}, True, "text"),
        ({"LOG_FORMAT": "text"}, False, "text"),
        ({"LOG_FORMAT": " JSON "}, True, "json"),
    ],
)
def test_log_format_is_json_by_default_in_production(environ, debug, expected):
    assert log_format(environ, debug=debug) == expected


def test_an_unknown_log_format_is_an_error():
    with pytest.raises(ValueError, match="LOG_FORMAT='xml' is not one of: json, text"):
        log_format({"LOG_FORMAT": "xml"}, debug=False)


def test_gunicorn_keeps_its_own_text_format_when_asked():
    assert gunicorn_logconfig({"DEBUG": "false", "LOG_FORMAT": "text"}) == {}
    config = gunicorn_logconfig({"DEBUG": "false"})
    assert config["loggers"]["gunicorn.access"]["handlers"] == ["access"]
    assert config["handlers"]["access"]["stream"] == "ext://sys.stdout"


def _manage(*arguments, **env):
    inherited = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "LOG_LEVEL"}}
    environ = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "trustmonitor.settings",
        "DEBUG": "false",
        "SECRET_KEY": "test-" + "k" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }
    # The test interpreter and the project's manage.py; no shell.
    return subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_security_log_comes_out_as_json_in_production():
    """With DEBUG off and nothing else set: JSON on stderr, and the app's own
    loggers at INFO although LOG_LEVEL defaults to WARNING."""
    code = (
        "import logging; logging.getLogger('trustmonitor.security').info("
        "'Login failed', extra={'event': 'login_failed', 'user': 'officer'})"
    )
    finished = _manage("shell", "--no-imports", "-c", code)
    assert finished.returncode == 0, finished.stderr
    [line] = finished.stderr.splitlines()
    entry = json.loads(line)
    assert {k: entry[k] for k in ("level", "logger", "message", "event", "user")} == {
        "level": "INFO",
        "logger": "trustmonitor.security",
        "message": "Login failed",
        "event": "login_failed",
        "user": "officer",
    }


def test_log_format_text_writes_plain_lines():
    code = "import logging; logging.getLogger('trustmonitor.security').warning('Locked out')"
    finished = _manage("shell", "--no-imports", "-c", code, LOG_FORMAT="text")
    assert finished.returncode == 0, finished.stderr
    assert finished.stderr.rstrip().endswith("WARNING trustmonitor.security: Locked out")


def test_a_bad_log_setting_stops_start_up():
    finished = _manage("check", LOG_FORMAT="xml")
    assert finished.returncode != 0
    assert "LOG_FORMAT='xml' is not one of: json, text" in finished.stderr
    finished = _manage("check", LOG_LEVEL="LOUD")
    assert "LOG_LEVEL='LOUD' is not a logging level" in finished.stderr
