from django.apps import AppConfig


class Schedule6Config(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule6"
    verbose_name = "Schedule 6 monthly report content"
