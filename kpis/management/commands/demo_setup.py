from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# What `make run` loads, in order; the tour (tests/browser/test_tour.py) loads
# the same, so the pages it reads are the pages a new user sees.
SEED_FIXTURES = [
    "birmingham",
    "sandwell",
    "inspections_letters",
    "inspections_plans",
    # Schedule 6 content Sandwell's Q3 2018-19 report gives (seeds/003), and
    # its Youth Offending Service inspection.
    "schedule6_sandwell",
    "seed_returns",
    "birmingham_annual_report",
    # The Trust's own words in that annual report (what went well, …).
    "birmingham_annual_review",
]


OFSTED_OUTCOMES = "data/ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"


class Command(BaseCommand):
    help = "Load the seed data and the demo accounts (what `make run` serves). Safe to run again."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("loaddata", *SEED_FIXTURES, verbosity=verbosity)
        # DfE's published statistics (data/dfe), and the KPIs they match.
        call_command("load_national_demo", stdout=self.stdout, verbosity=verbosity)
        # Ofsted's ILACS judgements for every local authority (data/ofsted).
        outcomes = settings.BASE_DIR / OFSTED_OUTCOMES
        call_command("import_inspection_outcomes", str(outcomes), stdout=self.stdout)
        call_command("create_demo_accounts", stdout=self.stdout, verbosity=verbosity)
