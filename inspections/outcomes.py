"""Ofsted's "Local authority inspection outcomes" spreadsheet, read without the database.

The file (``data/ofsted/``) has, among others, a sheet of every local
authority's latest ILACS judgements (``Inspections_as_at_31_March``) and the
ILACS history since 2018 (``ILACS_inspection_history``). Each table starts
under a title and a note (A3 in Ofsted's file); it is found by its headings,
and its columns are matched by heading in any order. Rows are numbered as a
spreadsheet shows them, so that an error names the row to look at.

``parse_outcomes`` returns every graded inspection once, keyed by authority
and inspection date, marked with the rows of the sheets that list it; or it
raises ``OutcomesFileError`` (the file as a whole) or ``OutcomesRowErrors``
(every bad row). The in-year sheet is not read: its focused and monitoring
visits carry no judgements, and its graded inspections are in the history.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from inspections.ofsted import (
    CARE_LEAVERS_FROM,
    CHILDREN_IN_CARE_BEFORE_2023,
    FOUR_POINT_SCALE,
    JUDGEMENT_AREAS,
    AuthorityStatus,
    Grade,
    IlacsType,
)

# The file is about 110 KB; this leaves room for years of growth and stops a
# stray large file before pandas reads it.
MAX_FILE_BYTES = 10 * 1024 * 1024
# The heading row is looked for in this many rows at the top of each sheet.
HEADING_SEARCH_ROWS = 30

LATEST_SHEET_PREFIX = "inspections_as_at"
HISTORY_SHEET = "ILACS_inspection_history"
COVER_SHEET = "Cover"

# --- messages (the tests import them) -------------------------------------------

EMPTY_FILE = "The file is empty."
TOO_BIG = "The file is larger than 10 MB: this is not Ofsted's inspection outcomes file."
NOT_A_SPREADSHEET = (
    "{name!r} is not a spreadsheet that can be read (.ods or .xlsx): {reason}. "
    "Use Ofsted's 'Local authority inspection outcomes' file as published."
)
MISSING_SHEETS = (
    "The file has no {missing} sheet, so it is not Ofsted's 'Local authority inspection "
    "outcomes' file (its sheets: {sheets})."
)
NO_HEADING_ROW = (
    "Sheet {sheet}: no heading row in its first {rows} rows (looked for a row with "
    "'Local authority area code' and 'Overall effectiveness')."
)
MISSING_COLUMNS = "Sheet {sheet}, row {row} (the headings): no {missing} column."
DUPLICATE_COLUMN = (
    "Sheet {sheet}, row {row}: columns {first} and {column} are both headed {text!r}."
)
NO_ROWS = "Sheet {sheet} has headings in row {row} but no local authorities below them."
NO_AS_AT = (
    "Sheet {sheet}: no 'as at' date above the table (Ofsted's heading reads "
    "'Local authority inspection judgements as at 31 March 2025')."
)

CODE_REQUIRED = "the local authority area code is blank"
MALFORMED_CODE = "{text!r} is not an ONS local authority code (like E08000025)"
UNKNOWN_CODE = (
    "no DfE 3-digit LA code is known for {code} ({name}): add it to the LA code table "
    "(data/ofsted/la_codes.csv)"
)
NAME_REQUIRED = "the local authority name is blank"
REGION_REQUIRED = "the Ofsted region is blank"
DATE_REQUIRED = "the date is blank"
NOT_A_DATE = "{text!r} is not a date: write it as a date cell or DD/MM/YYYY, e.g. 20/02/2023"
PUBLISHED_BEFORE = "published {published} before the inspection date {inspected}"
GRADE_REQUIRED = "the judgement is blank"
UNKNOWN_GRADE = "{text!r} is not an ILACS judgement (Ofsted's words are {known})"
CARE_LEAVERS_BEFORE_2023 = (
    "{text!r} for care leavers on an inspection of {inspected}: ILACS judged care "
    "leavers apart only from 1 January 2023, so the cell should be blank"
)
CARE_LEAVERS_REQUIRED = (
    "the care leavers judgement is blank on an inspection of {inspected}: ILACS judges "
    "care leavers from 1 January 2023"
)
TYPE_REQUIRED = "the inspection type is blank"
UNKNOWN_TYPE = "{text!r} is not a graded ILACS inspection type ({known})"
UNKNOWN_STATUS = "{text!r} is not a local authority status ({known})"
DUPLICATE_INSPECTION = "{name}'s inspection of {inspected} is also in row {first}"
DUPLICATE_AUTHORITY = "{name} is also in row {first}: this sheet lists each authority once"
DIFFERS_FROM_HISTORY = "{name}'s inspection of {inspected} differs from {sheet} row {row}: {what}"
LATER_IN_HISTORY = (
    "{name}'s latest judgement here is from {inspected}, but {sheet} row {row} has a "
    "later inspection ({later})"
)

_GRADE_WORDS = {Grade(g).label.lower(): Grade(g).value for g in FOUR_POINT_SCALE}
_TYPE_WORDS = {label.lower(): value for value, label in IlacsType.choices}
_STATUS_WORDS = {label.lower(): value for value, label in AuthorityStatus.choices}
_ONS_CODE = re.compile(r"E\d{8}")
_AS_AT = re.compile(r"\bas at (\d{1,2} [A-Za-z]+ \d{4})", re.IGNORECASE)
_TEXT_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


class OutcomesFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: ``row`` as a spreadsheet numbers it (A1 is row 1)."""

    sheet: str
    row: int
    message: str
    column: str = ""  # e.g. "G (Overall effectiveness)"

    def __str__(self):
        where = f"{self.sheet} row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class OutcomesRowErrors(ValueError):
    """Bad rows: nothing may be saved. ``errors`` lists each, in sheet and row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        count = len(errors)
        super().__init__(f"{count} bad row{'s' if count != 1 else ''}")


@dataclass(frozen=True)
class AuthorityOutcome:
    """One graded ILACS inspection of one authority, from one or both sheets."""

    la_code: str
    new_la_code: str
    la_name: str
    la_status: str
    region: str
    inspection_type: str  # "" when only the latest sheet (which has no type) lists it
    inspection_date: dt.date
    published_date: dt.date
    overall_effectiveness: str
    impact_of_leaders: str
    help_and_protection: str
    children_in_care: str
    care_leavers: str
    latest_row: int | None = None
    history_row: int | None = None

    def judgements(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _, _ in JUDGEMENT_AREAS}


@dataclass(frozen=True)
class ParsedOutcomes:
    title: str
    as_at: dt.date
    published_on: dt.date | None
    inspections: list[AuthorityOutcome] = field(default_factory=list)

    @property
    def latest(self) -> list[AuthorityOutcome]:
        return [i for i in self.inspections if i.latest_row is not None]


# --- the LA code table ------------------------------------------------------------


def read_la_codes(path: str | Path) -> dict[str, str]:
    """ONS code → DfE's 3-digit code, from ``new_la_code,old_la_code,la_name``."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return {row["new_la_code"]: row["old_la_code"] for row in csv.DictReader(handle)}


# --- cells ------------------------------------------------------------------------


def _is_blank(cell: Any) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and cell != cell:  # NaN: an empty cell
        return True
    return isinstance(cell, str) and not cell.strip()


def _text(cell: Any) -> str:
    return "" if _is_blank(cell) else " ".join(str(cell).split())


def _heading(cell: Any) -> str:
    """A heading compared loosely: case, spacing and curly quotes do not matter."""
    return _text(cell).replace("\u2019", "'").lower()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _date(cell: Any) -> dt.date:
    if hasattr(cell, "to_pydatetime"):  # a pandas Timestamp
        cell = cell.to_pydatetime()
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if _is_blank(cell):
        raise ValueError(DATE_REQUIRED)
    text = _text(cell)
    for pattern in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(NOT_A_DATE.format(text=text))


def _shown(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _grade(cell: Any, *, required: bool = True) -> str:
    if _is_blank(cell):
        if required:
            raise ValueError(GRADE_REQUIRED)
        return ""
    text = _text(cell)
    try:
        return _GRADE_WORDS[text.lower()]
    except KeyError:
        known = ", ".join(Grade(g).label for g in FOUR_POINT_SCALE)
        raise ValueError(UNKNOWN_GRADE.format(text=text, known=known)) from None


# --- sheets -----------------------------------------------------------------------


# Heading (as compared) → field. The children-in-care heading of files from
# before 2023 names care leavers too; either reads into the same field.
_COMMON_COLUMNS = {
    "local authority area code": "new_la_code",
    "local authority name": "la_name",
    "ofsted region": "region",
    "inspection date": "inspection_date",
    "publication date": "published_date",
    **{_heading(heading): name for name, heading, _ in JUDGEMENT_AREAS},
    _heading(CHILDREN_IN_CARE_BEFORE_2023[0]): "children_in_care",
}
_HISTORY_COLUMNS = {"local authority status": "la_status", "inspection type": "inspection_type"}
_OPTIONAL = {"care_leavers", "la_status", "inspection_type"}


@dataclass
class _Sheet:
    name: str
    cells: list[list[Any]]
    heading_row: int = 0  # index into cells
    columns: dict[str, int] = field(default_factory=dict)  # field → column index
    headings: dict[int, str] = field(default_factory=dict)  # column index → heading

    def column(self, name: str) -> str:
        index = self.columns[name]
        return f"{_column_letter(index)} ({self.headings[index]})"


def _open_workbook(name: str, data: bytes):
    import pandas as pd

    if not data:
        raise OutcomesFileError(EMPTY_FILE)
    if len(data) > MAX_FILE_BYTES:
        raise OutcomesFileError(TOO_BIG)
    try:
        return pd.ExcelFile(io.BytesIO(data))
    # Whatever the readers raise (zip, XML, format errors), the file is not one to read.
    except Exception as error:
        text = str(error).strip()
        if not text or "format cannot be determined" in text:
            reason = "it is neither an OpenDocument nor an Excel workbook"
        else:
            reason = text.splitlines()[0].rstrip(".")
        raise OutcomesFileError(NOT_A_SPREADSHEET.format(name=name, reason=reason)) from None


def _cells(workbook, sheet: str) -> list[list[Any]]:
    """Every cell of the sheet, row 1 first; an empty cell is NaN."""
    import pandas as pd

    return pd.read_excel(workbook, sheet_name=sheet, header=None, dtype=object).values.tolist()


def _find_sheets(workbook: list[str]) -> tuple[str, str]:
    latest = [s for s in workbook if s.lower().startswith(LATEST_SHEET_PREFIX)]
    history = [s for s in workbook if s.lower() == HISTORY_SHEET.lower()]
    missing = []
    if not latest:
        missing.append("'Inspections_as_at_…' (latest judgements)")
    if not history:
        missing.append(f"'{HISTORY_SHEET}'")
    if missing:
        raise OutcomesFileError(
            MISSING_SHEETS.format(
                missing=" or ".join(missing), sheets=", ".join(workbook) or "none"
            )
        )
    return latest[0], history[0]


def _locate_table(sheet: _Sheet, known: dict[str, str]) -> None:
    """Find the heading row and the column of each field, by heading."""
    found = [
        index
        for index, cells in enumerate(sheet.cells[:HEADING_SEARCH_ROWS])
        if {"local authority area code", "overall effectiveness"} <= set(map(_heading, cells))
    ]
    if not found:
        raise OutcomesFileError(NO_HEADING_ROW.format(sheet=sheet.name, rows=HEADING_SEARCH_ROWS))
    index = sheet.heading_row = found[0]
    seen: dict[str, int] = {}
    for column, cell in enumerate(sheet.cells[index]):
        heading = _heading(cell)
        if heading not in known:
            continue  # e.g. "Web link": not read
        if heading in seen or known[heading] in sheet.columns:
            first = seen.get(heading, sheet.columns.get(known[heading]))
            raise OutcomesFileError(
                DUPLICATE_COLUMN.format(
                    sheet=sheet.name, row=index + 1, first=_column_letter(first),
                    column=_column_letter(column), text=_text(cell),
                )
            )  # fmt: skip
        seen[heading] = column
        sheet.columns[known[heading]] = column
        sheet.headings[column] = _text(cell)
    required = dict.fromkeys(name for name in known.values() if name not in _OPTIONAL)
    missing = [name for name in required if name not in sheet.columns]
    if missing:
        raise OutcomesFileError(missing_columns(sheet, known, missing))


def missing_columns(sheet: _Sheet, known: dict[str, str], fields: list[str]) -> str:
    """The message naming each missing field by its heading as Ofsted words it."""
    wording = {}
    for heading, name in known.items():
        wording.setdefault(name, heading)
    headings = {name: _original_heading(wording[name]) for name in fields}
    return MISSING_COLUMNS.format(
        sheet=sheet.name,
        row=sheet.heading_row + 1,
        missing=" or ".join(repr(headings[name]) for name in fields),
    )


def _original_heading(compared: str) -> str:
    for _, heading, _ in JUDGEMENT_AREAS:
        if _heading(heading) == compared:
            return heading
    return compared[0].upper() + compared[1:]


def _as_at(sheet: _Sheet) -> tuple[str, dt.date]:
    for cells in sheet.cells[: sheet.heading_row]:
        for cell in cells:
            text = _text(cell)
            if match := _AS_AT.search(text):
                try:
                    return text, dt.datetime.strptime(match.group(1), "%d %B %Y").date()
                except ValueError:
                    continue
    raise OutcomesFileError(NO_AS_AT.format(sheet=sheet.name))


def _cover(workbook) -> tuple[str, dt.date | None]:
    """The cover's title (when it gives an "as at" date) and "Published on:" date."""
    if COVER_SHEET not in workbook.sheet_names:
        return "", None
    title, published = "", None
    for cells in _cells(workbook, COVER_SHEET):
        if not cells:
            continue
        if not title and _AS_AT.search(_text(cells[0])):
            title = _text(cells[0])
        if _heading(cells[0]).startswith("published on") and len(cells) > 1:
            try:
                published = _date(cells[1])
            except ValueError:
                published = None
    return title, published


@dataclass(frozen=True)
class _Row:
    row: int
    outcome: AuthorityOutcome


class _RowReader:
    """One data row's cells, read by field; each problem is kept, not raised."""

    def __init__(self, sheet: _Sheet, cells: list, number: int):
        self.sheet, self.cells, self.number = sheet, cells, number
        self.errors: list[RowError] = []

    def raw(self, name: str) -> Any:
        column = self.sheet.columns.get(name)
        return None if column is None or column >= len(self.cells) else self.cells[column]

    def error(self, name: str, message: str) -> None:
        column = self.sheet.column(name) if name in self.sheet.columns else ""
        self.errors.append(RowError(self.sheet.name, self.number, message, column))

    def read(self, name: str, parse) -> Any:
        try:
            return parse(self.raw(name))
        except ValueError as problem:
            self.error(name, str(problem))
            return None

    def text(self, name: str, required: str) -> str:
        text = _text(self.raw(name))
        if not text:
            self.error(name, required)
        return text


def _la_code(reader: _RowReader, code: str, la_name: str, la_codes: Mapping[str, str]):
    if not code:
        return None
    if not _ONS_CODE.fullmatch(code):
        reader.error("new_la_code", MALFORMED_CODE.format(text=code))
        return None
    if code not in la_codes:
        reader.error("new_la_code", UNKNOWN_CODE.format(code=code, name=la_name or "no name"))
        return None
    return la_codes[code]


def _check_care_leavers(reader: _RowReader, inspected, care_leavers) -> None:
    if not inspected or care_leavers is None:
        return
    if care_leavers and inspected < CARE_LEAVERS_FROM:
        text = _text(reader.raw("care_leavers"))
        reader.error(
            "care_leavers", CARE_LEAVERS_BEFORE_2023.format(text=text, inspected=_shown(inspected))
        )
    elif not care_leavers and inspected >= CARE_LEAVERS_FROM:
        reader.error("care_leavers", CARE_LEAVERS_REQUIRED.format(inspected=_shown(inspected)))


def _parse_row(
    reader: _RowReader, la_codes: Mapping[str, str], *, history: bool
) -> AuthorityOutcome | None:
    la_name = reader.text("la_name", NAME_REQUIRED)
    code = reader.text("new_la_code", CODE_REQUIRED).upper()
    la_code = _la_code(reader, code, la_name, la_codes)
    region = reader.text("region", REGION_REQUIRED)
    inspected = reader.read("inspection_date", _date)
    published = reader.read("published_date", _date)
    if inspected and published and published < inspected:
        reader.error(
            "published_date",
            PUBLISHED_BEFORE.format(published=_shown(published), inspected=_shown(inspected)),
        )
    grades = {
        name: reader.read(name, _grade) for name, _, _ in JUDGEMENT_AREAS if name != "care_leavers"
    }
    care_leavers = reader.read("care_leavers", lambda cell: _grade(cell, required=False))
    _check_care_leavers(reader, inspected, care_leavers)
    inspection_type = ""
    if "inspection_type" in reader.sheet.columns:
        inspection_type = reader.read(
            "inspection_type", _choice(_TYPE_WORDS, UNKNOWN_TYPE, TYPE_REQUIRED, IlacsType)
        )
    status = AuthorityStatus.CURRENT.value
    if "la_status" in reader.sheet.columns:
        status = reader.read(
            "la_status", _choice(_STATUS_WORDS, UNKNOWN_STATUS, None, AuthorityStatus)
        )
    if reader.errors:
        return None
    return AuthorityOutcome(
        la_code=la_code, new_la_code=code, la_name=la_name, la_status=status, region=region,
        inspection_type=inspection_type, inspection_date=inspected, published_date=published,
        care_leavers=care_leavers, **grades,
        latest_row=None if history else reader.number,
        history_row=reader.number if history else None,
    )  # fmt: skip


def _parse_rows(
    sheet: _Sheet, la_codes: Mapping[str, str], errors: list[RowError], *, history: bool
) -> list[_Row]:
    rows = []
    for index in range(sheet.heading_row + 1, len(sheet.cells)):
        cells = sheet.cells[index]
        if all(map(_is_blank, cells)):
            continue  # a blank row between authorities is not an error
        reader = _RowReader(sheet, cells, index + 1)
        outcome = _parse_row(reader, la_codes, history=history)
        errors.extend(reader.errors)
        if outcome is not None:
            rows.append(_Row(reader.number, outcome))
    return rows


def _choice(words: dict[str, str], unknown: str, required: str | None, choices):
    known = ", ".join(label for _, label in choices.choices)

    def read(cell: Any) -> str:
        if _is_blank(cell):
            if required:
                raise ValueError(required)
            return choices.values[0]
        text = _text(cell)
        try:
            return words[text.lower()]
        except KeyError:
            raise ValueError(unknown.format(text=text, known=known)) from None

    return read


def _duplicates(sheet: str, rows: list[_Row], errors: list[RowError], *, key, message) -> None:
    first: dict = {}
    for row in rows:
        k = key(row.outcome)
        if k in first:
            text = message.format(
                name=row.outcome.la_name, inspected=_shown(row.outcome.inspection_date),
                first=first[k],
            )  # fmt: skip
            errors.append(RowError(sheet, row.row, text))
        else:
            first[k] = row.row


_COMPARED = ("published_date", *(name for name, _, _ in JUDGEMENT_AREAS))


def _differences(latest: AuthorityOutcome, history: AuthorityOutcome) -> str:
    labels = {name: short.lower() for name, _, short in JUDGEMENT_AREAS}
    labels["published_date"] = "publication date"

    def shown(name, value):
        if name == "published_date":
            return _shown(value)
        return Grade(value).label if value else "blank"

    return "; ".join(
        f"{labels[name]} {shown(name, getattr(history, name))} there, "
        f"{shown(name, getattr(latest, name))} here"
        for name in _COMPARED
        if getattr(latest, name) != getattr(history, name)
    )


def _merge(
    latest_sheet: str, latest: list[_Row], history: list[_Row], errors: list[RowError]
) -> list[AuthorityOutcome]:
    """One outcome per authority and date; the latest sheet's row marks it latest.

    A latest judgement must agree with the history's record of the same
    inspection, and no later inspection of that authority may be in the history.
    """
    by_key = {(r.outcome.new_la_code, r.outcome.inspection_date): r for r in history}
    newest: dict[str, _Row] = {}
    for row in history:
        current = newest.get(row.outcome.new_la_code)
        if current is None or row.outcome.inspection_date > current.outcome.inspection_date:
            newest[row.outcome.new_la_code] = row
    merged = {key: row.outcome for key, row in by_key.items()}
    for row in latest:
        outcome = row.outcome
        key = (outcome.new_la_code, outcome.inspection_date)
        later = newest.get(outcome.new_la_code)
        if later and later.outcome.inspection_date > outcome.inspection_date:
            message = LATER_IN_HISTORY.format(
                name=outcome.la_name, inspected=_shown(outcome.inspection_date),
                sheet=HISTORY_SHEET, row=later.row, later=_shown(later.outcome.inspection_date),
            )  # fmt: skip
            errors.append(RowError(latest_sheet, row.row, message))
            continue
        if key in by_key:
            recorded = by_key[key]
            if what := _differences(outcome, recorded.outcome):
                message = DIFFERS_FROM_HISTORY.format(
                    name=outcome.la_name, inspected=_shown(outcome.inspection_date),
                    sheet=HISTORY_SHEET, row=recorded.row, what=what,
                )  # fmt: skip
                errors.append(RowError(latest_sheet, row.row, message))
                continue
            merged[key] = replace(recorded.outcome, latest_row=row.row)
        else:
            merged[key] = outcome
    return sorted(merged.values(), key=lambda o: (o.la_name, o.inspection_date))


def parse_outcomes(*, name: str, data: bytes, la_codes: Mapping[str, str]) -> ParsedOutcomes:
    """Read Ofsted's file: every graded ILACS inspection, or every error.

    ``la_codes`` maps the ONS code the file gives to DfE's 3-digit code.
    """
    workbook = _open_workbook(name, data)
    latest_name, history_name = _find_sheets(workbook.sheet_names)
    latest = _Sheet(latest_name, _cells(workbook, latest_name))
    history = _Sheet(history_name, _cells(workbook, history_name))
    _locate_table(latest, _COMMON_COLUMNS)
    _locate_table(history, {**_COMMON_COLUMNS, **_HISTORY_COLUMNS})
    missing_type = [n for n in _HISTORY_COLUMNS.values() if n not in history.columns]
    if missing_type:
        known = {**_COMMON_COLUMNS, **_HISTORY_COLUMNS}
        raise OutcomesFileError(missing_columns(history, known, missing_type))
    for sheet in (latest, history):
        if all(all(map(_is_blank, cells)) for cells in sheet.cells[sheet.heading_row + 1 :]):
            raise OutcomesFileError(NO_ROWS.format(sheet=sheet.name, row=sheet.heading_row + 1))
    title, as_at = _as_at(latest)
    errors: list[RowError] = []
    latest_rows = _parse_rows(latest, la_codes, errors, history=False)
    history_rows = _parse_rows(history, la_codes, errors, history=True)
    _duplicates(
        latest.name, latest_rows, errors,
        key=lambda o: o.new_la_code, message=DUPLICATE_AUTHORITY,
    )  # fmt: skip
    _duplicates(
        history.name, history_rows, errors,
        key=lambda o: (o.new_la_code, o.inspection_date), message=DUPLICATE_INSPECTION,
    )  # fmt: skip
    inspections = [] if errors else _merge(latest.name, latest_rows, history_rows, errors)
    if errors:
        order = {latest.name: 0, history.name: 1}
        raise OutcomesRowErrors(sorted(errors, key=lambda e: (order[e.sheet], e.row, e.column)))
    cover_title, published_on = _cover(workbook)
    return ParsedOutcomes(
        title=cover_title or title, as_at=as_at, published_on=published_on, inspections=inspections
    )
