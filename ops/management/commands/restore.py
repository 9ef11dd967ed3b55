from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.services import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` into the database DATABASE_URL "
        "names, which must be new and empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", type=Path, help="a file from `backup`")

    def handle(self, *args, path, **options):
        try:
            database_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {path} into {connection.settings_dict['NAME']}.")
