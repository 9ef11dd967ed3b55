"""Which layout a table is in, from its heading row; no database."""

import datetime as dt

import pytest

from kpis.imports.files import ImportFileError, _read_table
from kpis.imports.layouts import _readings_layout, _targets_layout
from kpis.imports.messages import MISSING_COLUMNS
from tests.kpis.imports.cases import BAD_FILES, TARGETS, csv, xlsx

# The BAD_FILES cases refused for their headings.
LAYOUT_CASES = {
    "title-row-above-headings", "semicolons", "long-without-period", "unknown-long-column",
    "wide-column-not-a-month", "wide-month-twice", "values-without-heading",
}  # fmt: skip


@pytest.mark.parametrize(
    "name, data, message",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES if case[0] in LAYOUT_CASES],
)
def test_it_refuses_headings_no_layout_reads(name, data, message):
    with pytest.raises(ImportFileError) as raised:
        _readings_layout(_read_table(name, data))
    assert str(raised.value) == message


def test_it_tells_the_long_layout_by_its_headings_in_any_order_and_case():
    layout = _readings_layout(_read_table("r.csv", csv("Value,KPI,period,Commentary\nx,y,z,w\n")))
    assert layout.wide is False
    assert layout.columns == {"value": 0, "kpi": 1, "period": 2, "commentary": 3}


def test_it_tells_the_wide_layout_by_its_month_columns():
    data = xlsx([["kpi", "title", dt.datetime(2018, 1, 1), "Feb-18", "2018-03"], ["PI1"]])
    layout = _readings_layout(_read_table("r.xlsx", data))
    assert layout.wide is True
    assert layout.months == [
        (2, dt.date(2018, 1, 1)),
        (3, dt.date(2018, 2, 1)),
        (4, dt.date(2018, 3, 1)),
    ]


def test_a_targets_file_needs_its_five_columns():
    columns = _targets_layout(_read_table("t.csv", csv(TARGETS + "KPI1,2019-04-01,1,1,1\n")))
    assert columns.columns == {"kpi": 0, "valid_from": 1, "target": 2, "lower": 3, "upper": 4}
    with pytest.raises(ImportFileError) as raised:
        _targets_layout(_read_table("t.csv", csv("kpi,valid_from,target\nKPI1,2019-04-01,1\n")))
    assert str(raised.value) == MISSING_COLUMNS.format(
        missing="lower or upper", layout="targets file", needed="kpi,valid_from,target,lower,upper"
    )
