from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.services import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Back up the database to one file: pg_dump's custom format on PostgreSQL, "
        "a copy made with the online backup API on SQLite."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", type=Path, help="the file to write (new)")

    def handle(self, *args, path, **options):
        try:
            written = database_backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {written} ({written.stat().st_size:,} bytes).")
