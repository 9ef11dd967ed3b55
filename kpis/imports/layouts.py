"""Which layout a table is in — long (kpi, period, value …), wide (kpi, then
one column per month) or targets — from its heading row."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from kpis.imports.cells import (
    _CellProblem,
    _ExcelError,
    _heading,
    _heading_label,
    _is_blank,
    _period_cell,
    _PeriodOutOfRange,
)
from kpis.imports.files import ImportFileError, _Table
from kpis.imports.mapping import KPI, Mapping, detect
from kpis.imports.messages import (
    DATA_WITHOUT_HEADING,
    DUPLICATE_COLUMN,
    DUPLICATE_MONTH_COLUMN,
    FIRST_SHEET_ONLY,
    HEADINGS_LATER,
    MISSING_COLUMNS,
    MONTH_COLUMN_OUT_OF_RANGE,
    NOT_A_MONTH_COLUMN,
    OTHER_SEPARATOR,
    UNKNOWN_COLUMN,
    UNKNOWN_LAYOUT,
)
from kpis.periods import format_period

LONG_COLUMNS = ("kpi", "period", "value", "commentary", "numerator", "denominator", "title")
TARGET_COLUMNS = ("kpi", "valid_from", "target", "lower", "upper", "title")


# --- Layouts -----------------------------------------------------------------


@dataclass
class _Layout:
    wide: bool
    columns: dict[str, int]  # heading → index (long layout, targets)
    months: list[tuple[int, dt.date]] = field(default_factory=list)  # wide layout
    mapping: Mapping | None = None  # a trust's own sheet, headings found below row 1


class MappingError(ImportFileError):
    """A trust's own sheet whose columns cannot all be placed: ``mapping``
    says what was found, so the preview can offer to correct it."""

    def __init__(self, mapping: Mapping):
        super().__init__(" ".join(mapping.problems))
        self.mapping = mapping


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


def _readings_layout(table: _Table, chosen: list[dict] | None = None) -> _Layout:
    """The long or wide layout when row 1 names its columns; else a trust's
    own sheet whose heading row :func:`kpis.imports.mapping.detect` finds,
    read with the roles ``chosen`` for its columns, if any."""
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
        mapping = detect([(1, table.header), *table.rows], chosen=chosen)
        if mapping is None:
            raise _unknown_layout(table)
        if mapping.problems:
            raise MappingError(mapping)
        index = mapping.index(KPI)
        return _Layout(wide=True, columns={"kpi": index}, months=mapping.months, mapping=mapping)
    columns = _check_headings(table, None)
    months: list[tuple[int, dt.date]] = []
    seen: dict[dt.date, int] = {}
    for index, cell in enumerate(table.header[1:], start=1):
        heading = _heading(cell)
        if not heading or heading == "title":
            continue
        try:
            period = _period_cell(cell)
        except _PeriodOutOfRange as problem:
            raise ImportFileError(
                MONTH_COLUMN_OUT_OF_RANGE.format(
                    column=get_column_letter(index + 1), reason=problem
                )
            ) from None
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


def _cell(cells: list, index: int | None) -> Any:
    return cells[index] if index is not None and index < len(cells) else None


def _is_stray_header(cells: list, kpi_index: int) -> bool:
    cell = _cell(cells, kpi_index)
    return isinstance(cell, str) and cell.strip().casefold() == "kpi"
