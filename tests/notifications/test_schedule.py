"""The daily schedule: each job in notifications.schedule.DAILY_JOBS is
enqueued once a day, however often the scheduler runs or restarts."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from notifications.models import DailyRun
from notifications.schedule import DAILY_JOBS, daily_jobs_enqueue
from notifications.tasks import daily_job_run

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_reminders_and_the_upload_expiry_are_daily_jobs():
    assert "notifications.services.daily_reminders_send" in DAILY_JOBS
    assert "kpis.services.uploads_expire" in DAILY_JOBS


@override_settings(TASKS=DATABASE_TASKS)
def test_each_daily_job_is_queued_once_a_day(db):
    day = dt.date(2026, 12, 2)
    assert daily_jobs_enqueue(day=day) == list(DAILY_JOBS)
    assert daily_jobs_enqueue(day=day) == []  # a second scheduler, or a restart

    queued = DBTaskResult.objects.filter(task_path="notifications.tasks.daily_job_run")
    assert [task.args_kwargs["args"] for task in queued] == [[path] for path in DAILY_JOBS]
    assert daily_jobs_enqueue(day=day + dt.timedelta(days=1)) == list(DAILY_JOBS)
    assert queued.all().count() == 2 * len(DAILY_JOBS)


def test_run_scheduler_once_runs_todays_jobs_once(seeds):
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "Enqueued notifications.services.daily_reminders_send" in out.getvalue()
    assert DailyRun.objects.count() == len(DAILY_JOBS)

    again = StringIO()
    call_command("run_scheduler", "--once", stdout=again)
    assert again.getvalue() == ""


def test_a_time_that_is_not_one_is_refused():
    with pytest.raises(CommandError, match="'6 am' is not a time of day"):
        call_command("run_scheduler", "--at", "6 am")


def test_the_task_runs_only_registered_jobs(db):
    # Its argument is stored in the database: it must not import just anything.
    result = daily_job_run.enqueue("os.getcwd")
    assert result.status == "FAILED"
    assert "is not a daily job" in result.errors[0].traceback
