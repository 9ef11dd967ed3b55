"""A trust's own spreadsheet, as it is: where its heading row is and what
each column holds, told apart by the headings' words. Pure: no models.

The long and wide layouts (``layouts.py``) need the headings on row 1. A
performance team's appendix has title rows above them, a sub-heading row
below, descriptive, comparator and derived columns beside the months, and
footnotes under the table. :func:`detect` finds the heading row — the first
of the first :data:`HEADING_ROWS_SEARCHED` rows with at least
:data:`MIN_MONTH_HEADINGS` month headings and a heading naming the KPIs —
and classifies every column:

>>> rows = [(1, ["Monthly statistics"]), (2, ["KPI", "Jan-18", "Feb-18", "Mar-18", "Direction"])]
>>> [(c.letter, c.role) for c in detect(rows).columns]
[('A', 'kpi'), ('B', 'month'), ('C', 'month'), ('D', 'month'), ('E', 'derived')]

Whatever it cannot place is a problem, never a guess; the officer may choose
a column's role in the preview, and the choice is remembered for files with
the same headings (:attr:`Mapping.signature`).
"""

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from openpyxl.utils import get_column_letter

from kpis.imports.cells import (
    _NO_VALUE_WORDS,
    _CellProblem,
    _heading_label,
    _is_blank,
    _period_cell,
)
from kpis.imports.messages import (
    DUPLICATE_MONTH_COLUMN,
    MAPPING_NO_KPI_COLUMN,
    MAPPING_NO_MONTHS,
    MAPPING_TWO_KPI_COLUMNS,
    MAPPING_UNKNOWN_HEADING,
    MAPPING_VALUES_WITHOUT_HEADING,
)
from kpis.periods import format_period, label_period, parse_period

HEADING_ROWS_SEARCHED = 10
MIN_MONTH_HEADINGS = 3

# The roles a column can have; ``ROLE_CHOICES`` are those an officer may choose.
MONTH, KPI, TITLE, COMPARATOR, DESCRIPTIVE, DERIVED, IGNORE, BLANK, UNKNOWN = (
    "month", "kpi", "title", "comparator", "descriptive", "derived", "ignore", "blank", "unknown",
)  # fmt: skip
STATISTICAL_NEIGHBOURS, ENGLAND, REGION = "statistical_neighbours", "england", "region"
ROLE_CHOICES = [
    ("month", "Month (YYYY-MM)"),
    ("kpi", "KPI identifier (code, number or title)"),
    ("title", "KPI title"),
    ("comparator:statistical_neighbours", "Comparator: statistical neighbours"),
    ("comparator:england", "Comparator: England"),
    ("comparator:region", "Comparator: region"),
    ("ignore", "Ignore"),
]
READ_ROLES = {MONTH, KPI, TITLE, COMPARATOR}

REGIONS = [
    "North East", "North West", "Yorkshire and the Humber", "Yorkshire and Humber",
    "East Midlands", "West Midlands", "East of England", "London", "South East", "South West",
]  # fmt: skip

_DERIVED_WORDS = {
    "change", "changes", "direction", "previous", "trend", "difference", "variance", "dot",
    "rag", "ytd", "rolling", "vs", "versus", "arrow", "arrows", "movement",
}  # fmt: skip
_DESCRIPTIVE_PHRASES = [
    "frequency", "service area", "service", "better performance", "polarity",
    "good performance", "higher or lower", "unit", "units", "owner", "lead", "directorate",
]  # fmt: skip
_TITLE_WORDS = {"description", "title", "name", "definition", "measure"}
_KPI_HEADINGS = {
    "kpi", "kpi code", "code", "kpi ref", "ref", "reference", "pi", "pi no", "pi number",
    "plno", "pl no", "kpi no", "kpi number", "no", "number", "id",
}  # fmt: skip
_KPI_WORDS = {"kpi", "kpis", "indicator", "indicators", "plno"}
_FOOTNOTE = re.compile(r"^(\*|note\b|notes\b)", re.IGNORECASE)


def _words(text: str) -> str:
    """``Better Performance 3?`` → ``better performance 3``: lower case, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


@dataclass(frozen=True)
class Column:
    """One column of the sheet, and what it is."""

    index: int
    heading: str  # as shown, e.g. "Jan-18" or "England Average (where available)"
    role: str
    period: dt.date | None = None  # month columns
    kind: str = ""  # comparator columns: statistical_neighbours, england or region
    label: str = ""  # a named region, e.g. "West Midlands"
    chosen: bool = False  # chosen by an officer rather than found

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def what(self) -> str:
        """What the import does with the column, in a sentence for the preview."""
        if self.role == MONTH:
            return f"Readings for {label_period(self.period)}"
        if self.role == KPI:
            return "The KPI: its code, the organisation's own number (1.00 → PI1) or its title"
        if self.role == TITLE:
            return "The KPI's title: identifies the KPI when the identifier does not"
        if self.role == COMPARATOR:
            name = {STATISTICAL_NEIGHBOURS: "statistical neighbours'", ENGLAND: "England"}
            where = name.get(self.kind) or ("region" + (f" ({self.label})" if self.label else ""))
            return f"Comparator: the {where} average, offered as a comparator for the year"
        return f"Ignored: {self.reason}"

    @property
    def reason(self) -> str:
        """Why a column is not read."""
        return {
            DESCRIPTIVE: "describes the KPI (frequency, service area, polarity), which "
            "trustmonitor keeps on the KPI itself",
            DERIVED: "worked out from the months (a change, an average or a direction arrow); "
            "trustmonitor works these out itself",
            IGNORE: "chosen to be ignored",
            BLANK: "no heading and no values",
            UNKNOWN: "not a heading this import knows",
        }.get(self.role, "")

    @property
    def choice(self) -> str:
        """The column's role as a ``ROLE_CHOICES`` value, for the correction form."""
        if self.role == COMPARATOR:
            return f"comparator:{self.kind}"
        return self.role if self.role in {MONTH, KPI, TITLE} else IGNORE


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str


@dataclass
class Mapping:
    """Where the table is in the sheet and what each column is."""

    heading_row: int
    columns: list[Column]
    skipped: list[SkippedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    signature: str = ""
    title: str = ""  # the title rows' text, e.g. "… Performance Statistics, Jan-19"
    remembered: bool = False

    @property
    def months(self) -> list[tuple[int, dt.date]]:
        return [(c.index, c.period) for c in self.columns if c.role == MONTH]

    @property
    def comparators(self) -> list[Column]:
        return [c for c in self.columns if c.role == COMPARATOR]

    def index(self, role: str) -> int | None:
        return next((c.index for c in self.columns if c.role == role), None)

    @property
    def year(self) -> int | None:
        """The year most of the file's months fall in (a tie goes to the later):
        the year its comparators are offered for."""
        years = Counter(period.year for _, period in self.months)
        if not years:
            return None
        return max(years, key=lambda year: (years[year], year))

    @property
    def ignored(self) -> list[Column]:
        return [c for c in self.columns if c.role not in READ_ROLES]

    def choices(self) -> list[dict]:
        """The columns' roles as stored in an ImportMapping (JSON). A month
        column's period is kept only when it is not the one its heading names,
        so that next month's file, its headings a month on, reads its own."""
        choices = []
        for column in self.columns:
            if column.role == BLANK:
                continue
            choice = {"index": column.index, "role": column.choice}
            if column.role == MONTH and column.period != classify(column.heading).period:
                choice["period"] = format_period(column.period)
            choices.append(choice)
        return choices


def classify(cell: Any, index: int = 0) -> Column:
    """What a heading says its column holds.

    >>> classify("West Midlands Average (where available)").label
    'West Midlands'
    >>> classify("Direction vs Eng").role, classify("Better Performance 3?").role
    ('derived', 'descriptive')
    """
    heading = "" if _is_blank(cell) else _heading_label(cell).strip()
    if not heading:
        return Column(index, "", BLANK)
    try:
        return Column(index, heading, MONTH, period=_period_cell(cell))
    except _CellProblem:
        pass
    words = _words(heading)
    tokens = set(words.split())
    if tokens & _DERIVED_WORDS:
        return Column(index, heading, DERIVED)
    if comparator := _comparator(words, tokens):
        kind, label = comparator
        return Column(index, heading, COMPARATOR, kind=kind, label=label)
    if any(re.search(rf"\b{phrase}\b", words) for phrase in _DESCRIPTIVE_PHRASES):
        return Column(index, heading, DESCRIPTIVE)
    if tokens & _TITLE_WORDS:
        return Column(index, heading, TITLE)
    if words in _KPI_HEADINGS or tokens & _KPI_WORDS:
        return Column(index, heading, KPI)
    return Column(index, heading, UNKNOWN)


def _comparator(words: str, tokens: set[str]) -> tuple[str, str] | None:
    if "statistical neighbour" in words or "stat neighbour" in words or "sn" in tokens:
        return STATISTICAL_NEIGHBOURS, ""
    if tokens & {"england", "national"}:
        return ENGLAND, ""
    for region in REGIONS:
        if _words(region) in words:
            return REGION, region
    if tokens & {"region", "regional"}:
        return REGION, ""
    return None


def _is_heading_row(cells: list) -> bool:
    roles = Counter(classify(cell).role for cell in cells)
    return roles[MONTH] >= MIN_MONTH_HEADINGS and roles[KPI] >= 1


def find_heading_row(rows: list[tuple[int, list]]) -> int | None:
    """The row number of the first heading row in the first rows, or None."""
    for number, cells in rows[:HEADING_ROWS_SEARCHED]:
        if _is_heading_row(cells):
            return number
    return None


def _is_sub_heading(cells: list) -> bool:
    """``PLNO | DESCRIPTION OF KPI``: text only, every cell a known heading, one
    of them naming the KPI or its title."""
    roles = [classify(cell).role for cell in cells if not _is_blank(cell)]
    return (
        bool(roles)
        and all(isinstance(c, str) for c in cells if not _is_blank(c))
        and UNKNOWN not in roles
        and MONTH not in roles
        and bool({KPI, TITLE} & set(roles))
    )


def is_footnote(cells: list) -> bool:
    """A note under the table: one text cell, starting ``*`` or ``Note``."""
    filled = [c for c in cells if not _is_blank(c)]
    return len(filled) == 1 and isinstance(filled[0], str) and bool(_FOOTNOTE.match(filled[0]))


# What a comparator cell says when there is none: "No available comparator data".
_NO_COMPARATOR = re.compile(r"\bno\b.*\b(data|comparators?|figures?)\b|not available|n/?a")


def means_no_comparator(cell: Any) -> bool:
    """Blank, or text that says there is no comparator."""
    if _is_blank(cell):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip().casefold()
    return text in _NO_VALUE_WORDS or bool(_NO_COMPARATOR.fullmatch(text))


def signature(heading_cells: list, sub_headings: list[list]) -> str:
    """The headings, months stood for by ``<month>``, as a hash: next month's
    file, a month further on, has the same signature."""
    parts = []
    for cells in [heading_cells, *sub_headings]:
        row = [
            "<month>" if classify(c).role == MONTH else _words(_heading_label(c))
            for c in cells
            if not _is_blank(c)
        ]
        parts.append("|".join(row))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def detect(rows: list[tuple[int, list]], *, chosen: list[dict] | None = None) -> Mapping | None:
    """The mapping of a sheet (``rows``: every row with its number), or None
    when no heading row is found. ``chosen``: roles an officer chose
    (:meth:`Mapping.choices`), which replace what the headings say."""
    heading_row = find_heading_row(rows)
    if heading_row is None:
        return None
    position = next(i for i, (number, _) in enumerate(rows) if number == heading_row)
    heading_cells = rows[position][1]
    below = rows[position + 1 :]
    sub_headings = []
    for _, cells in below:
        if not _is_sub_heading(cells):
            break
        sub_headings.append(cells)
    data = below[len(sub_headings) :]
    width = max(len(cells) for _, cells in rows[position:])

    columns = []
    for index in range(width):
        column = classify(_at(heading_cells, index), index)
        for cells in sub_headings:
            named = classify(_at(cells, index), index)
            if column.role == BLANK:  # the sub-heading names it
                column = named
        if column.role == BLANK and any(not _is_blank(_at(cells, index)) for _, cells in data):
            column = replace(column, role=UNKNOWN)
        columns.append(column)
    if chosen:
        columns = _apply_choices(columns, chosen)

    skipped = [SkippedRow(number, "a title above the heading row") for number, _ in rows[:position]]
    skipped += [SkippedRow(number, "a sub-heading row") for number, _ in below[: len(sub_headings)]]
    mapping = Mapping(
        heading_row=heading_row,
        columns=columns,
        skipped=skipped,
        signature=signature(heading_cells, sub_headings),
        title=", ".join(
            _heading_label(c) for _, cells in rows[:position] for c in cells if not _is_blank(c)
        ),
    )
    mapping.problems = _problems(mapping, data)
    return mapping


def _at(cells: list, index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _apply_choices(columns: list[Column], chosen: list[dict]) -> list[Column]:
    by_index = {choice["index"]: choice for choice in chosen}
    result = []
    for column in columns:
        choice = by_index.get(column.index)
        if choice is None or column.role == BLANK:
            result.append(column)
            continue
        role, _, kind = choice["role"].partition(":")
        if role == column.role and kind == column.kind and role != MONTH:
            result.append(column)  # as found: keep the label the heading names
            continue
        period = None
        if role == MONTH:
            try:
                period = parse_period(choice["period"]) if choice.get("period") else None
            except ValueError:
                period = None
            period = period or classify(column.heading).period
            if period is None:
                result.append(replace(column, role=UNKNOWN, chosen=True))
                continue
        label = column.label if kind == REGION else ""
        if kind == REGION and not label:
            label = classify(column.heading).label
        result.append(
            replace(column, role=role, period=period, kind=kind, label=label, chosen=True)
        )
    return result


def _problems(mapping: Mapping, data: list[tuple[int, list]]) -> list[str]:
    problems = []
    row = mapping.heading_row
    for column in mapping.columns:
        if column.role != UNKNOWN:
            continue
        if column.heading:
            problems.append(
                MAPPING_UNKNOWN_HEADING.format(column=column.letter, text=column.heading, row=row)
            )
        else:
            first = next((n for n, cells in data if not _is_blank(_at(cells, column.index))), row)
            problems.append(
                MAPPING_VALUES_WITHOUT_HEADING.format(column=column.letter, row=row, first=first)
            )
    identifiers = [c for c in mapping.columns if c.role == KPI]
    if not identifiers:
        problems.append(MAPPING_NO_KPI_COLUMN.format(row=row))
    elif len(identifiers) > 1:
        problems.append(
            MAPPING_TWO_KPI_COLUMNS.format(columns=" and ".join(c.letter for c in identifiers))
        )
    if not mapping.months:
        problems.append(MAPPING_NO_MONTHS.format(row=row))
    seen: dict[dt.date, Column] = {}
    for column in mapping.columns:
        if column.role != MONTH:
            continue
        if column.period in seen:
            problems.append(
                DUPLICATE_MONTH_COLUMN.format(
                    first=seen[column.period].letter,
                    column=column.letter,
                    period=format_period(column.period),
                )
            )
        seen.setdefault(column.period, column)
    return problems
