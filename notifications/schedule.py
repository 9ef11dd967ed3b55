"""The daily jobs: one registry, enqueued once a day by ``run_scheduler``.

A job is the dotted path of a function that takes no arguments and works out
"today" itself; add a line here to run another job daily."""

import datetime as dt

from django.db import transaction

from notifications.models import DailyRun
from notifications.tasks import daily_job_run

DAILY_JOBS = (
    "notifications.services.daily_reminders_send",
    # Unconfirmed uploads hold personal data: deleted once they expire.
    "kpis.services.uploads_expire",
)


def daily_jobs_enqueue(*, day: dt.date) -> list[str]:
    """Enqueue each daily job not yet enqueued for ``day``; the jobs enqueued.
    The ``DailyRun`` row and the queued task commit together (the database
    backend queues in the same database), so each job is queued once a day."""
    enqueued = []
    for path in DAILY_JOBS:
        with transaction.atomic():
            _, created = DailyRun.objects.get_or_create(job=path, day=day)
            if created:
                daily_job_run.enqueue(path)
                enqueued.append(path)
    return enqueued
