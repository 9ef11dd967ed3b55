"""gunicorn's settings for production, read from the environment.

    gunicorn -c gunicorn.conf.py        # or: make serve

Every variable is listed in docs/deploy.md. Logs: the access log on stdout,
gunicorn's own log on stderr (and Django's, from settings.LOGGING), as JSON
lines unless LOG_FORMAT=text.
"""

import os
import sys
from pathlib import Path

# gunicorn reads this file before it puts the project on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ops.logs import gunicorn_logconfig  # noqa: E402

wsgi_app = "trustmonitor.wsgi:application"

# Comma-separated addresses, e.g. "127.0.0.1:8000" behind a proxy on the same
# host, "0.0.0.0:8000" in a container, "unix:/run/trustmonitor.sock".
bind = [
    b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b.strip()
]
# Synchronous workers: each serves one request at a time. Two per core plus
# one is gunicorn's advice; WEB_CONCURRENCY is the name hosting platforms set.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# A 5 MB workbook upload is read and validated within the request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200

# No runtime control socket (gunicornc): it defaults to one path per user,
# which two instances on one host would share. Signals still work (HUP
# reloads, TERM stops gracefully).
control_socket_disable = True


def on_starting(server):
    """No `Server: gunicorn` header: gunicorn has no setting for it, so its
    response's default headers are filtered once, in the master, before any
    worker is forked. (A proxy in front may add its own; docs/deploy.md.)"""
    from gunicorn.http import wsgi

    default_headers = wsgi.Response.default_headers

    def without_server(self):
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    wsgi.Response.default_headers = without_server


def post_worker_init(worker):
    """Before the worker takes a request: do its one-off work (every view
    imported, the templates compiled: its first log-in page took up to 2 s
    without), then move everything loaded so far out of the garbage
    collector's sight: a full collection then walks only what a request
    made, which took the dashboard's p95 from 152 to 86 ms."""
    import gc

    from trustmonitor.warmup import warm

    warm()
    gc.collect()
    gc.freeze()


accesslog = "-"
errorlog = "-"
loglevel = "info"
logconfig_dict = gunicorn_logconfig()
if logconfig_dict:
    # JSON: the path, query, status, size, duration, client and user agent
    # are fields of their own (ops.logs.GunicornAccessFormatter); this is
    # the message text. As text, gunicorn's usual combined format.
    access_log_format = "%(m)s %(U)s %(s)s"
