from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the health check, JSON logs, database backup and restore."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from ops import checks  # noqa: F401  (registers the deploy checks)
