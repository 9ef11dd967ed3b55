"""``manage.py import_neighbours PATH --model NAME``.

A thin wrapper around ``neighbour_model_import()``: all-or-nothing, every bad
row printed, exit status 1.
"""

from django.core.management.base import BaseCommand, CommandError

from national.management.commands._common import read_file, refuse_rows
from national.services import NeighbourFileError, neighbour_model_import
from trustmonitor.security import command_line_user, log_event


class Command(BaseCommand):
    help = (
        "Import DfE's statistical-neighbour groupings (the 2021 layout or the 2025 wide one) "
        "as the neighbour model NAME. All-or-nothing; re-importing replaces the model."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--model", metavar="NAME", required=True)

    def handle(self, *args, path, model, **options):
        name, data = read_file(path)
        try:
            result = neighbour_model_import(model=model, name=name, data=data)
        except NeighbourFileError as error:
            log_event(
                "neighbours_import_refused", user=command_line_user(), file=name, reason=str(error)
            )
            raise CommandError(f"{path}: {error}") from None
        if result.errors:
            log_event(
                "neighbours_import_refused",
                user=command_line_user(),
                file=name,
                model=model,
                reason=f"{len(result.errors)} bad rows",
            )
            raise refuse_rows(self, path, result.errors)
        log_event(
            "neighbours_imported",
            user=command_line_user(),
            file=name,
            model=model,
            local_authorities=result.local_authorities,
        )
        self.stdout.write(
            f"{result.model.name}: {result.local_authorities} local authorities with 10 "
            f"neighbours each (headings on row {result.header_row})"
            + (", replacing the model's earlier groupings." if result.replaced else ".")
        )
