"""Reading a file's bytes into a table of cells: the checks made before any
parser sees it (size, name, encoding, zip bombs, XML entities), then CSV or
the first sheet of an XLSX."""

import codecs
import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import PurePath
from typing import Any

from defusedxml.common import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

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
    TOO_BIG,
    TOO_BIG_UNZIPPED,
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
    unclosed = 0
    reader = csv.reader(iter(lines), strict=True)
    while True:
        before = reader.line_num  # where the record being read starts
        try:
            for row in reader:
                rows.append(row)
                before = reader.line_num
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


def _read_xlsx(data: bytes, name: str) -> tuple[list[list], str]:
    """The first sheet's rows, and the sheet's name.

    The workbook is read twice: once for the values Excel saved, once for the
    formulas, to tell a formula whose value was never saved (openpyxl and
    some tools write none) from a blank cell.

    :func:`check_file` has checked the archive before openpyxl opens it;
    openpyxl parses with defusedxml, so a document type or entity declaration
    (a "billion laughs") is refused rather than expanded.
    """
    books = []
    try:
        for data_only in (True, False):
            books.append(load_workbook(io.BytesIO(data), read_only=True, data_only=data_only))
        if not books[0].worksheets:
            raise ImportFileError(NO_SHEET)
        values, formulas = books[0].worksheets[0], books[1].worksheets[0]
        # The stored dimensions may be wrong (some tools write "A1"): read all.
        values.reset_dimensions()
        formulas.reset_dimensions()
        # read_only sheets parse as they are iterated, so a broken or hostile
        # sheet fails here, inside the try, not later.
        rows = [
            [
                _xlsx_cell(cell, formula)
                for cell, formula in zip_longest(value_row, formula_row or (), fillvalue=None)
                if cell is not None
            ]
            for value_row, formula_row in zip_longest(
                values.iter_rows(), formulas.iter_rows(), fillvalue=()
            )
        ]
        return rows, values.title
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a zip that is not a workbook
        message = UNSAFE_XML if _caused_by(error, DefusedXmlException) else NOT_XLSX
        raise ImportFileError(message.format(name=name)) from None
    finally:
        for book in books:
            book.close()


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


def _xlsx_cell(cell, formula) -> Any:
    value = cell.value
    if cell.data_type == "e":
        return _ExcelError(str(value))
    if value is None:
        if formula is not None and formula.data_type == "f":
            return _NoCachedValue(str(getattr(formula.value, "text", formula.value)))
        return None
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _is_percent_format(cell.number_format)
    ):
        return _PercentNumber(value)
    return value


def _is_percent_format(number_format: str | None) -> bool:
    """True for ``0%`` or ``0.0%``; not for a literal ``"%"`` or ``\\%``."""
    if not number_format:
        return False
    unquoted = re.sub(r'"[^"]*"|\\.', "", number_format)
    return "%" in unquoted
