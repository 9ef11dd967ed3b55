"""What a hostile upload costs (issue 15, item 2): for each file, the time and
the peak memory of what the upload page does with it — the checks before it
is stored, reading its table once (``services.upload_create``), then a
preview from the kept table (``readings_import`` dry run, as each preview
reload and the confirmation do) — and the preview page's size.

The budget: any file the upload accepts is read and previewed in under 2 s
and 300 MB. The files are SYNTHETIC, made here: the cases of the issue (an
.xlsx with cells in A and XFD, with its dimension declared and with it
hidden; 150 MB of XML in a 3 MB workbook; a 5 MB CSV) and the largest files
the limits let through (``kpis.imports.files``: MAX_CELLS, MAX_SHEET_XML_BYTES,
MAX_ROWS), valid and all errors. Time is measured without tracemalloc (best
of 3), memory with it (one run). Uses a scratch SQLite file unless
DATABASE_URL is set. Prints figures; asserts nothing.
Run: .venv/bin/python bench/hostile_uploads.py
"""

import gc
import io
import json
import logging
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402  (sets Django up first)

# isort: split
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from kpis.imports import files  # noqa: E402
from kpis.imports.readings import readings_import  # noqa: E402
from kpis.models import KPI, Organisation, Upload  # noqa: E402
from kpis.services import upload_create  # noqa: E402

SLUG = "synthetic-hostile-upload-bench-trust"
# Enough KPIs that a long file at the cell limit holds no month twice, and
# none before 2000-01 or after 2026.
KPI_COUNT = 100
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = "kpi,period,value,commentary\n"


def build() -> Organisation:
    Organisation.objects.filter(slug=SLUG).delete()
    organisation = Organisation.objects.create(name="SYNTHETIC hostile upload trust", slug=SLUG)
    KPI.objects.bulk_create(
        KPI(organisation=organisation, code=f"SYN{n}", title=f"SYNTHETIC KPI {n}",
            unit="percent", polarity="higher", precision=1, order=n)
        for n in range(KPI_COUNT)
    )  # fmt: skip
    return organisation


# --- The files ------------------------------------------------------------------------


def _month(n: int) -> str:
    return f"{2000 + n // 12}-{n % 12 + 1:02d}"


def _long_rows(count: int, bad: bool = False) -> list[str]:
    value = "abc" if bad else "50.5"
    return [
        f"SYN{n % KPI_COUNT},{_month(n // KPI_COUNT % 300)},{value},SYNTHETIC" for n in range(count)
    ]


def csv_at_cell_limit(bad: bool = False) -> bytes:
    rows = files.MAX_CELLS // 4 - 1
    return (HEADER + "\n".join(_long_rows(rows, bad)) + "\n").encode()


def csv_5mb() -> bytes:
    """As the issue's: 5 MB of rows, far more than MAX_ROWS."""
    line = "SYN1,2018-10,abc,SYNTHETIC\n"
    return (HEADER + line * ((files.MAX_UPLOAD_BYTES - 100) // len(line))).encode()


def csv_blank_lines() -> bytes:
    return (HEADER + "\n" * (files.MAX_UPLOAD_BYTES - 100)).encode()


def csv_unclosed_quotes() -> bytes:
    """Each reading after an unclosed quote finds another (tests/security/test_strict_csv.py)."""
    return (HEADER + 'SYN1,2018-10,1,"open\n' + 'x","\n' * 40_000).encode()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _workbook_with_sheet(sheet_xml: bytes) -> bytes:
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(parts)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_a_and_xfd(rows: int, declared: bool) -> bytes:
    """The issue's: each row a cell in column A and one in column XFD."""
    dimension = f'<dimension ref="A1:XFD{rows}"/>' if declared else '<dimension ref="A1"/>'
    body = "".join(
        f'<row r="{r}">{_cell(f"A{r}", "SYN1")}{_cell(f"XFD{r}", "x")}</row>'
        for r in range(1, rows + 1)
    )
    return _workbook_with_sheet(
        f"<worksheet {MAIN}>{dimension}<sheetData>{body}</sheetData></worksheet>".encode()
    )


def xlsx_lots_of_xml(megabytes: int) -> bytes:
    """The issue's: a few MB of workbook holding a sheet of far more XML,
    deflated about 50 to 1 (under the ratio a zip bomb is refused at)."""
    header = f'<row r="1">{_cell("A1", "kpi")}{_cell("B1", "period")}{_cell("C1", "value")}</row>'
    # Rows without a number deflate well; one numbered row in 4 keeps the
    # ratio near the 52 to 1.
    plain = '<row><c t="inlineStr"><is><t>SYN1</t></is></c></row>'
    body, size, r = [header], 0, 2
    while size < megabytes * 2**20:
        body.append(f'<row r="{r}"/>' if r % 4 == 0 else plain)
        size += len(body[-1])
        r += 1
    return _workbook_with_sheet(
        f"<worksheet {MAIN}><sheetData>{''.join(body)}</sheetData></worksheet>".encode()
    )


def xlsx_at_cell_limit() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["kpi", "period", "value", "commentary"])
    for row in _long_rows(files.MAX_CELLS // 4 - 1):
        code, period, value, commentary = row.split(",")
        sheet.append([code, period, float(value), commentary])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_at_xml_limit() -> bytes:
    """Under MAX_SHEET_XML_BYTES, but nearly all of it elements the parser
    must read and throw away."""
    header = f'<row r="1">{_cell("A1", "kpi")}{_cell("B1", "period")}{_cell("C1", "value")}</row>'
    # Numbered, so it deflates like a sheet (about 15 to 1), not like a bomb.
    junk, size, n = [], 0, 0
    while size < files.MAX_SHEET_XML_BYTES - 4096:
        junk.append(f'<x n="{n}"/>')
        size += len(junk[-1])
        n += 1
    junk = "".join(junk)
    return _workbook_with_sheet(
        f"<worksheet {MAIN}><sheetData>{header}</sheetData>{junk}</worksheet>".encode()
    )


def xlsx_strings_at_xml_limit() -> bytes:
    """A sheet of three cells whose shared strings fill the XML limit."""
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    items, size, n = [], 0, 0
    while size < files.MAX_SHEET_XML_BYTES - 8192:
        items.append(f"<si><t>SYNTHETIC {n}</t></si>")
        size += len(items[-1])
        n += 1
    parts["xl/sharedStrings.xml"] = (
        f'<sst {MAIN} count="{n}" uniqueCount="{n}">{"".join(items)}</sst>'.encode()
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABC"))
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet {MAIN}><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()
    )
    return _zip(parts)


CASES = [
    ("CSV at the cell limit, valid", "r.csv", csv_at_cell_limit),
    ("CSV at the cell limit, every row bad", "r.csv", lambda: csv_at_cell_limit(bad=True)),
    ("CSV of 5 MB (the issue's)", "r.csv", csv_5mb),
    ("CSV of 5 MB of blank lines", "r.csv", csv_blank_lines),
    ("CSV of unclosed quotes", "r.csv", csv_unclosed_quotes),
    ("XLSX, A and XFD, dimension declared", "r.xlsx", lambda: xlsx_a_and_xfd(2_000, True)),
    ("XLSX, A and XFD, dimension hidden", "r.xlsx", lambda: xlsx_a_and_xfd(2_000, False)),
    ("XLSX of 150 MB of XML (the issue's)", "r.xlsx", lambda: xlsx_lots_of_xml(150)),
    ("XLSX at the cell limit, valid", "r.xlsx", xlsx_at_cell_limit),
    ("XLSX at the XML limit, junk", "r.xlsx", xlsx_at_xml_limit),
    ("XLSX at the XML limit, shared strings", "r.xlsx", xlsx_strings_at_xml_limit),
]


# --- Measuring ---------------------------------------------------------------------------


def handle(organisation, name: str, data: bytes) -> str:
    """What the upload page does: check, read and keep the table (as JSON, as
    the database would), then preview it. The outcome, in words."""
    try:
        files.check_file(name, data)
    except files.ImportFileError as error:
        return f"refused by the form: {str(error)[:60]}"
    try:
        table = files.read_table(name, data)
    except files.ImportFileError as error:
        return f"stored as unreadable: {str(error)[:60]}"
    kept = json.loads(json.dumps(files.table_to_json(table)))
    try:
        result = readings_import(
            organisation=organisation, name=name, table=files.table_from_json(kept), dry_run=True
        )
    except files.ImportFileError as error:
        return f"previewed as unreadable: {str(error)[:60]}"
    return f"previewed: {result.summary()}"


def measure(organisation, name: str, data: bytes) -> tuple[str, float, float]:
    timings = []
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        outcome = handle(organisation, name, data)
        timings.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    handle(organisation, name, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, min(timings), peak / 2**20


def page_size(organisation, user, name: str, data: bytes) -> str:
    upload = upload_create(organisation=organisation, user=user, name=name, data=data)
    client = Client()
    client.force_login(user)
    response = client.get(f"/o/{SLUG}/upload/{upload.pk}/")
    upload.delete()
    return f"{response.status_code}, {len(response.content) / 1024:,.0f} kB"


def main() -> None:
    logging.getLogger("trustmonitor.security").setLevel(logging.WARNING)  # the log-ins
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    user = _common.bench_user()
    organisation = build()
    print(_common.machine())
    print(f"{'file':<40} {'size':>8} {'time':>7} {'peak':>8}  page        outcome")
    try:
        for label, name, make in CASES:
            data = make()
            outcome, seconds, peak = measure(organisation, name, data)
            page = page_size(organisation, user, name, data)
            print(
                f"{label:<40} {len(data) / 2**20:6.2f} MB {seconds:6.2f} s {peak:6.0f} MB"
                f"  {page:<11} {outcome}"
            )
    finally:
        Upload.objects.filter(organisation__slug=SLUG).delete()
        Organisation.objects.filter(slug=SLUG).delete()


if __name__ == "__main__":
    main()
