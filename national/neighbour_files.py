"""Read DfE's statistical-neighbour groupings, in either published layout.

Pure: bytes in, groupings or errors out; no database.

- 2021 (``New_Statistical_Neighbour_Groupings_April_2021``): ``LA num, LA Name,
  LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, …, SN10, SNP``; each ``SNP``
  (the closeness label) belongs to the ``SN`` column before it. Saved from
  Excel, the heading row may come after title rows (row 3).
- 2025 wide (``sn_model_2025_wide``): ``old_la_code, la_name, region_ind,
  region_name, SN_1, SN_1P, …, SN_10, SN_10P``, labels with trailing spaces.

Closeness labels are normalised: "Not Close", "close " and "Very  close"
become "Not close", "Close" and "Very close".

>>> normalise_closeness("  Very  CLOSE ")
'Very close'
"""

import csv
import io
import re
from dataclasses import dataclass, field

from national.ees import RowError  # one row-error shape for both DfE file readers

MAX_FILE_BYTES = 5 * 1024 * 1024
NEIGHBOURS = 10
# The heading row is looked for among the first rows (title rows above it).
HEADER_SEARCH_ROWS = 10

LA_CODE_HEADINGS = ("old_la_code", "la num", "la number", "la_num", "la code")
LA_NAME_HEADINGS = ("la_name", "la name")

EMPTY_FILE = "The file is empty."
TOO_BIG = "The file is larger than 5 MB: it is not a statistical-neighbour table."
BAD_ENCODING = "The file is neither UTF-8 nor Windows-1252 text."
MALFORMED_CSV = "The CSV file cannot be read at line {line}: {reason}."
NO_HEADER = (
    "None of the first 10 rows names the columns: the heading row needs an LA code column "
    "(old_la_code or LA num), an LA name column and SN1 … SN10."
)
MISSING_NEIGHBOUR_COLUMNS = "Row {row} (the headings) has no {missing} column."
DUPLICATE_HEADING = "Row {row} (the headings) has {text!r} twice (columns {first} and {column})."
NO_ROWS = "The file has a heading row but no local authorities below it."

BAD_LA_CODE = "{column} {text!r} is not a 3-digit LA code"
BLANK_LA_NAME = "the {column} cell is blank"
BAD_NEIGHBOUR = "{column} {text!r} is not a 3-digit LA code"
BLANK_NEIGHBOUR = "the {column} cell is blank: each LA has 10 neighbours"
SELF_NEIGHBOUR = "{column} is the LA itself ({code})"
REPEATED_NEIGHBOUR = "{column} repeats {code}, already {other}"
DUPLICATE_LA = "LA {code} is also in row {first}"

_SN = re.compile(r"sn_?(\d+)")
_SN_CLOSENESS = re.compile(r"sn_?(\d+)_?p")
_LA_CODE = re.compile(r"\d{3}")


class NeighbourFileError(ValueError):
    """The file as a whole cannot be read (not one row's fault)."""


@dataclass(frozen=True)
class NeighbourGroup:
    row: int
    la_code: str
    la_name: str
    # (neighbour's old LA code, closeness label), nearest first.
    neighbours: tuple[tuple[str, str], ...]


@dataclass
class ParsedNeighbours:
    groups: list[NeighbourGroup] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 1


def normalise_closeness(label: str) -> str:
    words = label.split()
    return " ".join(words).capitalize()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise NeighbourFileError(EMPTY_FILE)
    if len(data) > MAX_FILE_BYTES:
        raise NeighbourFileError(TOO_BIG)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise NeighbourFileError(BAD_ENCODING) from None


def _records(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise NeighbourFileError(MALFORMED_CSV.format(line=reader.line_num, reason=error)) from None


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class _Layout:
    la_code: int
    la_name: int
    # position k-1 → (SNk column, its closeness column or None)
    neighbours: tuple[tuple[int, int | None], ...]
    headings: tuple[str, ...]


def _heading(text: str) -> str:
    return " ".join(text.split()).lower()


def _layout(header: list[str], row: int) -> _Layout | None:
    """The columns of a heading row, or None when the row is not one."""
    names = [_heading(text) for text in header]
    la_code = next((names.index(h) for h in LA_CODE_HEADINGS if h in names), None)
    la_name = next((names.index(h) for h in LA_NAME_HEADINGS if h in names), None)
    sn_columns: dict[int, int] = {}
    closeness: dict[int, int] = {}
    previous_sn: int | None = None
    for position, name in enumerate(names):
        compact = name.replace(" ", "")
        if name == "snp" and previous_sn is not None:
            # 2021: an SNP heading belongs to the SN column before it.
            closeness.setdefault(previous_sn, position)
            continue
        if match := _SN_CLOSENESS.fullmatch(compact):
            closeness[int(match.group(1))] = position
            continue
        if match := _SN.fullmatch(compact):
            k = int(match.group(1))
            if k in sn_columns:
                raise NeighbourFileError(
                    DUPLICATE_HEADING.format(
                        row=row,
                        text=header[position].strip(),
                        first=_column_letter(sn_columns[k]),
                        column=_column_letter(position),
                    )
                )
            sn_columns[k] = position
            previous_sn = k
    if la_code is None or 1 not in sn_columns:
        return None
    missing = [f"SN{k}" for k in range(1, NEIGHBOURS + 1) if k not in sn_columns]
    if la_name is None:
        missing.insert(0, "LA name (la_name or LA Name)")
    if missing:
        raise NeighbourFileError(
            MISSING_NEIGHBOUR_COLUMNS.format(row=row, missing=", ".join(missing))
        )
    return _Layout(
        la_code=la_code,
        la_name=la_name,
        neighbours=tuple((sn_columns[k], closeness.get(k)) for k in range(1, NEIGHBOURS + 1)),
        headings=tuple(text.strip() for text in header),
    )


def parse_neighbours(data: bytes) -> ParsedNeighbours:
    """Every LA's 10 neighbours by old LA code, nearest first.

    Raises NeighbourFileError for a file that cannot be read at all; bad rows
    are collected in ``errors`` with their row numbers as a spreadsheet shows
    them (row 1 is the file's first line, title rows included).
    """
    records = _records(_decode(data))
    layout = None
    for index, record in enumerate(records[:HEADER_SEARCH_ROWS]):
        layout = _layout(record, index + 1)
        if layout is not None:
            header_index = index
            break
    if layout is None:
        raise NeighbourFileError(NO_HEADER)
    parsed = ParsedNeighbours(header_row=header_index + 1)
    seen: dict[str, int] = {}

    def cell(record: list[str], position: int | None) -> str:
        if position is None or position >= len(record):
            return ""
        return record[position].strip()

    for number, record in enumerate(records[header_index + 1 :], start=header_index + 2):
        if not any(text.strip() for text in record):
            continue
        code = cell(record, layout.la_code)
        code_heading = layout.headings[layout.la_code]
        name = cell(record, layout.la_name)
        if not code and not any(cell(record, sn) for sn, _ in layout.neighbours):
            # A note or source line under the table, not an LA.
            continue
        reasons = []
        if not _LA_CODE.fullmatch(code):
            reasons.append(BAD_LA_CODE.format(column=code_heading, text=code))
        if not name:
            reasons.append(BLANK_LA_NAME.format(column=layout.headings[layout.la_name]))
        neighbours: list[tuple[str, str]] = []
        where: dict[str, str] = {}
        for sn, label_at in layout.neighbours:
            column = layout.headings[sn]
            neighbour = cell(record, sn)
            if not neighbour:
                reasons.append(BLANK_NEIGHBOUR.format(column=column))
            elif not _LA_CODE.fullmatch(neighbour):
                reasons.append(BAD_NEIGHBOUR.format(column=column, text=neighbour))
            elif neighbour == code:
                reasons.append(SELF_NEIGHBOUR.format(column=column, code=code))
            elif neighbour in where:
                reasons.append(
                    REPEATED_NEIGHBOUR.format(column=column, code=neighbour, other=where[neighbour])
                )
            else:
                where[neighbour] = column
                neighbours.append((neighbour, normalise_closeness(cell(record, label_at))))
        if _LA_CODE.fullmatch(code):
            if code in seen:
                reasons.append(DUPLICATE_LA.format(code=code, first=seen[code]))
            else:
                seen[code] = number
        if reasons:
            parsed.errors.extend(RowError(number, reason) for reason in reasons)
            continue
        parsed.groups.append(
            NeighbourGroup(row=number, la_code=code, la_name=name, neighbours=tuple(neighbours))
        )
    if not parsed.groups and not parsed.errors:
        raise NeighbourFileError(NO_ROWS)
    return parsed
