"""Reading a file's bytes into a table of cells: the checks made before any
parser sees it (size, name, encoding, zip bombs, XML entities), then CSV or
the first sheet of an XLSX."""

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from defusedxml.common import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from kpis.imports.cells import (
    _ExcelError,
    _heading_label,
    _is_blank,
    _NoCachedValue,
    _PercentNumber,
)
from kpis.imports.messages import (
    BAD_ENCODING,
    BAD_QUOTES,
    EMPTY_FILE,
    EMPTY_SHEET,
    MALFORMED_CSV,
    NO_HEADER,
    NO_SHEET,
    NOT_CSV,
    NOT_XLSX,
    OLD_EXCEL,
    SHEET_DIMENSION_TOO_BIG,
    SHEET_TOO_BIG,
    TOO_BIG,
    TOO_BIG_UNZIPPED,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    TOO_WIDE,
    UNCLOSED_QUOTE,
    UNSAFE_XML,
    WRONG_TYPE,
    ZIP_BOMB,
    ZIP_BOMB_ENTRIES,
    ZIP_BOMB_RATIO,
)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip of XML; refuse one that unzips to far more than a 5 MB
# sheet ever needs (a "zip bomb") before openpyxl reads it.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# A saved workbook holds a few dozen parts, and its XML deflates about 10–20
# to 1; a zip bomb holds thousands of parts or deflates 1,000 to 1. The
# declared sizes these checks read are enforced as the parts are read:
# zipfile stops at a part's declared size and then fails its CRC check.
MAX_ZIP_ENTRIES = 1_000
MAX_COMPRESSION_RATIO = 100
# The work an upload may cost, whatever its bytes (bench/hostile_uploads.py:
# any file within these is read and previewed in under 2 s on a loaded
# 2-core machine, docs/performance.md). A trust's year of 40 KPIs is 480
# readings: twenty years of them in the long layout, with numerator and
# denominator columns, are 57,600 filled cells.
MAX_COLUMNS = 1_000  # column ALL: 80 years of months in the wide layout
MAX_ROWS = 50_000  # blank rows too: they are rows of a CSV, numbered
MAX_CELLS = 60_000  # filled cells
# The first sheet's XML and the shared strings it reads, unzipped: 60,000
# cells as Excel or openpyxl write them. The XML is read at 4–6 MB a second.
MAX_SHEET_XML_BYTES = 4 * 1024 * 1024
# A dimension is declared at the top of a sheet's XML, before its cells.
_DIMENSION_SEARCHED = 64 * 1024
_DIMENSION = re.compile(r"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
_RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, themes) may deflate further

_BINARY_KINDS = [
    (b"PK\x03\x04", "a zip archive, perhaps an Excel workbook: name it .xlsx"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97–2003 (.xls) or other Office file"),
    (b"%PDF", "a PDF"),
    (b"{\\rtf", "a Word (RTF) document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"MZ\x90\x00", "a Windows program (.exe)"),
    (b"\x7fELF", "a program (ELF)"),
    (b"\x1f\x8b", "a gzip archive"),
]


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class _Table:
    header: list
    rows: list[tuple[int, list]]  # (row number as a spreadsheet shows it, cells)
    sheet: str = ""
    # Rows that cannot be read at all (a CSV quote never closed), as
    # (row, message, column): row errors, their cells left blank.
    unreadable: list[tuple[int, str, str]] = field(default_factory=list)

    def column(self, index: int, heading: Any = None) -> str:
        """``C (value)``: the letter, and the heading as written."""
        heading = self.header[index] if heading is None else heading
        return f"{get_column_letter(index + 1)} ({_heading_label(heading)})"


# --- A table kept between the upload and its confirmation ------------------------
#
# An upload is read once; what the preview and the confirmation need is the
# table, kept as JSON (Upload.table), never the file. Cells are JSON's own
# types or, for the rest, a one-key object: {"date": …}, {"error": "#N/A"},
# {"formula": "=A1"} (no saved value), {"percent": 0.85}, {"float": "inf"},
# {"nul": [parts]} for text with NUL characters (PostgreSQL's jsonb holds none).


def table_to_json(table: _Table) -> dict:
    return {
        "header": [_cell_to_json(c) for c in table.header],
        "rows": [[_cell_to_json(c) for c in cells] for _, cells in table.rows],
        "sheet": table.sheet,
        "unreadable": [list(problem) for problem in table.unreadable],
    }


def table_from_json(stored: dict) -> _Table:
    return _Table(
        header=[_cell_from_json(c) for c in stored["header"]],
        rows=[
            (number, [_cell_from_json(c) for c in cells])
            for number, cells in enumerate(stored["rows"], start=2)
        ],
        sheet=stored["sheet"],
        unreadable=[tuple(problem) for problem in stored["unreadable"]],
    )


def _cell_to_json(cell: Any) -> Any:
    if isinstance(cell, str):
        return {"nul": cell.split("\0")} if "\0" in cell else cell
    if isinstance(cell, float) and not math.isfinite(cell):
        return {"float": repr(cell)}
    if cell is None or isinstance(cell, bool | int | float):
        return cell
    if isinstance(cell, dt.datetime):
        return {"datetime": cell.isoformat()}
    if isinstance(cell, dt.date):
        return {"date": cell.isoformat()}
    if isinstance(cell, dt.time):
        return {"time": cell.isoformat()}
    if isinstance(cell, dt.timedelta):
        return {"timedelta": cell.total_seconds()}
    if isinstance(cell, _ExcelError):
        return {"error": cell.text}
    if isinstance(cell, _NoCachedValue):
        return {"formula": cell.formula}
    if isinstance(cell, _PercentNumber):
        return {"percent": _cell_to_json(cell.number)}
    return str(cell)  # nothing else comes out of a file: kept as the text it shows


_FROM_JSON = {
    "nul": "\0".join,
    "float": float,
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "timedelta": lambda seconds: dt.timedelta(seconds=seconds),
    "error": _ExcelError,
    "formula": _NoCachedValue,
    "percent": lambda number: _PercentNumber(_cell_from_json(number)),
}


def _cell_from_json(stored: Any) -> Any:
    if isinstance(stored, dict):
        [(kind, value)] = stored.items()
        return _FROM_JSON[kind](value)
    return stored


def read_table(name: str, data: bytes) -> _Table:
    """A file's table, for an import now or kept for one later (``table_to_json``)."""
    return _read_table(name, data)


def check_file(name: str, data: bytes) -> None:
    """The checks made before anything parses a file: its size, its name,
    and that its bytes are what the name says — text for .csv, a zip that is
    no zip bomb for .xlsx. Raises ImportFileError. The upload form runs this
    before it stores a file; every import runs it first.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(TOO_BIG.format(limit=MAX_UPLOAD_BYTES))
    suffix = PurePath(name).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        message = OLD_EXCEL if suffix == ".xls" else WRONG_TYPE
        raise ImportFileError(message.format(name=name))
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise ImportFileError(EMPTY_FILE)
    if suffix == ".csv":
        _check_text(data, name)
    else:
        _check_archive(data, name)


def _read_table(name: str, data: bytes) -> _Table:
    check_file(name, data)
    unreadable: list[tuple[int, str, int | None]] = []
    if PurePath(name).suffix.lower() == ".csv":
        (rows, unreadable), sheet = _read_csv(data, name), ""
    else:
        rows, sheet = _read_xlsx(data, name)
    # Trailing blank rows are how spreadsheets end; they are not data.
    while rows and all(_is_blank(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(EMPTY_SHEET.format(sheet=sheet) if sheet else EMPTY_FILE)
    header = rows[0]
    if all(_is_blank(c) for c in header):
        raise ImportFileError(NO_HEADER)
    table = _Table(header=list(header), rows=list(enumerate(rows[1:], start=2)), sheet=sheet)
    table.unreadable = [
        (row, message, table.column(index) if index is not None and index < len(header) else "")
        for row, message, index in unreadable
    ]
    return table


def _check_text(data: bytes, name: str) -> None:
    # UTF-32's little-endian mark begins with UTF-16's, so it is looked for first.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ImportFileError(BAD_ENCODING.format(detail=" (it is UTF-32)"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(BAD_ENCODING.format(detail=" (it is UTF-16)"))
    for magic, kind in _BINARY_KINDS:
        if data.startswith(magic):
            raise ImportFileError(NOT_CSV.format(name=name, kind=kind))
    if b"\x00" in data:
        detail = " (it has NUL bytes, as UTF-16 text or a binary file does)"
        raise ImportFileError(BAD_ENCODING.format(detail=detail))


def _read_csv(data: bytes, name: str) -> list[list]:
    """The rows of a CSV file that :func:`check_file` has passed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(BAD_ENCODING.format(detail="")) from None
    return _csv_records(text)


# The csv module's strict errors, by their first word.
_QUOTE_PROBLEMS = {"unexpected": UNCLOSED_QUOTE, "','": BAD_QUOTES}
# Each quote never closed means reading the rest of the file again from the
# line after it: a few are row errors, more are the file's (so a file of
# nothing but quotes costs a few readings of it, not one per line).
MAX_UNCLOSED_QUOTES = 3
# A file with more rows than this that cannot be read is not a CSV of readings.
MAX_UNREADABLE_ROWS = 100


def _csv_records(text: str) -> tuple[list[list], list[tuple[int, str, int | None]]]:
    """The rows of a CSV text, read strictly, and the rows that cannot be read
    as (row, message, column index or None).

    A quote that is never closed would otherwise swallow every line after it
    into one cell, silently: the row it opens in is an error instead, and
    reading goes on from the next line, so every later row is still read and
    checked. A quoted cell may still run over several lines, as Excel writes
    a cell with line breaks. An unreadable header (row 1) is the file's error.
    """
    lines = io.StringIO(text, newline="").readlines()
    rows: list[list] = []
    unreadable: list[tuple[int, str, int | None]] = []
    offset = 0  # lines before the ones this reader reads
    unclosed = filled = 0
    reader = csv.reader(iter(lines), strict=True)
    while True:
        before = reader.line_num  # where the record being read starts
        try:
            for row in reader:
                rows.append(row)
                before = reader.line_num
                filled += _bounded(row, len(rows), filled)
            return rows, unreadable
        except csv.Error as error:
            line = offset + before + 1  # the line the bad record starts on
            message = _QUOTE_PROBLEMS.get(str(error).partition(" ")[0])
            too_many = unclosed == MAX_UNCLOSED_QUOTES or len(unreadable) == MAX_UNREADABLE_ROWS
            if not rows or message is None or too_many:
                # The header, no quote problem (a cell over 128 KB), or too many.
                raise ImportFileError(MALFORMED_CSV.format(line=line, reason=error)) from None
        rows.append([])
        if message is BAD_QUOTES:  # the reader goes on from the next line
            unreadable.append((len(rows), message.format(line=line), None))
            continue
        # The quote opens in the last cell of its line; read on from the next.
        index = max(len(next(csv.reader([lines[line - 1]]), [])) - 1, 0)
        unreadable.append((len(rows), message.format(line=line), index))
        unclosed += 1
        offset = line
        reader = csv.reader(itertools.islice(lines, line, None), strict=True)


def _bounded(row: list[str], number: int, filled: int) -> int:
    """A CSV row's filled cells, after checking it keeps the file within
    MAX_ROWS, MAX_COLUMNS and MAX_CELLS (as the sheet of a workbook is)."""
    if number > MAX_ROWS:
        raise ImportFileError(TOO_MANY_ROWS.format(max_rows=MAX_ROWS))
    count = sum(1 for cell in row if cell)
    if len(row) > MAX_COLUMNS and any(row[MAX_COLUMNS:]):
        column = MAX_COLUMNS + next(i for i, cell in enumerate(row[MAX_COLUMNS:]) if cell) + 1
        raise ImportFileError(_too_wide(number, column))
    if filled + count > MAX_CELLS:
        raise ImportFileError(TOO_MANY_CELLS.format(max_cells=MAX_CELLS))
    return count


def _read_xlsx(data: bytes, name: str) -> tuple[list[list], str]:
    """The first sheet's rows, and the sheet's name, read once and bounded.

    Only what the first sheet needs is read: the workbook part (for the sheet
    list), the shared strings and styles, then the sheet itself, parsed once
    with each formula's saved value and its text together (a formula whose
    value was never saved, as openpyxl and some tools write, is told from a
    blank cell). Nothing else is parsed: no other sheet, nor openpyxl's pass
    that sizes every sheet. Before the sheet is read, its size in XML and its
    declared dimension are checked; while it is read, each value's column and
    row and the count of filled cells (``MAX_COLUMNS``, ``MAX_ROWS``,
    ``MAX_CELLS``), so a row holding a cell in column XFD is refused, not
    padded to 16,384 cells.

    :func:`check_file` has checked the archive before openpyxl opens it;
    openpyxl parses with defusedxml, so a document type or entity declaration
    (a "billion laughs") is refused rather than expanded.
    """
    reader = None
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_workbook()
        sheet = _first_sheet(reader)
        _check_sheet_size(reader, sheet)
        reader.shared_strings = _read_strings(reader)
        apply_stylesheet(reader.archive, reader.wb)
        return _sheet_rows(reader, sheet.target), sheet.title
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        message = UNSAFE_XML if _caused_by(error, DefusedXmlException) else NOT_XLSX
        raise ImportFileError(message.format(name=name)) from None
    finally:
        if reader is not None:
            reader.archive.close()


@dataclass(frozen=True)
class _Sheet:
    title: str
    target: str  # the sheet's part in the archive, e.g. xl/worksheets/sheet1.xml


def _first_sheet(reader: ExcelReader) -> _Sheet:
    """The first worksheet (chart sheets are not worksheets), as openpyxl's
    ``wb.worksheets[0]`` finds it."""
    for sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return _Sheet(sheet.name, rel.target)
    raise ImportFileError(NO_SHEET)


def _check_sheet_size(reader: ExcelReader, sheet: _Sheet) -> None:
    """Refuse, before parsing, a first sheet whose XML (with the shared
    strings it reads) is more than MAX_SHEET_XML_BYTES, or whose declared
    used range is wider or longer than an upload reads."""
    parts = [sheet.target]
    if (strings := reader.package.find(SHARED_STRINGS)) is not None:
        parts.append(strings.PartName[1:])
    size = sum(reader.archive.getinfo(part).file_size for part in parts)
    if size > MAX_SHEET_XML_BYTES:
        raise ImportFileError(
            SHEET_TOO_BIG.format(
                sheet=sheet.title, size_mb=size / 2**20, limit_mb=MAX_SHEET_XML_BYTES // 2**20
            )
        )
    with reader.archive.open(sheet.target) as source:
        start = source.read(_DIMENSION_SEARCHED).decode("utf-8", "replace")
    if (match := _DIMENSION.search(start)) is None:
        return  # no dimension declared: the real one is checked as it is read
    try:
        _, _, columns, rows = range_boundaries(match[1].upper())
    except (ValueError, TypeError):
        return  # a dimension openpyxl cannot read; the cells are checked anyway
    if (columns or 0) > MAX_COLUMNS or (rows or 0) > MAX_ROWS:
        raise ImportFileError(
            SHEET_DIMENSION_TOO_BIG.format(
                sheet=sheet.title, ref=match[1], columns=columns or 0, rows=rows or 0,
                max_columns=MAX_COLUMNS, max_rows=MAX_ROWS,
            )
        )  # fmt: skip


_T = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_SHARED_STRING = f"{{{SHEET_MAIN_NS}}}si"
# What a cell is made of: its value, formula and inline string with its runs.
_CELL_PARTS = {f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("c", "v", "f", "is", "t", "r", "rPr", "rPh")}


def _text(node) -> str:
    """A string item's text, its runs joined, phonetic guides left out: what
    openpyxl's ``Text.from_tree(node).content`` gives, at a tenth of the cost."""
    parts = []
    for child in node:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _RUN and (text := child.find(_T)) is not None:
            parts.append(text.text or "")
    return "".join(parts)


def _read_strings(reader: ExcelReader) -> list[str]:
    """The workbook's shared strings, as openpyxl's ``read_string_table`` reads them."""
    if (part := reader.package.find(SHARED_STRINGS)) is None:
        return []
    strings = []
    with reader.archive.open(part.PartName[1:]) as source:
        for _, node in iterparse(source):
            if node.tag == _SHARED_STRING:
                strings.append(_text(node).replace("x005F_", ""))
                node.clear()
    return strings


class _SheetParser(WorkSheetParser):
    """openpyxl's sheet parser reading saved values (``data_only``) that also
    keeps the text of a formula whose value was never saved, reads inline
    strings without openpyxl's slow ``Text`` objects, and empties each element
    that is not part of a cell as it ends, so XML that is not cells costs its
    reading and little memory. Only the end of each element is seen: with its
    start too, Python's XML parser (as defusedxml runs it) is half as fast."""

    def rows(self):
        """(row number, cells) for each row, as ``parse()`` yields them."""
        for _, element in iterparse(self.source):
            if element.tag == ROW_TAG:
                yield self._row(element)
                element.clear()
            elif element.tag not in _CELL_PARTS:
                element.clear()  # not part of a cell: nothing of it is needed

    def _row(self, element) -> tuple[int, list[dict]]:
        """As ``parse_row``, without keeping each row's formatting."""
        if (number := element.get("r")) is not None:
            try:
                self.row_counter = int(number)
            except ValueError:
                value = float(number)
                if not value.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row_counter = int(value)
        else:
            self.row_counter += 1
        self.col_counter = 0
        return self.row_counter, [self.parse_cell(child) for child in element]

    def parse_cell(self, element):
        inline = element.find(_INLINE) if element.get("t") == "inlineStr" else None
        if inline is not None:
            element.remove(inline)  # read below, not by openpyxl's Text
        cell = super().parse_cell(element)
        if inline is not None:
            cell["value"], cell["data_type"] = _text(inline), "s"
        if element.find(FORMULA_TAG) is not None:
            # Parsed for every formula, so shared formulas translate as openpyxl's do.
            formula = self.parse_formula(element)
            if cell["value"] is None:
                cell["formula"] = str(getattr(formula, "text", formula))
        return cell


def _sheet_rows(reader: ExcelReader, target: str) -> list[list]:
    wb = reader.wb
    rows: list[list] = []
    filled = 0
    with reader.archive.open(target) as source:
        parser = _SheetParser(
            source, reader.shared_strings, data_only=True, epoch=wb.epoch,
            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
        )  # fmt: skip
        for number, cells in parser.rows():
            values = {}
            for cell in cells:
                value = _xlsx_value(cell, wb)
                if _is_blank(value):
                    continue
                if cell["column"] > MAX_COLUMNS:
                    raise ImportFileError(_too_wide(number, cell["column"]))
                values[cell["column"]] = value
            if not values:
                continue  # a blank row: the gap below makes it one
            if number > MAX_ROWS:
                raise ImportFileError(TOO_MANY_ROWS.format(max_rows=MAX_ROWS))
            if number <= len(rows):
                continue  # a row out of order, as openpyxl skips it
            filled += len(values)
            if filled > MAX_CELLS:
                raise ImportFileError(TOO_MANY_CELLS.format(max_cells=MAX_CELLS))
            rows.extend([] for _ in range(number - 1 - len(rows)))
            row = [None] * max(values)
            for column, value in values.items():
                row[column - 1] = value
            rows.append(row)
    return rows


def _too_wide(row: int, column: int) -> str:
    return TOO_WIDE.format(
        row=row, column=get_column_letter(column), max_columns=MAX_COLUMNS,
        last=get_column_letter(MAX_COLUMNS),
    )  # fmt: skip


def _caused_by(error: BaseException | None, kind: type[BaseException]) -> bool:
    """True if ``error`` or an exception it was raised from is a ``kind``
    (openpyxl wraps the XML parser's errors in a ValueError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _check_archive(data: bytes, name: str) -> None:
    """Refuse what is not a zip, or is a zip bomb, from its directory alone:
    too many parts, too much unzipped in all, or a part that deflates far
    more than XML does."""
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError(NOT_XLSX.format(name=name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise ImportFileError(NOT_XLSX.format(name=name)) from None
    if len(parts) > MAX_ZIP_ENTRIES:
        detail = ZIP_BOMB_ENTRIES.format(count=len(parts))
        raise ImportFileError(ZIP_BOMB.format(name=name, detail=detail))
    if sum(part.file_size for part in parts) > MAX_UNZIPPED_BYTES:
        raise ImportFileError(TOO_BIG_UNZIPPED.format(limit_mb=MAX_UNZIPPED_BYTES // 2**20))
    for part in parts:
        if part.file_size < _RATIO_CHECKED_FROM:
            continue
        ratio = part.file_size // max(part.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            detail = ZIP_BOMB_RATIO.format(part=part.filename, ratio=ratio)
            raise ImportFileError(ZIP_BOMB.format(name=name, detail=detail))
    if "[Content_Types].xml" not in {part.filename for part in parts}:
        raise ImportFileError(NOT_XLSX.format(name=name))


def _xlsx_value(cell: dict, wb) -> Any:
    """A parsed cell (``_SheetParser``) as the parser's cells read it."""
    value = cell["value"]
    if cell["data_type"] == "e":
        return _ExcelError(str(value))
    if value is None:
        return _NoCachedValue(cell["formula"]) if "formula" in cell else None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _is_percent_format(_number_format(wb, cell["style_id"]))
    ):
        return _PercentNumber(value)
    return value


def _number_format(wb, style_id: int) -> str | None:
    """As openpyxl's ReadOnlyCell.number_format works it out."""
    if not style_id:
        return None
    format_id = wb._cell_styles[style_id].numFmtId
    if format_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(format_id, "General")
    return wb._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE]


def _is_percent_format(number_format: str | None) -> bool:
    """True for ``0%`` or ``0.0%``; not for a literal ``"%"`` or ``\\%``."""
    if not number_format:
        return False
    unquoted = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in unquoted
