"""Enqueue the daily jobs (notifications.schedule) once a day, for the
worker (``db_worker``) to run. ``make run`` starts it beside the worker."""

import datetime as dt
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from notifications.schedule import daily_jobs_enqueue

CHECK_EVERY = 60  # seconds


def _at(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{text!r} is not a time of day: write it as HH:MM, e.g. 06:00"
        ) from None


class Command(BaseCommand):
    help = "Enqueue the daily jobs once a day (at DAILY_JOBS_AT, local time), then wait."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue today's jobs not yet enqueued (whatever the time), then exit.",
        )
        parser.add_argument("--at", default=settings.DAILY_JOBS_AT, help="HH:MM, local time")

    def handle(self, *args, once, at, **options):
        at = _at(at)
        if once:
            self._enqueue(timezone.localdate())
            return
        # Started in the background by `make run`, where SIGINT would be
        # ignored: stop on Ctrl-C and on TERM alike.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: sys.exit(0))
        self.stdout.write(f"Scheduler: daily jobs are enqueued each day after {at:%H:%M}.")
        while True:
            close_old_connections()
            now = timezone.localtime()
            if now.time() >= at:
                self._enqueue(now.date())
            time.sleep(CHECK_EVERY)

    def _enqueue(self, day: dt.date) -> None:
        for path in daily_jobs_enqueue(day=day):
            self.stdout.write(f"Enqueued {path} for {day:%Y-%m-%d}.")
