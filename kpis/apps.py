from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self):
        # Connects the security log's receivers (log-ins, lock-outs).
        from trustmonitor import security  # noqa: F401
