"""Background work on Django's tasks framework (``django.tasks``); the
database backend (django-tasks-db) keeps the queue and ``db_worker`` runs it.
Tasks take ids, never model instances: arguments are stored as JSON."""

from django.tasks import task
from django.utils.module_loading import import_string

from notifications import services


@task
def return_submitted_notify(monthly_return_id: int, version: int) -> int:
    return services.return_submitted_notify(monthly_return_id=monthly_return_id, version=version)


@task
def daily_job_run(path: str):
    """Run one of ``notifications.schedule.DAILY_JOBS`` (a dotted path)."""
    from notifications.schedule import DAILY_JOBS

    if path not in DAILY_JOBS:
        raise ValueError(f"{path!r} is not a daily job")
    return import_string(path)()
