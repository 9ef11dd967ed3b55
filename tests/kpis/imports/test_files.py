"""The checks on a file's bytes and the reading of CSV and XLSX; no database."""

import datetime as dt

import pytest

from kpis.imports.cells import _ExcelError, _NoCachedValue, _PercentNumber
from kpis.imports.files import ImportFileError, _is_percent_format, _read_table, check_file
from tests.kpis.imports.cases import BAD_FILES, csv, xlsx

# The BAD_FILES cases refused before any layout is looked for.
FILE_CASES = {
    "empty", "only-blank-lines", "too-big", "txt", "pdf", "old-excel", "xlsx-not-a-zip",
    "xlsx-zip-not-a-workbook", "csv-that-is-a-pdf", "utf-16", "nul-bytes", "not-cp1252",
    "blank-row-1", "csv-field-too-long", "xlsx-first-sheet-empty",
}  # fmt: skip


@pytest.mark.parametrize(
    "name, data, message",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES if case[0] in FILE_CASES],
)
def test_it_refuses_a_bad_file_before_reading_its_layout(name, data, message):
    with pytest.raises(ImportFileError) as raised:
        _read_table(name, data)
    assert str(raised.value) == message


def test_the_upload_checks_refuse_the_wrong_kind_of_file_without_parsing_it():
    with pytest.raises(ImportFileError, match="is not a CSV or XLSX file"):
        check_file("r.pdf", b"%PDF-1.7\n")
    assert check_file("r.csv", csv("kpi,period,value\nKPI1,2018-10,85\n")) is None


def test_it_reads_an_xlsx_as_excel_shows_it():
    data = xlsx(
        [
            ["kpi", dt.datetime(2018, 1, 1), "value"],
            ["PI1", 0.83, "=1/0"],
            [None, None, None],
        ],
        percent=["B2"],
    )
    table = _read_table("r.xlsx", data)
    assert table.sheet == "Readings"
    assert table.header == ["kpi", dt.datetime(2018, 1, 1), "value"]
    # Trailing blank rows are dropped; rows are numbered as Excel numbers them.
    assert table.rows == [(2, ["PI1", _PercentNumber(0.83), _NoCachedValue("=1/0")])]
    assert table.column(1) == "B (2018-01)"
    assert _ExcelError("#N/A") != _ExcelError("#DIV/0!")


def test_it_reads_a_percent_number_format_but_not_a_literal_percent_sign():
    assert _is_percent_format("0.0%") is True
    assert _is_percent_format('0.0"%"') is False
    assert _is_percent_format("0.0\\%") is False
    assert _is_percent_format("General") is False
