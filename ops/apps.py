from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the health check, JSON logs, database backup and restore."""

    name = "ops"
    verbose_name = "Operations"
