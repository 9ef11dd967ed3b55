"""Readings: parse a table in the long or wide layout, sort its rows into
new, changed and unchanged, and save them with history in one transaction."""

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kpis import plausibility
from kpis.imports import saving
from kpis.imports.cells import (
    _CellProblem,
    _commentary_cell,
    _is_blank,
    _parse_part,
    _period_cell,
    _value_from_parts,
    parse_value,
)
from kpis.imports.comparators import _classify_comparators, _comparators_save, comparator_source
from kpis.imports.files import ImportFileError, _read_table, _Table
from kpis.imports.layouts import MappingError, _cell, _is_stray_header, _Layout, _readings_layout
from kpis.imports.mapping import KPI as MAPPED_KPI
from kpis.imports.mapping import READ_ROLES, Mapping, SkippedRow, is_footnote, means_no_comparator
from kpis.imports.mapping import TITLE as MAPPED_TITLE
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
from kpis.imports.remembered import remembered_choices
from kpis.imports.rows import (
    ComparatorRow,
    ImportResult,
    PreviousReading,
    ReadingRow,
    RowError,
    UnusualRow,
    _KPIs,
    _sorted_errors,
    _unreadable_rows,
    unusual_key,
)
from kpis.imports.saving import _change_reason, _import_lock, _validate
from kpis.models import KPI, MonthlyReturn, Organisation, Reading, ReturnState, Source
from kpis.periods import format_period, month_start
from kpis.services import held_span_extend
from kpis.status_cache import status_version_bump

# Above this many rows the commands print progress.
LONG_FILE_ROWS = 1_000


# --- Readings ----------------------------------------------------------------


@dataclass
class _ParsedReadings:
    rows: list[tuple[ReadingRow, KPI]]
    errors: list[RowError]
    has_commentary: bool
    has_parts: bool
    mapping: Mapping | None = None
    skipped: list[SkippedRow] = field(default_factory=list)
    comparators: list[tuple[ComparatorRow, KPI]] = field(default_factory=list)


def _layout(table: _Table, organisation: Organisation, chosen: list[dict] | None) -> _Layout:
    """The table's layout. A trust's own sheet is read with the roles
    ``chosen`` in the preview or, failing those, the roles remembered for the
    organisation's sheets with the same headings, or else as found."""
    try:
        layout = _readings_layout(table, chosen)
    except MappingError as error:
        if chosen is not None:
            raise
        layout, found = None, error.mapping
    else:
        found = layout.mapping
    if found is None or chosen is not None:
        return layout
    stored = remembered_choices(organisation=organisation, signature=found.signature)
    if stored is None:
        if layout is None:
            raise MappingError(found)
        return layout
    try:
        layout = _readings_layout(table, stored)
    except MappingError as error:
        error.mapping.remembered = True
        raise
    layout.mapping.remembered = True
    return layout


def _parse_readings(
    table: _Table,
    organisation: Organisation,
    today: dt.date,
    chosen: list[dict] | None = None,
    on_row: Callable[[int], None] = lambda number: None,
) -> _ParsedReadings:
    layout = _layout(table, organisation, chosen)
    kpis = _KPIs(organisation)
    current = month_start(today)
    if layout.mapping is not None:
        return _parse_mapped(table, layout.mapping, kpis, current, on_row)
    rows: list[tuple[ReadingRow, KPI]] = []
    errors: list[RowError] = _unreadable_rows(table)
    first_row: dict[tuple[int, dt.date], int] = {}  # long layout: (KPI, month) → row
    kpi_row: dict[int, int] = {}  # wide layout: KPI → row
    kpi_index = layout.columns["kpi"]
    ignored = {layout.columns.get("title")}

    for number, cells in table.rows:
        on_row(number)
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
                    _future(period, current)
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


def _future(period: dt.date, current: dt.date) -> None:
    """The one check of a month to come, for every layout: the current month
    is accepted, the next refused."""
    if period > current:
        raise _CellProblem(
            FUTURE_PERIOD.format(period=format_period(period), current=format_period(current))
        )


def _parse_mapped(
    table: _Table,
    mapping: Mapping,
    kpis: _KPIs,
    current: dt.date,
    on_row: Callable[[int], None] = lambda number: None,
) -> _ParsedReadings:
    """A trust's own sheet: each row below the headings is a KPI, by code,
    number or title, with a reading in each month column that is not blank,
    and comparators in the comparator columns. Titles above the headings,
    sub-headings and notes under the table are skipped, and listed."""
    rows: list[tuple[ReadingRow, KPI]] = []
    comparators: list[tuple[ComparatorRow, KPI]] = []
    errors: list[RowError] = _unreadable_rows(table)
    skipped = list(mapping.skipped)
    passed = {s.row for s in skipped}
    kpi_index, title_index = mapping.index(MAPPED_KPI), mapping.index(MAPPED_TITLE)
    read = {c.index for c in mapping.columns if c.role in READ_ROLES}
    kpi_row: dict[int, int] = {}
    year = mapping.year
    for number, cells in table.rows:
        on_row(number)
        if number <= mapping.heading_row or number in passed:
            continue
        if all(_is_blank(c) for i, c in enumerate(cells) if i in read):
            continue
        if is_footnote(cells) and not kpis.has_code(_cell(cells, kpi_index)):
            skipped.append(SkippedRow(number, "a note under the table"))
            continue
        try:
            kpi = kpis.identify(_cell(cells, kpi_index), _cell(cells, title_index))
        except _CellProblem as problem:
            errors.append(RowError(number, str(problem), mapping_column(table, mapping, kpi_index)))
            continue
        if (first := kpi_row.get(kpi.pk)) is not None:
            errors.append(RowError(number, DUPLICATE_KPI_ROW.format(code=kpi.code, first=first)))
            continue
        kpi_row[kpi.pk] = number
        for index, period in mapping.months:
            cell = _cell(cells, index)
            if _is_blank(cell):
                continue  # no reading for that month
            column = mapping_column(table, mapping, index)
            try:
                _future(period, current)
                value = parse_value(cell, kpi)
            except _CellProblem as problem:
                errors.append(RowError(number, str(problem), column))
                continue
            rows.append(
                (ReadingRow(number, kpi.code, period, value, None, None, None, column), kpi)
            )
        for comparator in mapping.comparators:
            cell = _cell(cells, comparator.index)
            if means_no_comparator(cell):
                continue
            column = mapping_column(table, mapping, comparator.index)
            try:
                value = parse_value(cell, kpi)
            except _CellProblem as problem:
                errors.append(RowError(number, str(problem), column))
                continue
            offered = ComparatorRow(
                number, kpi.code, comparator.kind, comparator.label, year, value, column
            )
            comparators.append((offered, kpi))
    skipped.sort(key=lambda s: s.row)
    return _ParsedReadings(
        rows=rows,
        errors=errors,
        has_commentary=False,
        has_parts=False,
        mapping=mapping,
        skipped=skipped,
        comparators=comparators,
    )


def mapping_column(table: _Table, mapping: Mapping, index: int) -> str:
    """``I (Jan-18)``: the letter and the heading as the sheet shows it."""
    return table.column(index, mapping.columns[index].heading)


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
    if period is not None:
        attempt("period", lambda _: _future(period, current))
    commentary = attempt("commentary", _commentary_cell) if "commentary" in columns else None
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
    data: bytes | None = None,
    table: _Table | None = None,
    user=None,
    dry_run: bool = False,
    source: str = Source.UPLOAD,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    chosen: list[dict] | None = None,
    save_comparators: bool = False,
    accept_unusual: bool | Collection[str] = False,
    on_row: Callable[[int], None] = lambda number: None,
) -> ImportResult:
    """Read a CSV or XLSX file of readings and, if every row is good and
    this is not a dry run, save it in one transaction, with history.

    Raises ImportFileError when the file as a whole cannot be read (a
    MappingError, with the mapping found, when a trust's own sheet has
    columns that cannot be placed); row problems come back in
    ``result.errors`` (and then nothing is saved). ``progress``, if given, is
    told what is happening on long files. A trust's own sheet is read with
    the column roles ``chosen`` (see :mod:`kpis.imports.mapping`), else those
    remembered for its headings; the comparators it offers are saved too
    when ``save_comparators``. ``table``, a file's table read before
    (``files.read_table``, as an upload keeps it), is used instead of ``data``.
    ``on_row(number)`` is called as each row is checked (the upload's progress).
    """
    if table is None:
        table = _read_table(name, data)
    long_file = len(table.rows) > LONG_FILE_ROWS and progress is not None
    if long_file:
        progress(f"Reading {len(table.rows):,} rows…")
    parsed = _parse_readings(table, organisation, today or timezone.localdate(), chosen, on_row)
    if not parsed.rows and not parsed.errors and not parsed.comparators:
        raise ImportFileError(NO_ROWS)
    result = ImportResult(
        errors=list(parsed.errors), dry_run=dry_run, mapping=parsed.mapping, skipped=parsed.skipped
    )
    source_text = comparator_source(title=parsed.mapping.title, name=name) if parsed.mapping else ""
    if parsed.errors or dry_run:
        _classify_readings(parsed, organisation, result, lock=False)
        _classify_comparators(parsed.comparators, organisation, result, source=source_text)
        result.errors = _sorted_errors(result.errors)
        _check_plausibility(parsed, result, accept_unusual)
        return result

    with transaction.atomic():
        _import_lock(organisation)
        to_create, to_update, touched = _classify_readings(parsed, organisation, result, lock=True)
        _check_plausibility(parsed, result, accept_unusual)
        if result.unconfirmed:
            return result
        new_comparators, changed_comparators = _classify_comparators(
            parsed.comparators, organisation, result, source=source_text
        )
        now = timezone.now()
        for reading in (*to_create, *to_update):
            reading.source = source
            reading.entered_by = user
            reading.entered_at = now
        _validate(to_create, result.new, result, ["kpi", "entered_by"])
        _validate(to_update, [row for row, _ in result.changed], result, ["kpi", "entered_by"])
        if save_comparators:
            changed_rows = [row for row, _ in result.comparators_changed]
            _validate(new_comparators, result.comparators_new, result, ["kpi"])
            _validate(changed_comparators, changed_rows, result, ["kpi"])
        if result.errors:
            result.errors = _sorted_errors(result.errors)
            return result
        if long_file:
            progress(f"Saving {len(to_create) + len(to_update):,} readings…")
        reason = _change_reason(name)
        _returns_touch(organisation=organisation, months=touched, user=user, reason=reason)
        held_span_extend(organisation=organisation, periods=touched)
        bulk_create_with_history(
            to_create, Reading, batch_size=500, default_user=user, default_change_reason=reason
        )
        saving.bulk_update_with_history(to_update, _READING_FIELDS, user=user, reason=reason)
        if save_comparators:
            _comparators_save(new_comparators, changed_comparators, user=user, reason=reason)
            result.comparators_saved = True
        # Bulk writes send no signals: the cached ratings move on here, in
        # the import's transaction.
        status_version_bump(organisation_id=organisation.pk)
        result.saved = True
    return result


def _check_plausibility(
    parsed: _ParsedReadings, result: ImportResult, accept_unusual: bool | Collection[str]
) -> None:
    """List the new and changed readings unusual for their KPI, against its
    readings of every other month as they would be after the import."""
    checked = [(row, None) for row in result.new] + [
        (row, previous.value) for row, previous in result.changed
    ]
    if not checked:
        return
    kpis = {kpi.code: kpi for _, kpi in parsed.rows}
    months: dict[int, dict[dt.date, Any]] = {kpi.pk: {} for kpi in kpis.values()}
    stored = Reading.objects.filter(kpi__in=list(months)).values_list("kpi_id", "period", "value")
    for kpi_id, period, value in stored:
        months[kpi_id][period] = value
    for row, kpi in parsed.rows:
        months[kpi.pk][row.period] = row.value
    # Each KPI's months as integers once; each row's history leaves out its month.
    ordered = {
        pk: [(p, plausibility.as_units(v)) for p, v in sorted(values.items())]
        for pk, values in months.items()
    }
    for row, saved in sorted(checked, key=lambda pair: (pair[0].row, pair[0].period)):
        kpi = kpis[row.kpi_code]
        units = [u for p, u in ordered[kpi.pk] if p != row.period]
        found = plausibility.unusual_units(kpi=kpi, value=row.value, units=units, saved=saved)
        if found is not None:
            accepted = accept_unusual is True or (
                not isinstance(accept_unusual, bool) and unusual_key(row) in accept_unusual
            )
            result.unusual.append(UnusualRow(row=row, unusual=found, accepted=accepted))


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
