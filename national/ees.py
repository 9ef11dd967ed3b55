"""Read one indicator of an explore-education-statistics (EES) open-data CSV.

Pure: bytes in, rows or errors out; no database. EES files name their
columns (``time_period``, ``time_identifier``, ``geographic_level``, the
geography codes, filters, indicators) in any order, may start with a BOM and
may quote empty fields. Where a number would stand, EES writes a symbol
(``c``, ``x``, ``z``, ``u``, ``low``): it is kept as what it means, never 0.

>>> rows = "time_period,time_identifier,geographic_level,country_code,country_name,v\\n"
>>> rows += "2025,Reporting year,National,E92000001,England,14.2\\n"
>>> parse_statistics(rows.encode(), indicator="v", where={}).rows[0].value
Decimal('14.2')
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_FILE_BYTES = 50 * 1024 * 1024

SUPPRESSION_CODES = ("c", "x", "z", "u", "low")

# The levels this app keeps, by how EES spells them (matched ignoring case).
NATIONAL = "national"
REGIONAL = "regional"
LOCAL_AUTHORITY = "local_authority"
LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL_AUTHORITY}
# Every other geographic level the EES standard defines: rows at these levels
# are skipped, not refused. Anything else is a mistake in the file.
OTHER_LEVELS = {
    "local authority district",
    "local skills improvement plan area",
    "local enterprise partnership",
    "english devolved area",
    "mayoral combined authority",
    "opportunity area",
    "parliamentary constituency",
    "planning area",
    "ward",
    "mat",
    "sponsor",
    "school",
    "provider",
    "institution",
    "police force area",
    "rsc region",
    "further education college",
}

BASE_COLUMNS = ("time_period", "time_identifier", "geographic_level")
# The columns each kept level reads: (area code, area name, old LA code, region code).
LEVEL_COLUMNS = {
    NATIONAL: ("country_code", "country_name", None, None),
    REGIONAL: ("region_code", "region_name", None, None),
    LOCAL_AUTHORITY: ("new_la_code", "la_name", "old_la_code", "region_code"),
}
LEVEL_NAMES = {NATIONAL: "National", REGIONAL: "Regional", LOCAL_AUTHORITY: "Local authority"}

# File-level messages (the header is row 1).
EMPTY_FILE = "The file is empty."
TOO_BIG = "The file is larger than 50 MB: it is not one EES open-data CSV."
BAD_ENCODING = "The file is not UTF-8 text: EES open-data CSVs are UTF-8 (with or without a BOM)."
MALFORMED_CSV = "The CSV file cannot be read at line {line}: {reason}."
MISSING_COLUMN = "Row 1 has no {column} column: every EES open-data CSV has one."
MISSING_INDICATOR = "Row 1 has no {column} column (--indicator): the file's columns are {known}."
MISSING_FILTER = (
    "Row 1 has no {column} column (--where {column}=…): the file's columns are {known}."
)
MISSING_LEVEL_COLUMN = (
    "Row 1 has no {column} column, which the {level} rows (first row {row}) need."
)
DUPLICATE_COLUMN = "Columns {first} and {column} are both headed {text!r}."
NO_ROWS = "The file has a header row but no rows below it."
NO_MATCHING_ROWS = "No National, Regional or Local authority row has {wanted}."

# Row messages.
BAD_NUMBER = "{column} {text!r} is not a number or a suppression code (c, x, z, u, low)"
TOO_PRECISE = "{column} {text!r} has more than 6 decimal places or 14 digits before the point"
BLANK_VALUE = "the {column} cell is blank: EES writes x (not available) where there is no figure"
UNKNOWN_LEVEL = (
    "geographic_level {text!r} is not a level EES publishes (National, Regional, "
    "Local authority, …)"
)
BAD_PERIOD = "time_period {text!r} is not a year (2025) or a span of years (201819)"
BLANK_CELL = "the {column} cell is blank"
BAD_OLD_LA_CODE = "old_la_code {text!r} is not a 3-digit LA code (or codes joined by ' / ')"
OTHER_TIME_IDENTIFIER = (
    "time_identifier {text!r} differs from row {first}'s {other!r}: "
    "choose one with --where time_identifier=…"
)
DUPLICATE_AREA = "{area} ({level}) for {period} is also in row {first}"

_PERIOD = re.compile(r"(\d{4})(\d{2})?")
_OLD_LA_CODES = re.compile(r"\d{3}(?: / \d{3})*")


class StatisticsFileError(ValueError):
    """The file as a whole cannot be read (not one row's fault)."""


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str

    def __str__(self):
        return f"row {self.row}: {self.reason}"


@dataclass(frozen=True)
class StatisticRow:
    row: int
    time_period: str
    year: int
    geographic_level: str
    area_code: str
    area_name: str
    old_la_code: str
    region_code: str
    value: Decimal | None
    suppression: str


@dataclass
class ParsedStatistics:
    rows: list[StatisticRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    time_identifier: str = ""
    skipped: int = 0  # rows at other geographic levels, or filtered out by --where


def period_year(time_period: str) -> int | None:
    """The year a published ``time_period`` ends in, for ordering.

    >>> period_year("2025"), period_year("201819")
    (2025, 2019)
    """
    match = _PERIOD.fullmatch(time_period)
    if not match:
        return None
    start, end = match.groups()
    if end is None:
        return int(start)
    # A span such as 201819 (2018-19) ends in the next year.
    return int(start) + 1 if int(end) == (int(start) + 1) % 100 else None


def parse_value(text: str) -> tuple[Decimal | None, str] | None:
    """(number, "") or (None, suppression code); None when it is neither.

    >>> parse_value("14.2"), parse_value("low"), parse_value("0")
    ((Decimal('14.2'), ''), (None, 'low'), (Decimal('0'), ''))
    """
    if text in SUPPRESSION_CODES:
        return None, text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number, ""


def _storable(number: Decimal) -> bool:
    """Fits MeasureValue.value (20 digits, 6 after the point) exactly."""
    exponent = number.normalize().as_tuple().exponent
    return exponent >= -6 and (number == 0 or number.adjusted() < 14)


def _decode(data: bytes) -> str:
    if not data.strip():
        raise StatisticsFileError(EMPTY_FILE)
    if len(data) > MAX_FILE_BYTES:
        raise StatisticsFileError(TOO_BIG)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatisticsFileError(BAD_ENCODING) from None


def _records(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise StatisticsFileError(
            MALFORMED_CSV.format(line=reader.line_num, reason=error)
        ) from None


def _column_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, heading in enumerate(header):
        name = heading.strip().lower()
        if not name:
            continue
        if name in index:
            raise StatisticsFileError(
                DUPLICATE_COLUMN.format(
                    first=_column_letter(index[name]),
                    column=_column_letter(position),
                    text=heading.strip(),
                )
            )
        index[name] = position
    return index


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def parse_statistics(data: bytes, *, indicator: str, where: dict[str, str]) -> ParsedStatistics:
    """The rows of ``indicator`` at the National, Regional and Local authority
    levels, narrowed to the rows whose filter columns hold ``where``'s values.

    Raises StatisticsFileError for a file that cannot be read at all; row
    problems are collected in ``errors`` (every one, with its row number as a
    spreadsheet shows it: the header is row 1).
    """
    records = _records(_decode(data))
    if not records or not any(cell.strip() for cell in records[0]):
        raise StatisticsFileError(EMPTY_FILE)
    header, body = records[0], records[1:]
    columns = _column_index(header)
    known = ", ".join(heading.strip() for heading in header if heading.strip())
    for name in BASE_COLUMNS:
        if name not in columns:
            raise StatisticsFileError(MISSING_COLUMN.format(column=name))
    if indicator.strip().lower() not in columns:
        raise StatisticsFileError(MISSING_INDICATOR.format(column=indicator, known=known))
    for name in where:
        if name.strip().lower() not in columns:
            raise StatisticsFileError(MISSING_FILTER.format(column=name, known=known))
    if not any(any(cell.strip() for cell in record) for record in body):
        raise StatisticsFileError(NO_ROWS)

    def cell(record: list[str], name: str) -> str:
        position = columns[name]
        return record[position].strip() if position < len(record) else ""

    filters = [(columns[name.strip().lower()], value.strip()) for name, value in where.items()]
    value_at = columns[indicator.strip().lower()]
    parsed = ParsedStatistics()
    first_identifier: tuple[int, str] | None = None
    seen: dict[tuple[str, str, str], int] = {}
    for number, record in enumerate(body, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if any(
            (record[position].strip() if position < len(record) else "") != wanted
            for position, wanted in filters
        ):
            parsed.skipped += 1
            continue
        level_text = cell(record, "geographic_level")
        level = LEVELS.get(level_text.lower())
        if level is None:
            if level_text.lower() in OTHER_LEVELS:
                parsed.skipped += 1
            else:
                parsed.errors.append(RowError(number, UNKNOWN_LEVEL.format(text=level_text)))
            continue
        code_column, name_column, old_column, region_column = LEVEL_COLUMNS[level]
        missing = [c for c in (code_column, name_column, old_column, region_column) if c]
        missing = [c for c in missing if c not in columns]
        if missing:
            raise StatisticsFileError(
                MISSING_LEVEL_COLUMN.format(column=missing[0], level=LEVEL_NAMES[level], row=number)
            )
        reasons = []
        period = cell(record, "time_period")
        year = period_year(period)
        if year is None:
            reasons.append(BAD_PERIOD.format(text=period))
        identifier = cell(record, "time_identifier")
        if first_identifier is None:
            first_identifier = (number, identifier)
        elif identifier != first_identifier[1]:
            reasons.append(
                OTHER_TIME_IDENTIFIER.format(
                    text=identifier, first=first_identifier[0], other=first_identifier[1]
                )
            )
        area_code = cell(record, code_column)
        area_name = cell(record, name_column)
        old_la_code = cell(record, old_column) if old_column else ""
        region_code = cell(record, region_column) if region_column else ""
        for column, text in ((code_column, area_code), (name_column, area_name)):
            if not text:
                reasons.append(BLANK_CELL.format(column=column))
        if old_column and not _OLD_LA_CODES.fullmatch(old_la_code):
            reasons.append(
                BLANK_CELL.format(column=old_column)
                if not old_la_code
                else BAD_OLD_LA_CODE.format(text=old_la_code)
            )
        raw = record[value_at].strip() if value_at < len(record) else ""
        outcome = parse_value(raw) if raw else None
        if not raw:
            reasons.append(BLANK_VALUE.format(column=header[value_at].strip()))
        elif outcome is None:
            reasons.append(BAD_NUMBER.format(column=header[value_at].strip(), text=raw))
        elif outcome[0] is not None and not _storable(outcome[0]):
            reasons.append(TOO_PRECISE.format(column=header[value_at].strip(), text=raw))
        if area_code and period:
            key = (level, area_code, period)
            if key in seen:
                reasons.append(
                    DUPLICATE_AREA.format(
                        area=area_name or area_code,
                        level=LEVEL_NAMES[level],
                        period=period,
                        first=seen[key],
                    )
                )
            else:
                seen[key] = number
        if reasons:
            parsed.errors.extend(RowError(number, reason) for reason in reasons)
            continue
        value, suppression = outcome
        parsed.rows.append(
            StatisticRow(
                row=number,
                time_period=period,
                year=year,
                geographic_level=level,
                area_code=area_code,
                area_name=area_name,
                old_la_code=old_la_code,
                region_code=region_code,
                value=value,
                suppression=suppression,
            )
        )
    if not parsed.rows and not parsed.errors:
        wanted = " and ".join(f"{name}={value!r}" for name, value in where.items())
        raise StatisticsFileError(NO_MATCHING_ROWS.format(wanted=wanted or "a value"))
    parsed.time_identifier = first_identifier[1] if first_identifier else ""
    return parsed
