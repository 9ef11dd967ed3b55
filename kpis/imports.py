"""Readings and targets from CSV and XLSX files: the one parser.

The upload page, ``manage.py import_readings`` and ``manage.py import_targets``
all call :func:`readings_import` or :func:`targets_import`. Bad input is named,
never guessed: every bad cell becomes a :class:`RowError` that says which row
(as a spreadsheet numbers it, the header is row 1), which column, and why. A
file with any error saves nothing. What is accepted is documented, with
examples, in ``docs/imports.md``.

>>> str(RowError(7, NOT_A_NUMBER.format(text="abc"), column="C (value)"))
"Row 7, column C (value): 'abc' is not a number"
"""

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import zip_longest
from pathlib import PurePath
from typing import Any, NamedTuple

from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history

from kpis.formatting import plain
from kpis.models import KPI, MonthlyReturn, Organisation, Reading, ReturnState, Source, Target, Unit
from kpis.periods import PeriodError, format_period, month_start, parse_period

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
# Above this many rows the commands print progress.
LONG_FILE_ROWS = 1_000
# Reading.value and Target fields: max_digits 14, decimal_places 4.
_MAX_INTEGER_DIGITS = 10
_STORED_PLACES = 4

# --- Whole-file problems (ImportFileError) -----------------------------------

EMPTY_FILE = "The file is empty."
TOO_BIG = "The file is larger than 5 MB ({limit:,} bytes): split it into smaller files."
TOO_BIG_UNZIPPED = (
    "The workbook unzips to more than {limit_mb} MB, far more than a sheet of readings "
    "needs: save just the sheet to import as a new workbook."
)
WRONG_TYPE = (
    "{name!r} is not a CSV or XLSX file: save the sheet as CSV (.csv) or Excel workbook "
    "(.xlsx) and upload that."
)
OLD_EXCEL = (
    "{name!r} is an Excel 97–2003 workbook (.xls), which is not read: save it as an "
    "Excel workbook (.xlsx) or CSV."
)
NOT_XLSX = (
    "{name!r} is named .xlsx but is not an Excel workbook (an .xlsx file is a zip archive "
    "of the sheets): open it in Excel and save it again as .xlsx."
)
NOT_CSV = "{name!r} is named .csv but is not a CSV file: it looks like {kind}."
ZIP_BOMB = (
    '{name!r} is not read: {detail}, as a "zip bomb" does and a workbook saved by Excel '
    "does not. Open it in Excel and save just the sheet to import as a new workbook."
)
ZIP_BOMB_ENTRIES = "it holds {count:,} files inside (a workbook holds a few dozen)"
ZIP_BOMB_RATIO = "its part {part!r} unzips to {ratio:,} times its stored size"
UNSAFE_XML = (
    "{name!r} is not read: its XML declares entities, which a workbook "
    "saved by Excel never does and which can be used to attack the server. Open it in Excel "
    "and save it again as .xlsx."
)
BAD_ENCODING = (
    "The file is not text in UTF-8 or Windows-1252 (cp1252){detail}: save it from Excel "
    "as 'CSV UTF-8 (Comma delimited)'."
)
MALFORMED_CSV = "The CSV file cannot be read at line {line}: {reason}."
EMPTY_SHEET = "The workbook's first sheet ({sheet!r}) is empty: only the first sheet is read."
NO_SHEET = "The workbook has no worksheet."
NO_HEADER = "Row 1 is blank: the first row must name the columns, e.g. kpi,period,value,commentary."
NO_ROWS = "The file has a header row but no readings below it."
NO_TARGET_ROWS = "The file has a header row but no targets below it."
UNKNOWN_LAYOUT = (
    "Row 1 ({headings}) does not name the columns of either layout: long — kpi, period, "
    "value (and optionally commentary, numerator, denominator) — or wide — kpi first, then "
    "one column per month (2018-01 or Jan-18)."
)
HEADINGS_LATER = " Row {row} looks like the column headings: delete the rows above it."
OTHER_SEPARATOR = (
    " The columns seem to be separated by {separator!r}: save the file as CSV (comma delimited)."
)
FIRST_SHEET_ONLY = " Only the workbook's first sheet ({sheet!r}) is read."
MISSING_COLUMNS = "Row 1 has no {missing} column: the {layout} needs {needed}."
UNKNOWN_COLUMN = "Column {column} heading {text!r} is not one this import reads ({known})."
DUPLICATE_COLUMN = "Columns {first} and {column} are both headed {text!r}."
NOT_A_MONTH_COLUMN = (
    "Column {column} heading {text!r} is not a month: in the wide layout, kpi comes first, "
    "then an optional title column, then one column per month, headed 2018-01 or Jan-18."
)
DUPLICATE_MONTH_COLUMN = "Columns {first} and {column} are both for {period}."
DATA_WITHOUT_HEADING = "Column {column} has values (first in row {row}) but no heading in row 1."

# --- Row problems (RowError) ------------------------------------------------

VALUE_REQUIRED = "a value is required"
NOT_A_NUMBER = "{text!r} is not a number"
NOT_A_VALUE = (
    "{text!r} is not a number: when there is no reading, leave the cell blank in the wide "
    "layout, or leave the row out in the long layout"
)
# The same problem typed on the return form, where there are no layouts.
NOT_A_VALUE_ON_FORM = "{text!r} is not a number: when there is no reading, leave the box blank"
NOT_FINITE = "{text!r} is not a finite number"
NON_ASCII_DIGITS = (
    "{text!r} has characters other than the digits 0–9 (full-width or other scripts' digits): "
    "type the number again with ordinary digits"
)
EXCEL_ERROR = "{text} is an Excel error, not a value: correct the formula in the spreadsheet"
FORMULA_WITHOUT_VALUE = (
    "the cell holds a formula ({formula}) without a saved value; open and save the file in Excel"
)
PERCENT_SIGN = "{text!r} has a % sign but {code} is measured in {unit}, not percent"
PERCENT_OUT_OF_RANGE = "{text!r} is not a percentage between 0 and 100"
NEGATIVE = "{text!r} is negative; {what} cannot be below 0"
NOT_WHOLE = "{text!r} is not a whole number; {code} is a count"
TOO_MANY_DECIMALS = "{text!r} has more decimal places than {what} records ({precision})"
TOO_LARGE = "{text!r} is too large: at most 10 digits before the decimal point"
NEED_BOTH = "give both numerator and denominator, or neither"
COUNT_HAS_NO_RATIO = "{code} is a count: it has no numerator or denominator"
ZERO_DENOMINATOR = "the denominator is 0"
NUMERATOR_ABOVE_DENOMINATOR = "numerator {numerator} is greater than denominator {denominator}"
VALUE_MISMATCH = (
    "value {value} does not match numerator / denominator ({numerator} / {denominator} "
    "gives {computed})"
)
KPI_REQUIRED = "the kpi cell is blank: every row needs a KPI code"
UNKNOWN_KPI = "{code!r} is not a KPI of {organisation}"
OTHER_ORGANISATION_KPI = "{code!r} belongs to {other}, not {organisation}"
PERIOD_REQUIRED = "a period is required, written as YYYY-MM, e.g. 2018-10"
FUTURE_PERIOD = "{period} is in the future: readings can be imported up to {current}"
DUPLICATE_READING = "{code} for {period} is also in row {first}"
DUPLICATE_KPI_ROW = "{code} is also in row {first}"
RETURN_ACCEPTED = "the return for {period} is accepted; a commissioner must reopen it first"
RETURN_SUBMITTED = (
    "the return for {period} is submitted for review; a commissioner must reopen it first"
)
STRAY_HEADER = "this row repeats the column headings: only row 1 may be a header row"
VALID_FROM_REQUIRED = "valid_from is required, written as YYYY-MM-DD, e.g. 2019-04-01"
MALFORMED_VALID_FROM = "{text!r} is not a date: write valid_from as YYYY-MM-DD, e.g. 2019-04-01"
BAND_ORDER = "the band must satisfy lower ≤ target ≤ upper; {lower} ≤ {target} ≤ {upper} does not"
DUPLICATE_TARGET = "{code} from {valid_from} is also in row {first}"
INVALID = "{message}"

# Text that means "no value" in the trusts' spreadsheets: refused with a hint.
_NO_VALUE_WORDS = {
    "n/a", "na", "n.a.", "n.a", "-", "--", "–", "—", "nil", "none", "null",
    "tbc", "tbd", "..", "x", "*", "?", "not available",
}  # fmt: skip
_NOT_FINITE_WORDS = {"nan", "snan", "inf", "infinity"}
EXCEL_ERRORS = {
    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#EXTERNAL!", "#PYTHON!",
}  # fmt: skip
# Digits with optional thousands separators in the UK style (1,234.5) and an
# optional sign; no exponent. "1,5" is refused rather than guessed.
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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

LONG_COLUMNS = ("kpi", "period", "value", "commentary", "numerator", "denominator", "title")
TARGET_COLUMNS = ("kpi", "valid_from", "target", "lower", "upper", "title")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class RowError:
    """One bad row (or cell): ``row`` as a spreadsheet numbers it, header = 1."""

    row: int
    message: str
    column: str = ""  # e.g. "C (value)" or, in the wide layout, "D (Mar-18)"

    def __str__(self):
        where = f"Row {self.row}, column {self.column}" if self.column else f"Row {self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ReadingRow:
    row: int
    kpi_code: str
    period: dt.date
    value: Decimal
    # None when the file has no commentary column (the wide layout never
    # has): the reading's commentary is then left as it is.
    commentary: str | None
    numerator: Decimal | None
    denominator: Decimal | None
    column: str = ""  # the month's column in the wide layout


@dataclass(frozen=True)
class TargetRow:
    row: int
    kpi_code: str
    valid_from: dt.date
    target: Decimal
    lower: Decimal
    upper: Decimal


class PreviousReading(NamedTuple):
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str


class PreviousTarget(NamedTuple):
    target: Decimal
    lower: Decimal
    upper: Decimal


@dataclass
class ImportResult:
    """What an import found: each good row is new, changed or unchanged.

    ``changed`` holds ``(row, previous)`` pairs, ``previous`` being a
    :class:`PreviousReading` or :class:`PreviousTarget`, for an "old → new"
    preview. ``saved`` is True only when the rows were written.
    """

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    saved: bool = False
    dry_run: bool = False

    def summary(self) -> str:
        """``12 new, 3 changed, 0 unchanged; saved``."""
        counts = (
            f"{len(self.new):,} new, {len(self.changed):,} changed, "
            f"{len(self.unchanged):,} unchanged"
        )
        if self.errors:
            count = len(self.errors)
            return f"{counts}; {count:,} error{'s' if count != 1 else ''}: nothing saved"
        if self.dry_run:
            return f"{counts}; dry run: nothing saved"
        return f"{counts}; saved" if self.saved else f"{counts}; nothing saved"


# --- Cells -------------------------------------------------------------------


@dataclass(frozen=True)
class _ExcelError:
    text: str


@dataclass(frozen=True)
class _NoCachedValue:
    formula: str


@dataclass(frozen=True)
class _PercentNumber:
    """An XLSX number shown as a percentage: 85% is stored as 0.85."""

    number: int | float


class _CellProblem(ValueError):
    def __init__(self, message: str, *, on_form: str | None = None):
        super().__init__(message)
        # How to say it on the return form, where it differs from a file's.
        self.on_form = on_form or message


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _float_decimal(number: float) -> Decimal:
    """A float as Excel shows it: 15 significant digits, so the 0.1 + 0.2 noise
    of a formula's result (85.30000000000001) reads as 85.3."""
    if not math.isfinite(number):
        raise _CellProblem(NOT_FINITE.format(text=repr(number)))
    return Decimal(format(number, ".15g"))


def _shown(cell: Any) -> str:
    """A cell as the person who typed it sees it, for messages."""
    if isinstance(cell, _ExcelError):
        return cell.text
    if isinstance(cell, _NoCachedValue):
        return cell.formula
    if isinstance(cell, _PercentNumber):
        return f"{plain(_number(cell)[0])}%"
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float) and math.isfinite(cell):
        return plain(_float_decimal(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    return str(cell).strip()


def _cell_text(cell: Any) -> str:
    """A text column's cell (kpi, commentary): Excel problems are errors."""
    if isinstance(cell, _ExcelError):
        raise _CellProblem(EXCEL_ERROR.format(text=cell.text))
    if isinstance(cell, _NoCachedValue):
        raise _CellProblem(FORMULA_WITHOUT_VALUE.format(formula=cell.formula))
    return "" if cell is None else _shown(cell)


def _number(cell: Any) -> tuple[Decimal, bool]:
    """A cell as a Decimal and whether it was a percentage (``85%``)."""
    if _is_blank(cell):
        raise _CellProblem(VALUE_REQUIRED)
    if isinstance(cell, _ExcelError):
        raise _CellProblem(EXCEL_ERROR.format(text=cell.text))
    if isinstance(cell, _NoCachedValue):
        raise _CellProblem(FORMULA_WITHOUT_VALUE.format(formula=cell.formula))
    if isinstance(cell, _PercentNumber):
        number, _ = _number(cell.number)
        return number * 100, True
    if isinstance(cell, bool) or isinstance(cell, dt.date | dt.time | dt.timedelta):
        raise _CellProblem(NOT_A_NUMBER.format(text=_shown(cell)))
    if isinstance(cell, int):
        return Decimal(cell), False
    if isinstance(cell, float):
        return _float_decimal(cell), False
    text = str(cell).strip()
    # Decimal() reads full-width and other scripts' digits ("８５"), so
    # check for plain ASCII before it ever sees the text.
    if not text.isascii():
        if any(unicodedata.category(ch) in {"Nd", "No"} for ch in text if not ch.isascii()):
            raise _CellProblem(NON_ASCII_DIGITS.format(text=text))
        if text.casefold() in _NO_VALUE_WORDS:
            raise _not_a_value(text)
        raise _CellProblem(NOT_A_NUMBER.format(text=text))
    folded = text.casefold()
    if folded.lstrip("+-") in _NOT_FINITE_WORDS:
        raise _CellProblem(NOT_FINITE.format(text=text))
    if text.upper() in EXCEL_ERRORS:
        raise _CellProblem(EXCEL_ERROR.format(text=text.upper()))
    if folded in _NO_VALUE_WORDS:
        raise _not_a_value(text)
    percent = text.endswith("%")
    body = text[:-1].rstrip() if percent else text
    if not _NUMBER.fullmatch(body) or not any(ch.isdigit() for ch in body):
        raise _CellProblem(NOT_A_NUMBER.format(text=text))
    return Decimal(body.replace(",", "")), percent


def _not_a_value(text: str) -> _CellProblem:
    return _CellProblem(
        NOT_A_VALUE.format(text=text), on_form=NOT_A_VALUE_ON_FORM.format(text=text)
    )


def _places(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def _integer_digits(number: Decimal) -> int:
    return max(1, number.adjusted() + 1) if number else 1


def parse_value(cell: Any, kpi: KPI) -> Decimal:
    """A value for ``kpi`` from a cell, or ValueError with the reason.

    >>> kpi = KPI(code="KPI1", unit="percent", precision=0)
    >>> parse_value("85", kpi), parse_value(" 85.0 ", kpi), parse_value("85%", kpi)
    (Decimal('85'), Decimal('85.0'), Decimal('85'))
    >>> parse_value("85.5", kpi)
    Traceback (most recent call last):
    ...
    kpis.imports._CellProblem: '85.5' has more decimal places than KPI1 records (0)
    """
    number, percent = _number(cell)
    shown = _shown(cell)
    if percent and kpi.unit != Unit.PERCENT:
        raise _CellProblem(
            PERCENT_SIGN.format(text=shown, code=kpi.code, unit=kpi.get_unit_display())
        )
    return _check_value(number, shown, kpi)


def _check_value(number: Decimal, shown: str, kpi: KPI) -> Decimal:
    if kpi.unit == Unit.PERCENT and not 0 <= number <= 100:
        raise _CellProblem(PERCENT_OUT_OF_RANGE.format(text=shown))
    if number < 0:
        raise _CellProblem(NEGATIVE.format(text=shown, what=kpi.code))
    if _integer_digits(number) > _MAX_INTEGER_DIGITS:
        raise _CellProblem(TOO_LARGE.format(text=shown))
    if kpi.unit == Unit.COUNT and _places(number):
        raise _CellProblem(NOT_WHOLE.format(text=shown, code=kpi.code))
    if _places(number) > kpi.precision:
        raise _CellProblem(
            TOO_MANY_DECIMALS.format(text=shown, what=kpi.code, precision=kpi.precision)
        )
    return abs(number) if not number else number  # no "-0"


def _parse_part(cell: Any) -> Decimal | None:
    """A numerator or denominator: blank, or a plain non-negative number."""
    if _is_blank(cell):
        return None
    number, percent = _number(cell)
    shown = _shown(cell)
    if percent:
        raise _CellProblem(NOT_A_NUMBER.format(text=shown))
    if number < 0:
        raise _CellProblem(NEGATIVE.format(text=shown, what="a numerator or denominator"))
    if _integer_digits(number) > _MAX_INTEGER_DIGITS:
        raise _CellProblem(TOO_LARGE.format(text=shown))
    if _places(number) > _STORED_PLACES:
        raise _CellProblem(
            TOO_MANY_DECIMALS.format(
                text=shown, what="a numerator or denominator", precision=_STORED_PLACES
            )
        )
    return number


# The value a numerator and denominator give, by unit.
_RATIO_SCALE = {Unit.PERCENT: 100, Unit.RATE_PER_10K: 10_000, Unit.AVERAGE: 1, Unit.DAYS: 1}


def _value_from_parts(
    value: Decimal | None, numerator: Decimal, denominator: Decimal, kpi: KPI
) -> Decimal:
    if kpi.unit == Unit.COUNT:
        raise _CellProblem(COUNT_HAS_NO_RATIO.format(code=kpi.code))
    if not denominator:
        raise _CellProblem(ZERO_DENOMINATOR)
    if kpi.unit in {Unit.PERCENT, Unit.RATE_PER_10K} and numerator > denominator:
        raise _CellProblem(
            NUMERATOR_ABOVE_DENOMINATOR.format(
                numerator=plain(numerator), denominator=plain(denominator)
            )
        )
    computed = (numerator / denominator * _RATIO_SCALE[kpi.unit]).quantize(
        Decimal(1).scaleb(-kpi.precision), rounding=ROUND_HALF_UP
    )
    if value is None:
        return _check_value(computed, plain(computed), kpi)
    if value != computed:
        raise _CellProblem(
            VALUE_MISMATCH.format(
                value=plain(value),
                numerator=plain(numerator),
                denominator=plain(denominator),
                computed=plain(computed),
            )
        )
    return value


class EntryProblem(ValueError):
    """A typed entry refused; ``field`` is value, numerator or denominator."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_entry(
    *, kpi: KPI, value: Any, numerator: Any = None, denominator: Any = None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """A value typed on the return form, with an optional numerator and
    denominator, read by the same rules as a file row.

    Returns (value, numerator, denominator); the value is derived from the
    other two when they are given. A blank value with no fraction is None.
    """
    readers = {
        "value": lambda cell: None if _is_blank(cell) else parse_value(cell, kpi),
        "numerator": _parse_part,
        "denominator": _parse_part,
    }
    parsed = {}
    for name, cell in (("value", value), ("numerator", numerator), ("denominator", denominator)):
        try:
            parsed[name] = readers[name](cell)
        except _CellProblem as problem:
            raise EntryProblem(name, problem.on_form) from None
    if (parsed["numerator"] is None) != (parsed["denominator"] is None):
        missing = "numerator" if parsed["numerator"] is None else "denominator"
        raise EntryProblem(missing, NEED_BOTH)
    if parsed["numerator"] is not None:
        try:
            parsed["value"] = _value_from_parts(
                parsed["value"], parsed["numerator"], parsed["denominator"], kpi
            )
        except _CellProblem as problem:
            raise EntryProblem("value", problem.on_form) from None
    return parsed["value"], parsed["numerator"], parsed["denominator"]


def _period_cell(cell: Any) -> dt.date:
    """A month from a cell: ``2018-10``, ``Oct-18``, ``Jan 2018`` or a date cell."""
    if isinstance(cell, dt.date):  # datetime too: an Excel date is that month
        return month_start(cell if not isinstance(cell, dt.datetime) else cell.date())
    text = _cell_text(cell)
    if not text:
        raise _CellProblem(PERIOD_REQUIRED)
    try:
        return parse_period(text)
    except PeriodError as error:
        raise _CellProblem(str(error)) from None


def _date_cell(cell: Any) -> dt.date:
    """``valid_from``: YYYY-MM-DD text or an Excel date cell, nothing else."""
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date()
    if isinstance(cell, dt.date) and not isinstance(cell, dt.datetime):
        return cell
    text = _cell_text(cell)
    if not text:
        raise _CellProblem(VALID_FROM_REQUIRED)
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _CellProblem(MALFORMED_VALID_FROM.format(text=text))


# --- Tables ------------------------------------------------------------------


@dataclass
class _Table:
    header: list
    rows: list[tuple[int, list]]  # (row number as a spreadsheet shows it, cells)
    sheet: str = ""

    def column(self, index: int, heading: Any = None) -> str:
        """``C (value)``: the letter, and the heading as written."""
        heading = self.header[index] if heading is None else heading
        return f"{get_column_letter(index + 1)} ({_heading_label(heading)})"


def _heading_label(cell: Any) -> str:
    if isinstance(cell, dt.date):
        return format_period(month_start(cell))
    return _shown(cell)


def _heading(cell: Any) -> str:
    return "" if _is_blank(cell) else _heading_label(cell).strip().casefold()


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
    if PurePath(name).suffix.lower() == ".csv":
        rows, sheet = _read_csv(data, name), ""
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
    return _Table(header=list(header), rows=list(enumerate(rows[1:], start=2)), sheet=sheet)


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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return list(reader)
    except csv.Error as error:
        raise ImportFileError(MALFORMED_CSV.format(line=reader.line_num, reason=error)) from None


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


# --- Layouts -----------------------------------------------------------------


@dataclass
class _Layout:
    wide: bool
    columns: dict[str, int]  # heading → index (long layout, targets)
    months: list[tuple[int, dt.date]] = field(default_factory=list)  # wide layout


def _check_headings(table: _Table, known: Iterable[str] | None) -> dict[str, int]:
    """Map each heading to its column; refuse repeats, unknown headings (if
    ``known`` is given) and values under a blank heading."""
    columns: dict[str, int] = {}
    blank = []
    for index, cell in enumerate(table.header):
        heading = _heading(cell)
        if not heading:
            blank.append(index)
            continue
        column = get_column_letter(index + 1)
        if heading in columns:
            first = get_column_letter(columns[heading] + 1)
            raise ImportFileError(
                DUPLICATE_COLUMN.format(first=first, column=column, text=_heading_label(cell))
            )
        if known is not None and heading not in known:
            raise ImportFileError(
                UNKNOWN_COLUMN.format(
                    column=column, text=_heading_label(cell), known=", ".join(known)
                )
            )
        columns[heading] = index
    width = len(table.header)
    for number, cells in table.rows:
        for index, cell in enumerate(cells):
            if (index >= width or index in blank) and not _is_blank(cell):
                raise ImportFileError(
                    DATA_WITHOUT_HEADING.format(column=get_column_letter(index + 1), row=number)
                )
    return columns


def _unknown_layout(table: _Table) -> ImportFileError:
    headings = ", ".join(_heading_label(c) for c in table.header if not _is_blank(c))
    message = UNKNOWN_LAYOUT.format(headings=headings)
    if table.sheet:
        message += FIRST_SHEET_ONLY.format(sheet=table.sheet)
    for number, cells in table.rows[:20]:
        if any(_heading(c) == "kpi" for c in cells if not isinstance(c, _ExcelError)):
            message += HEADINGS_LATER.format(row=number)
            break
    else:
        for separator in (";", "\t", "|"):
            if any(separator in str(c) for c in table.header if isinstance(c, str)):
                message += OTHER_SEPARATOR.format(separator=separator)
                break
    return ImportFileError(message)


def _readings_layout(table: _Table) -> _Layout:
    headings = [_heading(c) for c in table.header]
    present = set(headings)
    if {"kpi", "period", "value"} <= present:
        columns = _check_headings(table, LONG_COLUMNS)
        if ("numerator" in columns) != ("denominator" in columns):
            missing = "denominator" if "numerator" in columns else "numerator"
            raise ImportFileError(
                MISSING_COLUMNS.format(
                    missing=missing,
                    layout="long layout",
                    needed="numerator and denominator together",
                )
            )
        return _Layout(wide=False, columns=columns)
    long_only = present & {"period", "value", "commentary", "numerator", "denominator"}
    if "kpi" in present and long_only:
        missing = " or ".join(h for h in ("kpi", "period", "value") if h not in present)
        raise ImportFileError(
            MISSING_COLUMNS.format(
                missing=missing, layout="long layout", needed="kpi, period and value"
            )
        )
    if not headings or headings[0] != "kpi":
        raise _unknown_layout(table)
    columns = _check_headings(table, None)
    months: list[tuple[int, dt.date]] = []
    seen: dict[dt.date, int] = {}
    for index, cell in enumerate(table.header[1:], start=1):
        heading = _heading(cell)
        if not heading or heading == "title":
            continue
        try:
            period = _period_cell(cell)
        except _CellProblem:
            raise ImportFileError(
                NOT_A_MONTH_COLUMN.format(
                    column=get_column_letter(index + 1), text=_heading_label(cell)
                )
            ) from None
        if period in seen:
            raise ImportFileError(
                DUPLICATE_MONTH_COLUMN.format(
                    first=get_column_letter(seen[period] + 1),
                    column=get_column_letter(index + 1),
                    period=format_period(period),
                )
            )
        seen[period] = index
        months.append((index, period))
    return _Layout(wide=True, columns=columns, months=months)


def _targets_layout(table: _Table) -> _Layout:
    present = {_heading(c) for c in table.header}
    needed = ("kpi", "valid_from", "target", "lower", "upper")
    if missing := [h for h in needed if h not in present]:
        raise ImportFileError(
            MISSING_COLUMNS.format(
                missing=" or ".join(missing), layout="targets file", needed=",".join(needed)
            )
        )
    return _Layout(wide=False, columns=_check_headings(table, TARGET_COLUMNS))


# --- KPIs --------------------------------------------------------------------


class _KPIs:
    """The organisation's KPIs by code (case-insensitive), and whose a code
    is when it is not the organisation's."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self.by_code = {k.code: k for k in organisation.kpis.all()}
        self.by_folded = {code.casefold(): k for code, k in self.by_code.items()}
        self._others: dict[str, str] | None = None

    def get(self, cell: Any) -> KPI:
        code = _cell_text(cell)
        if not code:
            raise _CellProblem(KPI_REQUIRED)
        kpi = self.by_code.get(code) or self.by_folded.get(code.casefold())
        if kpi is not None:
            return kpi
        if self._others is None:
            self._others = {
                c.casefold(): name
                for c, name in KPI.objects.exclude(organisation=self.organisation)
                .order_by("organisation__name")
                .values_list("code", "organisation__name")
            }
        if other := self._others.get(code.casefold()):
            raise _CellProblem(
                OTHER_ORGANISATION_KPI.format(
                    code=code, other=other, organisation=self.organisation
                )
            )
        raise _CellProblem(UNKNOWN_KPI.format(code=code, organisation=self.organisation))


def _cell(cells: list, index: int | None) -> Any:
    return cells[index] if index is not None and index < len(cells) else None


def _is_stray_header(cells: list, kpi_index: int) -> bool:
    cell = _cell(cells, kpi_index)
    return isinstance(cell, str) and cell.strip().casefold() == "kpi"


# --- Readings ----------------------------------------------------------------


@dataclass
class _ParsedReadings:
    rows: list[tuple[ReadingRow, KPI]]
    errors: list[RowError]
    has_commentary: bool
    has_parts: bool


def _parse_readings(table: _Table, organisation: Organisation, today: dt.date) -> _ParsedReadings:
    layout = _readings_layout(table)
    kpis = _KPIs(organisation)
    current = month_start(today)
    rows: list[tuple[ReadingRow, KPI]] = []
    errors: list[RowError] = []
    first_row: dict[tuple[int, dt.date], int] = {}  # long layout: (KPI, month) → row
    kpi_row: dict[int, int] = {}  # wide layout: KPI → row
    kpi_index = layout.columns["kpi"]
    ignored = {layout.columns.get("title")}

    for number, cells in table.rows:
        if all(_is_blank(c) for i, c in enumerate(cells) if i not in ignored):
            continue
        if _is_stray_header(cells, kpi_index):
            errors.append(RowError(number, STRAY_HEADER))
            continue
        try:
            kpi = kpis.get(_cell(cells, kpi_index))
        except _CellProblem as problem:
            errors.append(RowError(number, str(problem), table.column(kpi_index)))
            kpi = None
        if layout.wide:
            if kpi is None:
                continue
            if (first := kpi_row.get(kpi.pk)) is not None:
                errors.append(
                    RowError(number, DUPLICATE_KPI_ROW.format(code=kpi.code, first=first))
                )
                continue
            kpi_row[kpi.pk] = number
            for index, period in layout.months:
                cell = _cell(cells, index)
                if _is_blank(cell):
                    continue  # no reading for that month
                column = table.column(index)
                try:
                    if period > current:
                        raise _CellProblem(
                            FUTURE_PERIOD.format(
                                period=format_period(period), current=format_period(current)
                            )
                        )
                    value = parse_value(cell, kpi)
                except _CellProblem as problem:
                    errors.append(RowError(number, str(problem), column))
                    continue
                row = ReadingRow(number, kpi.code, period, value, None, None, None, column)
                rows.append((row, kpi))
            continue
        if (reading := _long_reading(table, layout, cells, number, kpi, current, errors)) is None:
            continue
        key = (kpi.pk, reading.period)
        if key in first_row:
            errors.append(
                RowError(
                    number,
                    DUPLICATE_READING.format(
                        code=kpi.code, period=format_period(reading.period), first=first_row[key]
                    ),
                )
            )
            continue
        first_row[key] = number
        rows.append((reading, kpi))
    return _ParsedReadings(
        rows=rows,
        errors=errors,
        has_commentary="commentary" in layout.columns,
        has_parts="numerator" in layout.columns,
    )


def _long_reading(
    table: _Table,
    layout: _Layout,
    cells: list,
    number: int,
    kpi: KPI | None,
    current: dt.date,
    errors: list[RowError],
) -> ReadingRow | None:
    """One long-layout row, or None after adding its errors to ``errors``."""
    before = len(errors)
    columns = layout.columns

    def attempt(name: str, read: Callable[[Any], Any]) -> Any:
        try:
            return read(_cell(cells, columns.get(name)))
        except _CellProblem as problem:
            errors.append(RowError(number, str(problem), table.column(columns[name])))
            return None

    period = attempt("period", _period_cell)
    if period is not None and period > current:
        errors.append(
            RowError(
                number,
                FUTURE_PERIOD.format(period=format_period(period), current=format_period(current)),
                table.column(columns["period"]),
            )
        )
    commentary = attempt("commentary", _cell_text) if "commentary" in columns else None
    if kpi is None:
        return None
    numerator = denominator = None
    if "numerator" in columns:
        numerator = attempt("numerator", _parse_part)
        denominator = attempt("denominator", _parse_part)
    value = None
    # A blank value is fine when the numerator and denominator give it.
    given = numerator is not None and denominator is not None
    if not (given and _is_blank(_cell(cells, columns["value"]))):
        value = attempt("value", lambda cell: parse_value(cell, kpi))
    if "numerator" in columns:
        parts = [_cell(cells, columns[name]) for name in ("numerator", "denominator")]
        if _is_blank(parts[0]) != _is_blank(parts[1]):
            errors.append(RowError(number, NEED_BOTH))
    if len(errors) > before:
        return None
    if numerator is not None:
        try:
            value = _value_from_parts(value, numerator, denominator, kpi)
        except _CellProblem as problem:
            errors.append(RowError(number, str(problem)))
            return None
    return ReadingRow(number, kpi.code, period, value, commentary, numerator, denominator)


def _previous_reading(reading: Reading) -> PreviousReading:
    return PreviousReading(
        reading.value, reading.numerator, reading.denominator, reading.commentary
    )


def _reading_fields(row: ReadingRow, parsed: _ParsedReadings) -> dict[str, Any]:
    """The fields the file speaks for: value always; commentary and the
    numerator and denominator only when the file has those columns."""
    fields: dict[str, Any] = {"value": row.value}
    if parsed.has_commentary:
        fields["commentary"] = row.commentary or ""
    if parsed.has_parts:
        fields["numerator"] = row.numerator
        fields["denominator"] = row.denominator
    return fields


def _locked_state_error(monthly_return: MonthlyReturn | None, row: ReadingRow) -> RowError | None:
    if monthly_return is None or monthly_return.state == ReturnState.DRAFT:
        return None
    message = RETURN_ACCEPTED if monthly_return.state == ReturnState.ACCEPTED else RETURN_SUBMITTED
    return RowError(row.row, message.format(period=format_period(row.period)), row.column)


def _classify_readings(
    parsed: _ParsedReadings, organisation: Organisation, result: ImportResult, *, lock: bool
) -> tuple[list[Reading], list[Reading], dict[dt.date, MonthlyReturn | None]]:
    """Sort the good rows into new, changed and unchanged against the
    database; return the Readings to create and to update, and the returns
    of the months they are in."""
    if not parsed.rows:
        return [], [], {}
    periods = {row.period for row, _ in parsed.rows}
    returns_query = MonthlyReturn.objects.filter(organisation=organisation, period__in=periods)
    if lock:
        # Hold the months' returns until the import commits, so nobody
        # accepts one half-way through.
        returns_query = returns_query.select_for_update()
    returns: dict[dt.date, MonthlyReturn | None] = {r.period: r for r in returns_query}
    existing = {
        (r.kpi_id, r.period): r
        for r in Reading.objects.filter(
            kpi__organisation=organisation, period__gte=min(periods), period__lte=max(periods)
        )
    }
    to_create: list[Reading] = []
    to_update: list[Reading] = []
    touched: dict[dt.date, MonthlyReturn | None] = {}
    for row, kpi in parsed.rows:
        fields = _reading_fields(row, parsed)
        reading = existing.get((kpi.pk, row.period))
        if reading is not None and all(getattr(reading, k) == v for k, v in fields.items()):
            result.unchanged.append(row)
            continue
        if error := _locked_state_error(returns.get(row.period), row):
            result.errors.append(error)
            continue
        touched[row.period] = returns.get(row.period)
        if reading is None:
            result.new.append(row)
            to_create.append(Reading(kpi=kpi, period=row.period, **fields))
        else:
            result.changed.append((row, _previous_reading(reading)))
            if reading.value != row.value and not parsed.has_parts:
                # A new value outdates the old numerator and denominator.
                fields.update(numerator=None, denominator=None)
            for key, value in fields.items():
                setattr(reading, key, value)
            to_update.append(reading)
    return to_create, to_update, touched


def _validate(objects: list, rows: list, result: ImportResult, exclude: list[str]) -> None:
    """full_clean() each object before saving, as a form would; the parser
    has checked everything already, so this is the backstop. Uniqueness and
    constraints are the database's to guard (one query per object otherwise)."""
    for obj, row in zip(objects, rows, strict=True):
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for message in error.messages:
                result.errors.append(RowError(row.row, INVALID.format(message=message)))


def bulk_update_with_history(objs: list, fields: list[str], *, user, reason: str) -> None:
    """Save ``fields`` of each object, and a history row for each.

    simple_history's ``bulk_update_with_history`` calls Django's
    ``bulk_update``, which builds a CASE … WHEN per field and row: about 50 s
    for 10,000 readings. Here the fields prepare the values, as the ORM would,
    and one statement writes them: on PostgreSQL an UPDATE … FROM unnest() of
    one array per column (0.1 s for 10,000 rows, where 10,000 single-row
    UPDATEs take 1.3 s), elsewhere an UPDATE run with executemany (SQLite
    runs those in-process, fast). The history rows are simple_history's own,
    written as its bulk helper writes them.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    names = [quote(column.column) for column in columns]
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    rows = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for column in columns]
        + [obj.pk]
        for obj in objs
    ]
    # Identifiers come from the model's own metadata; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(
                f"%s::{field.db_type(connection)}[]" for field in [*columns, meta.pk]
            )
            assignments = ", ".join(f"{name} = v.{name}" for name in names)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM unnest({arrays}) "  # noqa: S608  # nosec B608
                f"AS v({', '.join(names)}, {pk}) WHERE t.{pk} = v.{pk}",
                [list(values) for values in zip(*rows, strict=True)],
            )
        else:
            assignments = ", ".join(f"{name} = %s" for name in names)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608  # nosec B608
                rows,
            )
    model.history.bulk_history_create(
        objs, batch_size=500, update=True, default_user=user, default_change_reason=reason
    )


def _change_reason(name: str) -> str:
    # simple_history's change reason column holds 100 characters.
    return f"import {PurePath(name).name}"[:100]


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: e.row)


# What an import writes to a changed reading (unchanged fields are written
# back as they are).
_READING_FIELDS = [
    "value", "numerator", "denominator", "commentary", "source", "entered_by", "entered_at",
]  # fmt: skip


def _import_lock(organisation: Organisation) -> None:
    """Take the organisation's row lock until the transaction ends.

    Imports for one organisation then run one at a time: a second import
    waits here, and reads the readings, targets and returns only once the
    first has committed, so it applies its whole file over the first's (last
    writer wins) instead of failing on a duplicate or mixing two files. NO KEY
    UPDATE still lets other transactions insert rows that refer to the
    organisation (a new return). A no-op on SQLite, which allows one writer.
    """
    Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)


def readings_import(
    *,
    organisation: Organisation,
    name: str,
    data: bytes,
    user=None,
    dry_run: bool = False,
    source: str = Source.UPLOAD,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Read a CSV or XLSX file of readings and, if every row is good and
    this is not a dry run, save it in one transaction, with history.

    Raises ImportFileError when the file as a whole cannot be read; row
    problems come back in ``result.errors`` (and then nothing is saved).
    ``progress``, if given, is told what is happening on long files.
    """
    table = _read_table(name, data)
    long_file = len(table.rows) > LONG_FILE_ROWS and progress is not None
    if long_file:
        progress(f"Reading {len(table.rows):,} rows…")
    parsed = _parse_readings(table, organisation, today or timezone.localdate())
    if not parsed.rows and not parsed.errors:
        raise ImportFileError(NO_ROWS)
    result = ImportResult(errors=list(parsed.errors), dry_run=dry_run)
    if parsed.errors or dry_run:
        _classify_readings(parsed, organisation, result, lock=False)
        result.errors = _sorted_errors(result.errors)
        return result

    with transaction.atomic():
        _import_lock(organisation)
        to_create, to_update, touched = _classify_readings(parsed, organisation, result, lock=True)
        now = timezone.now()
        for reading in (*to_create, *to_update):
            reading.source = source
            reading.entered_by = user
            reading.entered_at = now
        _validate(to_create, result.new, result, ["kpi", "entered_by"])
        _validate(to_update, [row for row, _ in result.changed], result, ["kpi", "entered_by"])
        if result.errors:
            result.errors = _sorted_errors(result.errors)
            return result
        if long_file:
            progress(f"Saving {len(to_create) + len(to_update):,} readings…")
        reason = _change_reason(name)
        _returns_touch(organisation=organisation, months=touched, user=user, reason=reason)
        bulk_create_with_history(
            to_create, Reading, batch_size=500, default_user=user, default_change_reason=reason
        )
        bulk_update_with_history(to_update, _READING_FIELDS, user=user, reason=reason)
        result.saved = True
    return result


def _returns_touch(
    *, organisation: Organisation, months: dict[dt.date, MonthlyReturn | None], user, reason: str
) -> None:
    """Make sure each month written has a draft return, and move on the
    version of those that exist, so a return form opened before the import
    is refused on save rather than overwriting the imported figures."""
    missing = [
        MonthlyReturn(organisation=organisation, period=period)
        for period, monthly_return in sorted(months.items())
        if monthly_return is None
    ]
    if missing:
        bulk_create_with_history(
            missing, MonthlyReturn, default_user=user, default_change_reason=reason
        )
    existing = [r.pk for r in months.values() if r is not None]
    if existing:
        MonthlyReturn.objects.filter(pk__in=existing).update(version=F("version") + 1)
        MonthlyReturn.history.bulk_history_create(
            list(MonthlyReturn.objects.filter(pk__in=existing)),
            update=True,
            default_user=user,
            default_change_reason=reason,
        )


# --- Targets -----------------------------------------------------------------


def _parse_targets(
    table: _Table, organisation: Organisation
) -> tuple[list[tuple[TargetRow, KPI]], list[RowError]]:
    columns = _targets_layout(table).columns
    kpis = _KPIs(organisation)
    rows: list[tuple[TargetRow, KPI]] = []
    errors: list[RowError] = []
    first_row: dict[tuple[int, dt.date], int] = {}
    ignored = {columns.get("title")}
    for number, cells in table.rows:
        if all(_is_blank(c) for i, c in enumerate(cells) if i not in ignored):
            continue
        if _is_stray_header(cells, columns["kpi"]):
            errors.append(RowError(number, STRAY_HEADER))
            continue
        before = len(errors)

        def attempt(name: str, read: Callable[[Any], Any], cells=cells, number=number) -> Any:
            try:
                return read(_cell(cells, columns[name]))
            except _CellProblem as problem:
                errors.append(RowError(number, str(problem), table.column(columns[name])))
                return None

        kpi = attempt("kpi", kpis.get)
        valid_from = attempt("valid_from", _date_cell)
        if kpi is None:
            continue
        target, lower, upper = (
            attempt(name, lambda cell, kpi=kpi: parse_value(cell, kpi))
            for name in ("target", "lower", "upper")
        )
        if len(errors) > before:
            continue
        if not lower <= target <= upper:
            errors.append(
                RowError(
                    number,
                    BAND_ORDER.format(lower=plain(lower), target=plain(target), upper=plain(upper)),
                )
            )
            continue
        key = (kpi.pk, valid_from)
        if key in first_row:
            errors.append(
                RowError(
                    number,
                    DUPLICATE_TARGET.format(
                        code=kpi.code, valid_from=valid_from.isoformat(), first=first_row[key]
                    ),
                )
            )
            continue
        first_row[key] = number
        rows.append((TargetRow(number, kpi.code, valid_from, target, lower, upper), kpi))
    return rows, errors


def targets_import(
    *,
    organisation: Organisation,
    name: str,
    data: bytes,
    user=None,
    dry_run: bool = False,
) -> ImportResult:
    """Read a CSV or XLSX file of targets (kpi, valid_from, target, lower,
    upper) and, if every row is good and this is not a dry run, save it in
    one transaction, with history."""
    table = _read_table(name, data)
    rows, errors = _parse_targets(table, organisation)
    if not rows and not errors:
        raise ImportFileError(NO_TARGET_ROWS)
    result = ImportResult(errors=_sorted_errors(errors), dry_run=dry_run)
    with transaction.atomic():
        if not (result.errors or dry_run):
            _import_lock(organisation)
        existing = {
            (t.kpi_id, t.valid_from): t
            for t in Target.objects.filter(kpi__organisation=organisation)
        }
        to_create: list[Target] = []
        to_update: list[Target] = []
        for row, kpi in rows:
            fields = {"value": row.target, "lower": row.lower, "upper": row.upper}
            target = existing.get((kpi.pk, row.valid_from))
            if target is None:
                result.new.append(row)
                to_create.append(Target(kpi=kpi, valid_from=row.valid_from, **fields))
            elif all(getattr(target, k) == v for k, v in fields.items()):
                result.unchanged.append(row)
            else:
                result.changed.append(
                    (row, PreviousTarget(target.value, target.lower, target.upper))
                )
                for key, value in fields.items():
                    setattr(target, key, value)
                to_update.append(target)
        if result.errors or dry_run:
            return result
        _validate(to_create, result.new, result, ["kpi"])
        _validate(to_update, [row for row, _ in result.changed], result, ["kpi"])
        if result.errors:
            result.errors = _sorted_errors(result.errors)
            return result
        reason = _change_reason(name)
        bulk_create_with_history(
            to_create, Target, batch_size=500, default_user=user, default_change_reason=reason
        )
        bulk_update_with_history(to_update, ["value", "lower", "upper"], user=user, reason=reason)
        result.saved = True
    return result


# --- Which organisation a file is for ----------------------------------------


def file_kpi_codes(*, name: str, data: bytes) -> set[str]:
    """The KPI codes in a readings file (raises ImportFileError like an import)."""
    table = _read_table(name, data)
    index = _readings_layout(table).columns["kpi"]
    codes = set()
    for _, cells in table.rows:
        cell = _cell(cells, index)
        if isinstance(cell, _ExcelError | _NoCachedValue) or _is_blank(cell):
            continue
        code = _shown(cell)
        if code.casefold() != "kpi":
            codes.add(code)
    return codes


def organisations_for_kpi_codes(*, codes: Iterable[str]) -> list[Organisation]:
    """The organisations that have any of these KPI codes (case-insensitive).

    ``import_readings`` without ``--organisation`` uses the file's codes'
    organisation when there is exactly one; codes that no organisation has
    are left to the import to report, row by row.
    """
    folded = {code.casefold() for code in codes}
    owners = {
        organisation_id
        for code, organisation_id in KPI.objects.values_list("code", "organisation_id")
        if code.casefold() in folded
    }
    return list(Organisation.objects.filter(pk__in=owners))
