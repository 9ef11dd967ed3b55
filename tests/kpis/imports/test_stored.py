"""An import's result kept as JSON with an upload and read back for its
preview: the same result, field for field; nothing but the import's own
types is ever built from it."""

import json
from decimal import Decimal

import pytest

from kpis.imports import stored
from kpis.imports.readings import readings_import
from kpis.imports.rows import RowError
from kpis.imports.targets import targets_import
from tests.kpis.imports.appendix import appendix_xlsx


def _round_trip(value):
    # Through text, as the database's JSON column keeps it.
    return stored.from_json(json.loads(json.dumps(stored.to_json(value))))


def test_sandwells_appendix_comes_back_whole(unreturned_seeds):
    """A trust's own sheet: mapping, skipped rows, comparators, and the
    readings already saved (all unchanged), each with its Decimal value."""
    result = readings_import(
        organisation=unreturned_seeds["sandwell"], name="a.xlsx", data=appendix_xlsx(),
        dry_run=True,
    )  # fmt: skip
    assert result.mapping is not None and result.comparators_unchanged
    kept = _round_trip(result)
    assert kept == result
    assert kept.mapping.year == 2018
    assert kept.summary() == result.summary()


def test_a_fraction_questioned_keeps_its_question_and_tick(seeds):
    csv = b"kpi,period,value\nPI1,2019-01,0.9\n"
    result = readings_import(
        organisation=seeds["sandwell"], name="r.csv", data=csv, dry_run=True,
        accept_unusual={"2-2019-01"},
    )  # fmt: skip
    [kept] = _round_trip(result).unusual
    assert kept == result.unusual[0]
    assert kept.accepted is True
    assert "Did you mean 90%?" in str(kept)


def test_targets_with_their_previous_figures_come_back(seeds):
    csv = b"kpi,valid_from,target,lower,upper\nKPI2,2018-04-01,20,16,23\nKPI9,2019-04-01,x,1,2\n"
    result = targets_import(organisation=seeds["birmingham"], name="t.csv", data=csv, dry_run=True)
    kept = _round_trip(result)
    assert kept == result
    [(row, previous)] = kept.changed
    assert (row.target, previous.target) == (Decimal("20"), Decimal("21"))
    assert kept.errors[0] == RowError(3, kept.errors[0].message, "C (target)")


def test_nothing_but_the_imports_own_types_is_built():
    with pytest.raises(KeyError):
        stored.from_json({"~Popen": [["sh"]]})
    with pytest.raises(TypeError, match="set is not kept"):
        stored.to_json({1, 2})
