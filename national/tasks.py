"""Background work of the national app (django.tasks; notifications/tasks.py says how it runs)."""

from django.tasks import task

from national import demo


@task
def national_load_run(load_id: int) -> None:
    demo.national_load_run(load_id=load_id)
