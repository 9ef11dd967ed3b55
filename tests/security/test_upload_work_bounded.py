"""No file ties up a worker (issue 15, item 2): the work an upload costs is
bounded before and while it is read (columns, rows, filled cells, the XML of
the first sheet), a workbook is read once, the upload keeps its table rather
than the file, so a preview reload or the confirmation never parses it
again, and a page lists the first errors with a download of all of them.
The time and memory these bounds buy are in bench/hostile_uploads.py and
docs/performance.md."""

import csv
import datetime as dt
import io
import math
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from kpis.imports import files
from kpis.imports.cells import _ExcelError, _NoCachedValue, _PercentNumber
from kpis.imports.messages import (
    SHEET_DIMENSION_TOO_BIG,
    SHEET_TOO_BIG,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    TOO_WIDE,
)
from kpis.models import Upload, UploadState
from kpis.views_upload import ERRORS_SHOWN
from tests.kpis.imports.cases import snapshot, xlsx

MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# The trust imports months it has not returned yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _upload(client, user, name, data):
    client.force_login(user)
    client.post(
        reverse("upload_start", args=["sandwell"]), {"file": SimpleUploadedFile(name, data)}
    )
    return Upload.objects.get()


def _preview(client, upload):
    return client.get(reverse("upload_preview", args=["sandwell", upload.pk]))


def _with_sheet(sheet_xml: str) -> bytes:
    """A real workbook with its sheet's XML replaced."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml.encode()
            archive.writestr(info.filename, content)
    return out.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _a_and_xfd(rows: int, dimension: str) -> bytes:
    """The issue's workbook: each row a cell in column A and one in column XFD."""
    body = "".join(
        f'<row r="{r}">{_inline(f"A{r}", "PI1")}{_inline(f"XFD{r}", "x")}</row>'
        for r in range(1, rows + 1)
    )
    return _with_sheet(f"<worksheet {MAIN}>{dimension}<sheetData>{body}</sheetData></worksheet>")


# --- Bounded before and while reading ---------------------------------------------------


def test_a_sheet_declaring_16384_columns_is_refused_before_it_is_read(client, sandwell_officer):
    upload = _upload(
        client, sandwell_officer, "r.xlsx", _a_and_xfd(500, '<dimension ref="A1:XFD500"/>')
    )
    assert upload.table is None
    assert upload.file_error == SHEET_DIMENSION_TOO_BIG.format(
        sheet="Sheet", ref="A1:XFD500", columns=16_384, rows=500,
        max_columns=files.MAX_COLUMNS, max_rows=files.MAX_ROWS,
    )  # fmt: skip
    assert _preview(client, upload).context["file_error"] == upload.file_error


def test_a_value_in_column_xfd_is_refused_at_its_row_when_the_dimension_hides_it(
    client, sandwell_officer
):
    """Some tools write the dimension "A1": the cells are checked as read, and
    reading stops at the first row with a value past the last column."""
    upload = _upload(client, sandwell_officer, "r.xlsx", _a_and_xfd(500, '<dimension ref="A1"/>'))
    assert upload.file_error == TOO_WIDE.format(
        row=1, column="XFD", max_columns=files.MAX_COLUMNS, last="ALL"
    )


def test_a_blank_cell_far_to_the_right_costs_nothing(seeds):
    """A cell with no value (a stray format) past the last column is not a
    value: the row is read to its last value only."""
    body = (
        f'<row r="1">{_inline("A1", "kpi")}{_inline("B1", "period")}{_inline("C1", "value")}'
        '<c r="XFD1" s="0"/></row>'
        f'<row r="2">{_inline("A2", "PI1")}{_inline("B2", "2018-11")}<c r="C2"><v>21</v></c>'
        '<c r="XFD2"/></row>'
    )
    table = files.read_table(
        "r.xlsx", _with_sheet(f"<worksheet {MAIN}><sheetData>{body}</sheetData></worksheet>")
    )
    assert table.header == ["kpi", "period", "value"]
    assert table.rows == [(2, ["PI1", "2018-11", 21])]


def test_a_formatted_cell_in_column_xfd_is_named_in_the_refusal(seeds):
    """openpyxl (as Excel) counts a formatted cell in the used range."""
    book = Workbook()
    book.active.append(["kpi", "period", "value"])
    book.active["XFD1"].fill = PatternFill("solid", fgColor="FFFF00")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(files.ImportFileError) as raised:
        files.read_table("r.xlsx", buffer.getvalue())
    assert "says it uses A1:XFD1 (16,384 columns, 1 rows)" in str(raised.value)


def test_a_sheet_of_more_xml_than_an_upload_reads_is_refused_unread(seeds):
    """The issue's 3 MB workbook of 150 MB of XML took 15–18 s to read."""
    # Numbered rows deflate as a sheet does, not as a zip bomb.
    rows = [f'<row r="{r}">{_inline(f"A{r}", "PI1")}</row>' for r in range(1, 150_000)]
    data = _with_sheet(f"<worksheet {MAIN}><sheetData>{''.join(rows)}</sheetData></worksheet>")
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size
    with pytest.raises(files.ImportFileError) as raised:
        files.read_table("r.xlsx", data)
    assert str(raised.value) == SHEET_TOO_BIG.format(
        sheet="Sheet", size_mb=size / 2**20, limit_mb=files.MAX_SHEET_XML_BYTES // 2**20
    )


def test_a_csv_of_more_rows_than_an_upload_reads_is_refused(seeds):
    data = b"kpi,period,value\n" + b"\n" * files.MAX_ROWS
    with pytest.raises(files.ImportFileError) as raised:
        files.read_table("r.csv", data)
    assert str(raised.value) == TOO_MANY_ROWS.format(max_rows=files.MAX_ROWS)


def test_a_csv_of_more_filled_cells_than_an_upload_reads_is_refused(seeds):
    rows = files.MAX_CELLS // 3 + 1
    data = b"kpi,period,value\n" + b"PI1,2018-11,21\n" * rows
    with pytest.raises(files.ImportFileError) as raised:
        files.read_table("r.csv", data)
    assert str(raised.value) == TOO_MANY_CELLS.format(max_cells=files.MAX_CELLS)


def test_a_csv_with_a_value_past_the_last_column_is_refused_naming_it(seeds):
    wide = "kpi" + "," * files.MAX_COLUMNS + "x\n"  # x in column 1,001
    with pytest.raises(files.ImportFileError) as raised:
        files.read_table("r.csv", wide.encode())
    assert str(raised.value) == TOO_WIDE.format(
        row=1, column="ALM", max_columns=files.MAX_COLUMNS, last="ALL"
    )


def test_empty_columns_past_the_last_are_no_value(seeds):
    """Excel's CSV may end every row in commas: blank cells count for nothing."""
    data = ("kpi,period,value" + "," * 2_000 + "\nPI1,2018-11,21" + "," * 2_000 + "\n").encode()
    table = files.read_table("r.csv", data)
    assert table.rows[0][1][:3] == ["PI1", "2018-11", "21"]


# --- Read once, kept as a table ------------------------------------------------------------


def test_a_workbook_is_read_once_however_often_it_is_previewed(
    client, sandwell_officer, monkeypatch
):
    reads = []
    real = files._SheetParser.rows
    monkeypatch.setattr(files._SheetParser, "rows", lambda self: reads.append(1) or real(self))
    data = xlsx([["kpi", "period", "value"], ["PI1", "2018-11", 21]])
    upload = _upload(client, sandwell_officer, "r.xlsx", data)
    for _ in range(3):
        assert _preview(client, upload).context["result"].errors == []
    client.post(reverse("upload_confirm", args=["sandwell", upload.pk]))
    upload.refresh_from_db()
    assert upload.saved_at is not None
    assert reads == [1]


def test_an_upload_keeps_its_table_and_never_the_file(client, sandwell_officer):
    upload = _upload(client, sandwell_officer, "r.csv", b"kpi,period,value\nPI1,2018-11,21\n")
    assert upload.data is None  # the worker read it, then dropped it
    assert upload.table == {
        "header": ["kpi", "period", "value"],
        "rows": [["PI1", "2018-11", "21"]],
        "sheet": "",
        "unreadable": [],
    }


CELLS = [
    "text", "", "with\0nul", 21, -3, 85.5, True, None, math.inf, -math.inf,
    dt.datetime(2018, 10, 1), dt.datetime(2018, 10, 1, 9, 30), dt.date(2018, 10, 1),
    dt.time(9, 30), dt.timedelta(hours=36), _ExcelError("#DIV/0!"),
    _NoCachedValue('=WEBSERVICE("http://example.org/")'), _PercentNumber(0.85), _PercentNumber(1),
]  # fmt: skip


def test_every_kind_of_cell_survives_being_kept(sandwell_officer, seeds):
    """Through the database (PostgreSQL's jsonb holds no NUL, nor infinity)."""
    table = files._Table(header=["kpi", "period"], rows=[(2, CELLS)], sheet="S",
                         unreadable=[(2, "bad", "D (commentary)")])  # fmt: skip
    upload = Upload.objects.create(
        organisation=seeds["sandwell"], uploaded_by=sandwell_officer, name="r.xlsx",
        table=files.table_to_json(table),
    )  # fmt: skip
    upload.refresh_from_db()
    kept = files.table_from_json(upload.table)
    assert kept == table
    assert [type(cell) for cell in kept.rows[0][1]] == [type(cell) for cell in CELLS]


def test_an_upload_from_before_tables_were_kept_says_so(client, sandwell_officer, seeds):
    from importlib import import_module

    legacy = import_module("kpis.migrations.0012_upload_keeps_its_table").LEGACY
    # As migration 0016 leaves it: failed, to be checked again.
    upload = Upload.objects.create(
        organisation=seeds["sandwell"], uploaded_by=sandwell_officer, name="old.csv",
        file_error=legacy, state=UploadState.FAILED,
    )  # fmt: skip
    client.force_login(sandwell_officer)
    assert "Check it again" in _preview(client, upload).content.decode()
    client.post(reverse("upload_check", args=["sandwell", upload.pk]))
    response = _preview(client, upload)
    assert response.context["file_error"] == legacy
    before = snapshot()
    client.post(reverse("upload_confirm", args=["sandwell", upload.pk]))
    assert snapshot() == before


# --- The errors a page shows ---------------------------------------------------------------


def test_a_page_lists_the_first_errors_and_offers_them_all(client, sandwell_officer):
    count = ERRORS_SHOWN + 50
    data = b"kpi,period,value\n" + b"".join(
        f"PI1,{2000 + n // 12}-{n % 12 + 1:02d},abc\n".encode() for n in range(count)
    )
    upload = _upload(client, sandwell_officer, "r.csv", data)
    response = _preview(client, upload)
    html = response.content.decode()
    assert len(response.context["result"].errors) == count
    assert html.count("<li>Row ") == ERRORS_SHOWN
    assert f"The first {ERRORS_SHOWN} of {count} errors are shown." in html
    download = reverse("upload_errors_csv", args=["sandwell", upload.pk])
    assert download in html

    errors = client.get(download)
    assert errors["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="r-errors.csv"' in errors["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(errors.content.decode())))
    assert rows[0] == ["row", "column", "error"]
    assert len(rows) == count + 1
    assert rows[-1] == [str(count + 1), "C (value)", "'abc' is not a number"]


def test_the_error_download_is_the_uploaders_own(client, sandwell_officer, officer, seeds):
    upload = _upload(client, sandwell_officer, "r.csv", b"kpi,period,value\nPI1,2018-11,abc\n")
    client.force_login(officer)
    assert client.get(reverse("upload_errors_csv", args=["sandwell", upload.pk])).status_code == 404
