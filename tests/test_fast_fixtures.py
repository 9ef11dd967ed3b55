"""The test fixtures' fast loader (tests/fast_fixtures.py) leaves every table
as `loaddata` does: the seeds' numbers, the fixture's timestamps, the findings'
KPIs and the history rows those write, and the next id past the fixture's."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from kpis.models import Organisation
from tests.fast_fixtures import load_fixtures

pytestmark = pytest.mark.django_db

SEEDS = ("birmingham", "sandwell", "seed_returns")
INSPECTED = (*SEEDS, "inspections_letters", "inspections_plans")
# What the report and annual-report tests load on top.
DOCUMENTS = (
    *INSPECTED, "schedule6_sandwell", "birmingham_annual_report", "birmingham_annual_review",
)  # fmt: skip


def _is_history(model) -> bool:
    return model.__name__.startswith("Historical")


def every_row() -> dict[str, list]:
    """Each table's rows, but the ids and times the database picks as it
    inserts (history rows' own ids and dates, through tables' ids: on
    PostgreSQL a rolled-back insert still moves a sequence on)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        drop = set()
        if _is_history(model) or model._meta.auto_created:
            drop.add(model._meta.pk.attname)
            drop.add("history_date")
            if "_" in model.__name__:  # a many-to-many's history: "id" is its through row's
                drop.add("id")
            drop.update(
                f.attname
                for f in model._meta.concrete_fields
                if f.related_model and _is_history(f.related_model)
            )
        if model._meta.label == "kpis.StatusVersion":
            drop.add("version")  # numbered from the clock (kpis.status_cache)
        rows = [
            sorted((k, repr(v)) for k, v in row.items() if k not in drop)
            for row in model._base_manager.values()
        ]
        tables[model._meta.label] = sorted(rows)
    return tables


@pytest.mark.parametrize(
    "labels", [SEEDS, INSPECTED, DOCUMENTS], ids=["seeds", "inspected_seeds", "documents"]
)
def test_it_leaves_every_table_as_loaddata_does(labels):
    point = transaction.savepoint_create()
    call_command("loaddata", *labels, verbosity=0)
    by_loaddata = every_row()
    transaction.savepoint_rollback(point)
    assert every_row()["kpis.Reading"] == []

    load_fixtures(*labels)

    by_fast_loader = every_row()
    assert len(by_fast_loader["kpis.Reading"]) == 195  # Birmingham's 15, Sandwell's 180
    for table, rows in by_loaddata.items():
        assert by_fast_loader[table] == rows, table


def test_the_next_organisation_gets_an_id_past_the_fixtures():
    load_fixtures(*SEEDS)
    highest = max(Organisation.objects.values_list("pk", flat=True))

    made = Organisation.objects.create(
        name="TEST trust", slug="test-trust", held_from=dt.date(2018, 4, 1)
    )

    assert made.pk > highest
