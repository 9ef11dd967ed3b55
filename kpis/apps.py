from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = "KPIs"

    def ready(self):
        # Connects the receivers: the status cache's version (every save and
        # delete of what a rating is made of) and the security log's
        # (log-ins, lock-outs).
        from kpis import status_cache  # noqa: F401
        from trustmonitor import security  # noqa: F401
