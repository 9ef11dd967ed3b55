"""``manage.py load_national_demo``: DfE's published statistics for the demo.

Imports the measures and both neighbour models from ``data/dfe/`` (DfE's
files as published) and links the seed KPIs whose definitions match a
measure (``national/demo.py``). Safe to run again: each import replaces its
measure or model. All in one transaction: a refused file leaves nothing
changed. The same load runs in the background from /national-statistics/load/.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from national.demo import LoadError, national_demo_load


class Command(BaseCommand):
    help = "Import DfE's statistics from data/dfe/ for the demo and link the matching seed KPIs."

    @transaction.atomic
    def handle(self, *args, **options):
        try:
            national_demo_load(progress=lambda step, line: self.stdout.write(line))
        except LoadError as error:
            raise CommandError(str(error)) from None
