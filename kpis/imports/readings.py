"""Readings: parse a table in the long or wide layout, sort its rows into
new, changed and unchanged, and save them with history in one transaction."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kpis.imports import saving
from kpis.imports.cells import (
    _cell_text,
    _CellProblem,
    _is_blank,
    _parse_part,
    _period_cell,
    _value_from_parts,
    parse_value,
)
from kpis.imports.files import ImportFileError, _read_table, _Table
from kpis.imports.layouts import _cell, _is_stray_header, _Layout, _readings_layout
from kpis.imports.messages import (
    DUPLICATE_KPI_ROW,
    DUPLICATE_READING,
    FUTURE_PERIOD,
    NEED_BOTH,
    NO_ROWS,
    RETURN_ACCEPTED,
    RETURN_SUBMITTED,
    STRAY_HEADER,
)
from kpis.imports.rows import (
    ImportResult,
    PreviousReading,
    ReadingRow,
    RowError,
    _KPIs,
    _sorted_errors,
)
from kpis.imports.saving import _change_reason, _import_lock, _validate
from kpis.models import KPI, MonthlyReturn, Organisation, Reading, ReturnState, Source
from kpis.periods import format_period, month_start

# Above this many rows the commands print progress.
LONG_FILE_ROWS = 1_000


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


# What an import writes to a changed reading (unchanged fields are written
# back as they are).
_READING_FIELDS = [
    "value", "numerator", "denominator", "commentary", "source", "entered_by", "entered_at",
]  # fmt: skip


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
        saving.bulk_update_with_history(to_update, _READING_FIELDS, user=user, reason=reason)
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
