"""Log-in bursts: 50 SYNTHETIC members logging in within 10 s, through gunicorn.

Each member (synthetic-load-01…, scrutiny members, Argon2id hashes as
production stores them) fetches the log-in form, posts the password and
follows the redirect to the home page (every organisation's card, from the
status cache); a log-in's time is from the form's request to the home page's
last byte. The members start evenly over --spread seconds (10: "within
10 s"; 0: all at once). Runs gunicorn (this checkout's gunicorn.conf.py,
DEBUG off) once per setting: the worker counts of --workers, with the heap
frozen after start-up (gc.freeze, as production does) and, at the default
worker count, without it. Prints p50 / p95 / max per log-in, when the last
member was in, and errors.
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national500 \
     CACHE_URL=redis://127.0.0.1:6379/0 CACHE_KEY_PREFIX=bench-login \
     .venv/bin/python bench/login_burst.py [--users 50] [--spread 10] [--workers 2,3,5,8]
"""

import argparse
import http.client
import http.cookies
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from bench.load_test import PASSWORD, load_users  # noqa: E402

BIN = _common.ROOT / ".venv" / "bin"
AIM_SECONDS = 10
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# gunicorn.conf.py as production runs it (the worker warmed), less the heap
# freeze: to measure what gc.freeze() buys.
_NO_FREEZE = """
exec(compile(open({conf!r}).read(), {conf!r}, "exec"))


def post_worker_init(worker):
    from trustmonitor.warmup import warm

    warm()
"""


def start(port: int, workers: int, freeze: bool, folder: Path) -> subprocess.Popen:
    conf = _common.ROOT / "gunicorn.conf.py"
    if not freeze:
        conf_path = folder / "gunicorn-no-freeze.conf.py"
        conf_path.write_text(_NO_FREEZE.format(conf=str(conf)))
        conf = conf_path
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "ERROR",
    }
    log = (folder / f"gunicorn-{workers}-{freeze}.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        [str(BIN / "gunicorn"), "-c", str(conf), "--access-logfile", "/dev/null"],
        cwd=_common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(300):
        try:
            _request(port, "GET", "/healthz", {})
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {log.name}") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer: see {log.name}")


def _request(port, method, path, cookies, body=None):
    """(status, headers, text); ``cookies`` is updated from Set-Cookie. The
    cookies are Secure with DEBUG off: sent back here over loopback anyway."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(value).items():
                cookies[name] = morsel.value
        return response.status, response.headers, text
    finally:
        connection.close()


def log_in(port: int, number: int) -> None:
    """Form, password, the home page it redirects to; raises on anything else."""
    cookies = {}
    status, _, form = _request(port, "GET", "/accounts/login/", cookies)
    token = _CSRF.search(form).group(1)
    body = urllib.parse.urlencode(
        {"username": f"synthetic-load-{number:02d}", "password": PASSWORD,
         "csrfmiddlewaretoken": token, "next": "/"}
    )  # fmt: skip
    status, headers, _ = _request(port, "POST", "/accounts/login/", cookies, body)
    if status != 302 or headers["Location"] != "/":
        raise RuntimeError(f"log-in answered {status} {headers.get('Location')}")
    status, _, home = _request(port, "GET", "/", cookies)
    if status != 200 or "org-card" not in home:
        raise RuntimeError(f"home answered {status}")


def burst(port: int, users: int, spread: float) -> dict:
    times, errors = [], []
    start = time.perf_counter()
    last_in = [0.0]

    def one(number):
        time.sleep(max(0.0, start + spread * (number - 1) / users - time.perf_counter()))
        began = time.perf_counter()
        try:
            log_in(port, number)
        except (OSError, RuntimeError, AttributeError) as error:
            errors.append(str(error))
            return
        done = time.perf_counter()
        times.append(done - began)
        last_in[0] = max(last_in[0], done - start)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(1, users + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    return {
        "p50": _common.percentile(times, 0.5) if times else float("nan"),
        "p95": _common.percentile(times, 0.95) if times else float("nan"),
        "max": times[-1] if times else float("nan"),
        "last_in": last_in[0],
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spread", type=float, default=10.0)
    parser.add_argument("--workers", default="2,3,5,8")
    parser.add_argument("--port", type=int, default=8026)
    options = parser.parse_args()
    _common.prepare()  # the pages link the static manifest's names
    load_users(options.users)
    default = 2 * (os.cpu_count() or 1) + 1
    settings = [(int(w), True) for w in options.workers.split(",")] + [(default, False)]
    folder = Path(tempfile.mkdtemp(prefix="trustmonitor-login-"))
    print(_common.machine())
    print(f"{options.users} log-ins started evenly over {options.spread:g} s, each to home")
    print(f"{'workers':>7} {'gc.freeze':>9} {'p50':>7} {'p95':>7} {'max':>7} {'last in':>8} errors")
    for workers, freeze in settings:
        server = start(options.port, workers, freeze, folder)
        try:
            log_in(options.port, 1)  # the workers' first page (and the cache) warmed
            figures = burst(options.port, options.users, options.spread)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        print(
            f"{workers:>7} {'yes' if freeze else 'no':>9} {figures['p50']:>6.2f}s "
            f"{figures['p95']:>6.2f}s {figures['max']:>6.2f}s {figures['last_in']:>7.2f}s "
            f"{len(figures['errors'])}"
            + (f" ({figures['errors'][0]})" if figures["errors"] else "")
        )
    print(_common.machine())


if __name__ == "__main__":
    main()
