"""Background work of uploads (django.tasks; notifications/tasks.py says how
it runs): the check that builds an upload's preview and the save on
confirmation. Tasks take ids: arguments are stored as JSON."""

from django.tasks import task

from kpis import services


@task
def upload_check_run(upload_id: int) -> None:
    services.upload_check(upload_id=upload_id)


@task
def upload_save_run(
    upload_id: int, user_id: int, save_comparators: bool, accepted: list[str]
) -> None:
    services.upload_save(
        upload_id=upload_id, user_id=user_id, save_comparators=save_comparators,
        accepted=accepted,
    )  # fmt: skip
