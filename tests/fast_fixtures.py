"""Load fixture files as `loaddata` does, in a few queries instead of two a row.

`seeds` and its kin run before most tests; `loaddata` reads, parses and
deserialises each file every time and saves each object on its own (an UPDATE,
then an INSERT): about 600 queries for the seeds, most of a test's time on
PostgreSQL. Here each file is deserialised once per process and its rows are
inserted with one INSERT per model, raw as `loaddata` saves them (so
`entered_at` and `created_at` keep the fixture's values, no `save()` runs and
no history is written). Many-to-many lists go through `set_base(raw=True)` as
`loaddata` sends them, so a finding's KPIs write the same history rows.
Raw saves send post_save, whose receiver in kpis.status_cache moves on the
every-organisation version; one bump here does what loaddata's many do.
`tests/test_fast_fixtures.py` checks that every table ends up as `loaddata`
leaves it.
"""

from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from kpis.status_cache import status_version_bump


def _path(label: str) -> Path:
    found = [Path(d) / f"{label}.json" for d in settings.FIXTURE_DIRS]
    found = [p for p in found if p.exists()]
    if len(found) != 1:
        raise FileNotFoundError(
            f"fixture {label!r}: {len(found)} files {label}.json in FIXTURE_DIRS"
        )
    return found[0]


@cache
def _rows(label: str) -> tuple:
    """Each object of the file as (model, field values, many-to-many lists), in file order."""
    with _path(label).open(encoding="utf-8") as stream:
        objects = list(serializers.deserialize("json", stream, handle_forward_references=True))
    rows = []
    for deserialised in objects:
        if deserialised.deferred_fields:  # natural keys to forward objects: not used by ours
            raise ValueError(f"fixture {label!r}: forward references are not supported here")
        obj = deserialised.object
        values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        m2m = {name: list(pks) for name, pks in (deserialised.m2m_data or {}).items() if pks}
        rows.append((type(obj), values, m2m))
    return tuple(rows)


def load_fixtures(*labels: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """`call_command("loaddata", *labels)`, faster (see the module's docstring)."""
    connection = connections[using]
    by_model: dict[type, list] = {}
    m2m_rows = []
    for label in labels:
        for model, values, m2m in _rows(label):
            obj = model(**values)
            by_model.setdefault(model, []).append(obj)
            if m2m:
                m2m_rows.append((obj, m2m))
    with transaction.atomic(using=using), connection.constraint_checks_disabled():
        for model, objs in by_model.items():
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
            for start in range(0, len(objs), batch):
                # raw=True is the INSERT `loaddata`'s raw save makes: fields'
                # pre_save (auto_now) is not applied.
                model._base_manager.using(using)._insert(
                    objs[start : start + batch], fields=fields, raw=True, using=using
                )
            for obj in objs:
                obj._state.adding = False
                obj._state.db = using
        for obj, m2m in m2m_rows:
            for name, pks in m2m.items():
                getattr(obj, name).set_base(pks, raw=True)
        # As loaddata: foreign keys checked now, sequences moved past the pks.
        connection.check_constraints(table_names=[m._meta.db_table for m in by_model])
        sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(by_model))
        if sequence_sql:
            with connection.cursor() as cursor:
                for sql in sequence_sql:
                    cursor.execute(sql)
        status_version_bump(organisation_id=None)


@contextmanager
def kept_for_module(django_db_blocker):
    """Data that a module of tests reads, made once for the module: inside a
    transaction rolled back after its last test. Each test's `db` (a Django
    TestCase's atomics) runs inside it as savepoints, so what a test writes is
    still undone when it ends. Not for tests that need `transactional_db` or
    the live server (their flush would empty the module's data)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def loaddata_for_module(*labels):
    """Two fixtures for a module whose tests only read fixture files as
    `make run` loads them: ``loaddata`` itself (not the fast loader), run once
    for the module (``kept_for_module``), and ``loaded`` for each test.

        _loaded_once, loaded = loaddata_for_module("birmingham", "sandwell")
    """

    @pytest.fixture(scope="module", name="_loaded_once")
    def once(django_db_setup, django_db_blocker):
        with kept_for_module(django_db_blocker):
            call_command("loaddata", *labels, verbosity=0)
            yield

    @pytest.fixture(name="loaded")
    def each(_loaded_once, db):
        pass

    return once, each
