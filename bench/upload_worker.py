"""A 10,000-row SYNTHETIC upload end to end through the real worker: the
officer's side queues it (``services.upload_create``, as the upload page
does), a ``manage.py db_worker`` process checks it, the preview page is
read from the kept check, the officer confirms (``upload_confirm_start``,
every unusual row ticked) and the worker saves it.

Prints the time from queuing to the preview being ready and from confirming
to saved (each as the page sees it, polling the upload's row every 50 ms),
the preview page's server time and size, and the worker's peak memory
(VmHWM) idle and after the work. Uses a scratch SQLite file unless
DATABASE_URL is set. Asserts nothing but that it gets there.
Run: .venv/bin/python bench/upload_worker.py
"""

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.contrib.auth.models import Group, User  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.import_readings import build, long_csv, remove  # noqa: E402
from kpis import selectors, services  # noqa: E402
from kpis.access import PERFORMANCE_OFFICER  # noqa: E402
from kpis.models import Reading, Upload, UploadState  # noqa: E402

WAIT = 600  # seconds


def _peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (Linux: VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc: Linux only")


def _until(upload: Upload, state: str, start: float) -> float:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.state == UploadState.FAILED:
            raise SystemExit(f"the task failed: {upload.error}")
        if upload.state == state:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"not {state} after {WAIT} s: is the worker running?")


def main() -> None:
    _common.prepare()  # the preview page links the static manifest
    print(_common.machine())
    organisation = build()
    officer, _ = User.objects.get_or_create(username="synthetic-upload-bench")
    officer.groups.add(Group.objects.get_or_create(name=PERFORMANCE_OFFICER)[0])
    organisation.staff.add(officer)
    data = long_csv(250)
    manage = [sys.executable, str(_common.ROOT / "manage.py")]
    # The venv's own interpreter; no shell. The same environment: the same database.
    worker = subprocess.Popen(  # noqa: S603
        [*manage, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.05"],
        cwd=_common.ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker's own start-up, not the upload's
        idle = _peak_kib(worker.pid)
        start = time.perf_counter()
        upload = services.upload_create(
            organisation=organisation, user=officer, name="bench.csv", data=data
        )
        checked = _until(upload, UploadState.READY, start)
        check = selectors.upload_check(upload)
        print(f"SYNTHETIC long CSV, 40 KPIs × 250 months ({len(data) / 1024:.0f} kB):")
        summary = check.result.summary()
        print(f"  queued → preview ready (read, checked)  {checked:6.2f} s  ({summary})")

        client = Client()
        client.force_login(officer)
        url = reverse("upload_preview", args=[organisation.slug, upload.pk])
        page = _common.time_get(client, url, repeats=5)
        figures = (
            f"{page['p50']:6.0f} ms p50, {page['cpu']:.0f} ms CPU, {page['bytes'] / 1024:.0f} kB"
        )
        print(f"  preview page (from the kept check)      {figures}")

        start = time.perf_counter()
        services.upload_confirm_start(
            upload=upload, user=officer, accepted={u.key for u in check.result.unusual}
        )
        saved = _until(upload, UploadState.SAVED, start)
        count = Reading.objects.filter(kpi__organisation=organisation).count()
        print(f"  confirmed → saved                       {saved:6.2f} s  ({count:,} readings)")
        print(f"  worker peak memory: idle {idle / 1024:.0f} MiB, after both tasks "
              f"{_peak_kib(worker.pid) / 1024:.0f} MiB")  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        remove()


if __name__ == "__main__":
    main()
