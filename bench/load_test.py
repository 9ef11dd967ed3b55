"""Load test: 50 SYNTHETIC scrutiny members browsing through gunicorn on loopback.

Starts gunicorn (gunicorn.conf.py, DEBUG off) on 127.0.0.1:8025 against the
national database, makes sure the 50 user accounts exist (synthetic-load-01…,
scrutiny members), runs locust headless for 60 s (50 users, each logging in
once, then dashboard / KPI page / home / report / returns with 2–10 s think time,
or --think 0-1 for a stress test),
prints p50/p95/max per page and the error count, and stops gunicorn. The
log-ins (an Argon2id hash each), over 10 s, are timed apart and held to the
same aim as the pages: the 60 s of browsing are
measured from when the last user is in.
Needs the bench-only tools: .venv/bin/pip install -r bench/requirements.txt
Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/trustmonitor_national \
     .venv/bin/python bench/load_test.py [--users 50] [--run-time 60s] [--think 2-10]
     [--workers N (default: gunicorn.conf.py's, 2 per core + 1)]
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.contrib.auth.models import Group, User  # noqa: E402

from bench.synthetic import existing_organisations  # noqa: E402
from kpis.access import SCRUTINY_MEMBER  # noqa: E402
from kpis.models import KPI  # noqa: E402

BIN = _common.ROOT / ".venv" / "bin"
# A bench account on a scratch database, never a real one.
PASSWORD = "synthetic-load-test-password"  # noqa: S105
AIM_P95_MS = 500
# 50 users logging in within 10 s.
LOGIN_SPREAD = 10


def load_users(count: int) -> None:
    """synthetic-load-01… as scrutiny members (hashing only for new ones)."""
    group, _ = Group.objects.get_or_create(name=SCRUTINY_MEMBER)
    for number in range(1, count + 1):
        user, created = User.objects.get_or_create(username=f"synthetic-load-{number:02d}")
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(group)


def start_gunicorn(port: int, workers: int | None, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    # As production runs it: gunicorn.conf.py (2 workers a core + 1 unless
    # --workers, the heap frozen after start-up); its JSON access log gives
    # each request's own duration.
    command = [str(BIN / "gunicorn"), "-c", str(_common.ROOT / "gunicorn.conf.py")]
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
        command, cwd=_common.ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {log}") from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}: see {log}")


def run_locust(port: int, users: int, run_time: str, think: str, prefix: Path) -> int:
    env = {
        **os.environ,
        "LOAD_ORGANISATIONS": str(existing_organisations().count()),
        # SYN1… of the first organisation: 40 in the 150-organisation set, 15 in the 500.
        "LOAD_KPIS": str(KPI.objects.filter(organisation=existing_organisations().first()).count()),
        "LOAD_USERS": str(users),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_MEASURE_SECONDS": str(int(run_time.rstrip("s"))),
        "LOAD_LOGIN_SUMMARY": f"{prefix}_login.txt",
        "LOAD_THINK": think,
        "LOAD_SPAWN_RATE": f"{users / LOGIN_SPREAD:g}",
    }
    command = [
        str(BIN / "locust"), "-f", str(Path(__file__).with_name("_locustfile.py")),
        # The users log in over LOGIN_SPREAD seconds: a burst before a meeting.
        "--headless", "--users", str(users), "--spawn-rate", f"{users / LOGIN_SPREAD:g}",
        # A cap: the locustfile stops run_time after the last log-in.
        "--run-time", f"{int(run_time.rstrip('s')) + 240}s", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
    ]  # fmt: skip
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


def server_times(log: Path) -> None:
    """The server's own time per request (gunicorn's access log), apart from
    the time a request waited for a free worker: where a log-in's goes."""
    durations = {}
    for line in log.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") != "gunicorn.access" or entry.get("path") == "/healthz":
            continue
        path = entry["path"]
        name = "log-in password" if entry["method"] == "POST" else (
            "log-in form" if path == "/accounts/login/" else "every page")  # fmt: skip
        durations.setdefault(name, []).append(entry["duration_ms"])
    print("\nserver time per request, gunicorn's log (name, requests, p50, p95, max ms):")
    for name, values in sorted(durations.items()):
        values.sort()
        print(f"{name} {len(values)} {_common.percentile(values, 0.5):.0f} "
              f"{_common.percentile(values, 0.95):.0f} {values[-1]:.0f}")  # fmt: skip


def report(prefix: Path) -> bool:
    login = Path(f"{prefix}_login.txt")
    login_ok = False
    if login.exists():
        print(f"\nlogging in over {LOGIN_SPREAD} s (name, requests, errors, p50, p95, max ms):")
        lines = [line.split() for line in login.read_text().splitlines() if line.strip()]
        print("\n".join(" ".join(line) for line in lines))
        # The log-in itself (the hash) is held to the same aim as the pages.
        login_ok = all(int(line[-4]) == 0 and float(line[-2]) < AIM_P95_MS for line in lines)
    rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))
    print("\nbrowsing, from when every user was logged in:")
    print(f"\n{'page':<16} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'max':>7}  ms")
    ok = True
    for row in rows:
        if row["Request Count"] == "0":
            continue
        print(
            f"{row['Name']:<16} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>6} {row['95%']:>6} {float(row['Max Response Time']):>7.0f}"
        )
        if row["Name"] == "Aggregated":
            ok = int(row["Failure Count"]) == 0 and float(row["95%"]) < AIM_P95_MS
            rate = float(row["Requests/s"])
    print(f"throughput {rate:.1f} requests/s; aim: p95 < {AIM_P95_MS} ms and no errors, "
          f"log-in included: {'met' if ok and login_ok else 'NOT met'}")  # fmt: skip
    return ok and login_ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--run-time", default="60s")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--think", default="2-10", help="seconds between pages, MIN-MAX")
    parser.add_argument("--port", type=int, default=8025)
    options = parser.parse_args()
    if not (BIN / "locust").exists():
        print("load test skipped: locust is not installed (pip install -r bench/requirements.txt)")
        return
    _common.prepare()
    load_users(options.users)
    print(_common.machine())
    out = Path(tempfile.mkdtemp(prefix="trustmonitor-load-"))
    server = start_gunicorn(options.port, options.workers, out / "gunicorn.log")
    try:
        print(f"gunicorn pid {server.pid}, {options.workers or 'default'} workers, "
              f"port {options.port}; locust: {options.users} users for {options.run_time}, "
              f"thinking {options.think} s; output in {out}")  # fmt: skip
        run_locust(options.port, options.users, options.run_time, options.think, out / "locust")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(_common.machine())
    server_times(out / "gunicorn.log")
    sys.exit(0 if report(out / "locust") else 1)


if __name__ == "__main__":
    main()
