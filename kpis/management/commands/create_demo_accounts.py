from django.core.management.base import BaseCommand

from kpis.services import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts for each role. Demo installs only."

    def handle(self, *args, **options):
        for username in demo_accounts_create():
            self.stdout.write(f"{username} / {DEMO_PASSWORD}")
