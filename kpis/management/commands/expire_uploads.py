from django.conf import settings
from django.core.management.base import BaseCommand

from kpis.services import uploads_expire
from trustmonitor.security import command_line_user, log_event


class Command(BaseCommand):
    help = (
        "Delete uploads not confirmed within UPLOAD_EXPIRY_HOURS, with the tables they "
        "kept. Run it daily (docs/deploy.md)."
    )

    def handle(self, *args, **options):
        deleted = uploads_expire()
        log_event("uploads_expired", user=command_line_user(), deleted=deleted)
        hours = settings.UPLOAD_EXPIRY_HOURS
        self.stdout.write(f"Deleted {deleted} upload(s) not confirmed within {hours} hours.")
