"""What a parse produces — good rows, row errors, the result of an import —
and the organisation's KPIs looked up by code."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from kpis.imports.cells import (
    _cell_text,
    _CellProblem,
    _ExcelError,
    _is_blank,
    _NoCachedValue,
    _shown,
)
from kpis.imports.files import _read_table
from kpis.imports.layouts import _cell, _readings_layout
from kpis.imports.messages import (
    AMBIGUOUS_KPI_NUMBER,
    AMBIGUOUS_KPI_TITLE,
    KPI_OR_TITLE_REQUIRED,
    KPI_REQUIRED,
    NOT_A_KPI_IDENTIFIER,
    UNKNOWN_KPI,
)
from kpis.models import KPI, Organisation


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


@dataclass(frozen=True)
class ComparatorRow:
    """A comparator cell of a trust's own sheet: ``kind`` statistical_neighbours,
    england or region, for ``year``."""

    row: int
    kpi_code: str
    kind: str
    label: str
    year: int
    value: Decimal
    column: str

    @property
    def kind_label(self) -> str:
        """``Region (West Midlands)``."""
        name = {"statistical_neighbours": "Statistical neighbours", "england": "England"}
        shown = name.get(self.kind, "Region")
        return f"{shown} ({self.label})" if self.label else shown


@dataclass(frozen=True)
class UnusualRow:
    """A new or changed reading that ``plausibility.unusual`` questions;
    ``key`` names it in the upload preview's ticks."""

    row: ReadingRow
    unusual: Any  # plausibility.Unusual
    accepted: bool

    @property
    def key(self) -> str:
        return unusual_key(self.row)

    def __str__(self):
        where = (
            f"Row {self.row.row}, column {self.row.column}"
            if self.row.column
            else (f"Row {self.row.row}")
        )
        return f"{where} ({self.row.kpi_code} {self.row.period:%b %Y}): {self.unusual}"


def unusual_key(row: ReadingRow) -> str:
    """``7-2019-01``: a file row and month (a wide row holds several months)."""
    return f"{row.row}-{row.period:%Y-%m}"


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
    # A trust's own sheet: the mapping read by (kpis.imports.mapping.Mapping),
    # the rows it skipped, and the comparators it offers — new, changed as
    # (row, previous value), unchanged — and whether they were saved too.
    mapping: Any = None
    skipped: list = field(default_factory=list)
    comparators_new: list[ComparatorRow] = field(default_factory=list)
    comparators_changed: list[tuple[ComparatorRow, Decimal]] = field(default_factory=list)
    comparators_unchanged: list[ComparatorRow] = field(default_factory=list)
    comparators_saved: bool = False
    # Readings unusual for their KPI (kpis.plausibility), in file order.
    unusual: list[UnusualRow] = field(default_factory=list)

    @property
    def unconfirmed(self) -> list[UnusualRow]:
        """The unusual readings nobody has confirmed: while any remain, nothing is saved."""
        return [u for u in self.unusual if not u.accepted]

    @property
    def comparators(self) -> list[ComparatorRow]:
        return [row for row, _, _ in self.comparator_lines]

    @property
    def comparator_lines(self) -> list[tuple[ComparatorRow, str, Decimal | None]]:
        """Each offered comparator with ``new``, ``changed`` or ``unchanged``
        and the value it replaces, in the sheet's order."""
        lines = [
            *((row, "new", None) for row in self.comparators_new),
            *((row, "changed", previous) for row, previous in self.comparators_changed),
            *((row, "unchanged", None) for row in self.comparators_unchanged),
        ]
        return sorted(lines, key=lambda line: (line[0].row, line[0].column))

    def summary(self) -> str:
        """``12 new, 3 changed, 0 unchanged; saved``."""
        counts = (
            f"{len(self.new):,} new, {len(self.changed):,} changed, "
            f"{len(self.unchanged):,} unchanged"
        )
        if self.errors:
            count = len(self.errors)
            return f"{counts}; {count:,} error{'s' if count != 1 else ''}: nothing saved"
        if self.unconfirmed and not self.dry_run:
            count = len(self.unconfirmed)
            values = f"{count:,} unusual value{'s' if count != 1 else ''}"
            return f"{counts}; {values} to confirm: nothing saved"
        if self.dry_run:
            return f"{counts}; dry run: nothing saved"
        return f"{counts}; saved" if self.saved else f"{counts}; nothing saved"


# --- KPIs --------------------------------------------------------------------


class _KPIs:
    """The organisation's KPIs by code (case-insensitive), number and title."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self.by_code = {k.code: k for k in organisation.kpis.all()}
        self.by_folded = {code.casefold(): k for code, k in self.by_code.items()}
        self.by_number: dict[int, list[KPI]] = {}
        self.by_title: dict[str, list[KPI]] = {}
        for kpi in self.by_code.values():
            if match := _TRAILING_NUMBER.search(kpi.code):
                self.by_number.setdefault(int(match[1]), []).append(kpi)
            self.by_title.setdefault(_folded_title(kpi.title), []).append(kpi)

    def has_code(self, cell: Any) -> bool:
        return isinstance(cell, str) and cell.strip().casefold() in self.by_folded

    def get(self, cell: Any) -> KPI:
        code = _cell_text(cell)
        if not code:
            raise _CellProblem(KPI_REQUIRED)
        kpi = self.by_code.get(code) or self.by_folded.get(code.casefold())
        if kpi is not None:
            return kpi
        # Said the same whether or not another organisation has the code: an
        # upload tells nobody what another trust's KPIs are.
        raise _CellProblem(UNKNOWN_KPI.format(code=code, organisation=self.organisation))

    def identify(self, cell: Any, title: Any = None) -> KPI:
        """A KPI from a trust's own sheet: by its code (``PI1``), by the
        organisation's own number for it (``1.00``, ``1`` → the one KPI whose
        code ends in 1), or else by its title, spaces and case aside.

        A number two KPIs' codes end in (``KPI1`` and ``PI1``) or a title two
        KPIs share identifies neither: it is an error, not a guess.
        """
        text, title_text = _cell_text(cell), _cell_text(title)
        if text:
            kpi = self.by_code.get(text) or self.by_folded.get(text.casefold())
            if kpi is not None:
                return kpi
            if (number := _whole_number(cell)) is not None:
                kpi = self._only(self.by_number.get(number, []), AMBIGUOUS_KPI_NUMBER, text)
                if kpi is not None:
                    return kpi
        if title_text:
            matches = self.by_title.get(_folded_title(title_text), [])
            if (kpi := self._only(matches, AMBIGUOUS_KPI_TITLE, title_text)) is not None:
                return kpi
        if not (text or title_text):
            raise _CellProblem(KPI_OR_TITLE_REQUIRED)
        raise _CellProblem(
            NOT_A_KPI_IDENTIFIER.format(text=text or title_text, organisation=self.organisation)
        )

    @staticmethod
    def _only(matches: list[KPI], ambiguous: str, text: str) -> KPI | None:
        if len(matches) > 1:
            codes = " or ".join(sorted((k.code for k in matches), key=_code_order))
            raise _CellProblem(ambiguous.format(text=text, codes=codes))
        return matches[0] if matches else None


_TRAILING_NUMBER = re.compile(r"(\d+)$")
_WHOLE = re.compile(r"\d+(?:\.0*)?")


def _whole_number(cell: Any) -> int | None:
    """``1``, ``1.0``, ``"1.00"`` → 1; anything else (``1.5``, ``PI1``) → None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    if isinstance(cell, str) and _WHOLE.fullmatch(cell.strip()):
        return int(Decimal(cell.strip()))
    return None


def _folded_title(text: str) -> str:
    return " ".join(text.split()).casefold()


def _code_order(code: str) -> tuple:
    match = _TRAILING_NUMBER.search(code)
    return (code[: match.start()] if match else code, int(match[1]) if match else 0)


def _unreadable_rows(table) -> list[RowError]:
    """The rows of a file that could not be read at all (``_Table.unreadable``)."""
    return [RowError(row, message, column) for row, message, column in table.unreadable]


def _sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: e.row)


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
