"""Targets through the service."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.imports import saving
from kpis.imports.files import ImportFileError
from kpis.imports.messages import (
    MISSING_COLUMNS,
)
from kpis.imports.rows import (
    PreviousTarget,
)
from kpis.imports.targets import targets_import
from kpis.models import Target
from tests.kpis.imports.cases import (
    BAD_TARGETS,
    LONG,
    TARGETS,
    csv,
    snapshot,
    xlsx,
)


def test_it_imports_targets_with_history(seeds, commissioner):
    data = csv(
        TARGETS + "KPI1,2018-04-01,85,75,95\nKPI2,2018-04-01,20,17,24\nKPI1,2019-04-01,90,80,95\n"
    )
    preview = targets_import(
        organisation=seeds["birmingham"], name="t.csv", data=data, dry_run=True
    )
    assert [r.kpi_code for r in preview.unchanged] == ["KPI1"]
    [(row, previous)] = preview.changed
    assert (row.kpi_code, previous) == (
        "KPI2",
        PreviousTarget(Decimal("21"), Decimal("17"), Decimal("24")),
    )
    assert [(r.kpi_code, r.valid_from) for r in preview.new] == [("KPI1", dt.date(2019, 4, 1))]
    assert Target.history.count() == 0

    result = targets_import(
        organisation=seeds["birmingham"], name="t.csv", data=data, user=commissioner
    )
    assert result.saved is True
    new = Target.objects.get(kpi__code="KPI1", valid_from=dt.date(2019, 4, 1))
    assert (new.value, new.lower, new.upper) == (90, 80, 95)
    assert Target.objects.get(kpi__code="KPI2", valid_from=dt.date(2018, 4, 1)).value == 20
    assert sorted(Target.history.values_list("history_type", "history_user", "history_change_reason")) == [
        ("+", commissioner.pk, "import t.csv"),
        ("~", commissioner.pk, "import t.csv"),
    ]  # fmt: skip


def test_it_reads_targets_from_xlsx_with_date_cells(seeds):
    data = xlsx([["kpi", "valid_from", "target", "lower", "upper"], ["PI1", dt.datetime(2019, 4, 1), 0.2, 0.17, 0.24]],
                percent=["C2", "D2", "E2"])  # fmt: skip
    result = targets_import(organisation=seeds["sandwell"], name="t.xlsx", data=data)
    assert result.errors == []
    # 2019/20's figure, after 2018/19's "not yet agreed" row.
    assert Target.objects.get(kpi__code="PI1", valid_from=dt.date(2019, 4, 1)).value == 20


@pytest.mark.parametrize(
    "text, expected", [pytest.param(*case[1:], id=case[0]) for case in BAD_TARGETS]
)
def test_it_names_every_bad_target_row_and_saves_nothing(seeds, text, expected):
    before = snapshot()
    result = targets_import(organisation=seeds["birmingham"], name="t.csv", data=csv(text))
    assert [str(e) for e in result.errors] == expected
    assert result.saved is False
    assert snapshot() == before


def test_it_refuses_a_targets_file_without_the_columns(seeds):
    with pytest.raises(ImportFileError) as raised:
        targets_import(
            organisation=seeds["birmingham"], name="t.csv", data=csv(LONG + "KPI1,2018-10,85\n")
        )
    assert str(raised.value) == MISSING_COLUMNS.format(
        missing="valid_from or target or lower or upper",
        layout="targets file",
        needed="kpi,valid_from,target,lower,upper",
    )


def test_a_failed_target_import_leaves_the_database_as_it_was(seeds, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(saving, "bulk_update_with_history", fail)
    before = snapshot()
    data = csv(TARGETS + "KPI1,2019-04-01,90,80,95\nKPI2,2018-04-01,20,17,24\n")
    with pytest.raises(RuntimeError):
        targets_import(organisation=seeds["birmingham"], name="t.csv", data=data)
    assert snapshot() == before


# --- Whose file ----------------------------------------------------------------
