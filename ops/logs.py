"""Log records as one JSON object per line, for Django and for gunicorn.

Settings' ``LOGGING`` and ``gunicorn.conf.py`` name these classes; neither
this module nor its imports touch Django settings, so gunicorn can load it
before Django starts.

>>> record = logging.LogRecord("trustmonitor.security", logging.WARNING, __file__, 1,
...                            "Login failed", None, None)
>>> record.created = 1795971600.0
>>> record.event, record.user = "login_failed", "officer"
>>> json.loads(JSONFormatter().format(record))  # doctest: +NORMALIZE_WHITESPACE
{'timestamp': '2026-11-29T17:00:00.000Z', 'level': 'WARNING',
 'logger': 'trustmonitor.security', 'message': 'Login failed',
 'event': 'login_failed', 'user': 'officer'}
"""

import datetime as dt
import json
import logging
import os
from collections.abc import Mapping
from decimal import Decimal

# Attributes every LogRecord has; anything else on a record came from
# ``extra=`` and is written out as a field of its own.
_RECORD_ATTRIBUTES = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
}

LOG_FORMATS = ("json", "text")


def log_format(environ: Mapping[str, str], *, debug: bool) -> str:
    """LOG_FORMAT from the environment: ``json`` or ``text``; by default
    text in debug mode and JSON otherwise."""
    value = environ.get("LOG_FORMAT", "text" if debug else "json").strip().lower()
    if value not in LOG_FORMATS:
        # Settings turn this into ImproperlyConfigured; gunicorn stops on it.
        raise ValueError(f"LOG_FORMAT={value!r} is not one of: {', '.join(LOG_FORMATS)}")
    return value


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    # Django's request logger passes the HttpRequest itself: write what was
    # asked for, not the object's repr (and never its cookies or body).
    if hasattr(value, "method") and hasattr(value, "get_full_path"):
        return {"method": value.method, "path": value.path}
    return str(value)


class JSONFormatter(logging.Formatter):
    """timestamp (UTC, ISO 8601), level, logger and message, then every
    ``extra`` field (user, organisation, event, …), then the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in self.fields(record).items():
            # An extra field never hides one of the four above.
            entry[f"extra_{key}" if key in entry else key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=_jsonable, ensure_ascii=False)

    def fields(self, record: logging.LogRecord) -> dict:
        return {
            key: value
            for key, value in record.__dict__.items()
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
        }


def _atom(atoms: Mapping, key: str):
    value = atoms.get(key)
    if value in (None, "-", ""):
        return None
    # gunicorn escapes double quotes for its text format; JSON does its own.
    return value.replace('\\"', '"') if isinstance(value, str) else value


class GunicornAccessFormatter(JSONFormatter):
    """gunicorn's access log: gunicorn passes the request's "atoms" as the
    record's arguments; each becomes a named field."""

    def fields(self, record: logging.LogRecord) -> dict:
        fields = super().fields(record)
        atoms = record.args if isinstance(record.args, Mapping) else {}
        status = _atom(atoms, "s")
        duration = _atom(atoms, "D")
        fields.update(
            event="http_request",
            method=_atom(atoms, "m"),
            path=_atom(atoms, "U"),
            query=_atom(atoms, "q"),
            status=int(status) if str(status).isdigit() else status,
            bytes=_atom(atoms, "B"),
            duration_ms=round(duration / 1000, 3) if isinstance(duration, int) else None,
            remote_addr=_atom(atoms, "h"),
            forwarded_for=_atom(atoms, "{x-forwarded-for}i"),
            user_agent=_atom(atoms, "a"),
            referer=_atom(atoms, "f"),
        )
        return fields


def gunicorn_logconfig(environ: Mapping[str, str] | None = None) -> dict:
    """gunicorn's ``logconfig_dict``: its error log (stderr) and access log
    (stdout) as JSON lines; empty (gunicorn's own text format) when
    LOG_FORMAT is text."""
    environ = os.environ if environ is None else environ
    debug = environ.get("DEBUG", "true").strip().lower() in {"1", "true", "yes", "on"}
    if log_format(environ, debug=debug) != "json":
        return {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "ops.logs.JSONFormatter"},
            "access": {"()": "ops.logs.GunicornAccessFormatter"},
        },
        "handlers": {
            "error": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "root": {"level": "WARNING", "handlers": ["error"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


class RefusedHostFilter(logging.Filter):
    """Django logs a request for a host not in ALLOWED_HOSTS at ERROR with a
    traceback (``django.security.DisallowedHost``): that is a scanner or a
    misdirected client, not a fault, so a WARNING line without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
