"""Targets: parse a table of kpi, valid_from, target, lower, upper and save
it with history in one transaction."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from kpis.formatting import plain
from kpis.imports import saving
from kpis.imports.cells import _CellProblem, _date_cell, _is_blank, parse_value
from kpis.imports.files import ImportFileError, _read_table, _Table
from kpis.imports.layouts import _cell, _is_stray_header, _targets_layout
from kpis.imports.messages import (
    BAND_ORDER,
    DUPLICATE_TARGET,
    NO_TARGET_ROWS,
    STRAY_HEADER,
)
from kpis.imports.rows import (
    ImportResult,
    PreviousTarget,
    RowError,
    TargetRow,
    _KPIs,
    _sorted_errors,
    _unreadable_rows,
)
from kpis.imports.saving import _change_reason, _import_lock, _validate
from kpis.models import KPI, Organisation, Target
from kpis.status_cache import status_version_bump

# --- Targets -----------------------------------------------------------------


def _parse_targets(
    table: _Table, organisation: Organisation, on_row: Callable[[int], None]
) -> tuple[list[tuple[TargetRow, KPI]], list[RowError]]:
    columns = _targets_layout(table).columns
    kpis = _KPIs(organisation)
    rows: list[tuple[TargetRow, KPI]] = []
    errors: list[RowError] = _unreadable_rows(table)
    first_row: dict[tuple[int, dt.date], int] = {}
    ignored = {columns.get("title")}
    for number, cells in table.rows:
        on_row(number)
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
    data: bytes | None = None,
    table: _Table | None = None,
    user=None,
    dry_run: bool = False,
    on_row: Callable[[int], None] = lambda number: None,
) -> ImportResult:
    """Read a CSV or XLSX file of targets (kpi, valid_from, target, lower,
    upper), or the ``table`` an upload kept of one, and, if every row is good
    and this is not a dry run, save it in one transaction, with history. A
    row for a month marked "not yet agreed" agrees the target. ``on_row(number)``
    is called as each row is checked (the upload's progress)."""
    if table is None:
        table = _read_table(name, data)
    rows, errors = _parse_targets(table, organisation, on_row)
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
            fields = {
                "agreed": True, "value": row.target, "lower": row.lower, "upper": row.upper,
            }  # fmt: skip
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
        saving.bulk_update_with_history(
            to_update, ["agreed", "value", "lower", "upper"], user=user, reason=reason
        )
        # Bulk writes send no signals: the cached ratings move on here.
        status_version_bump(organisation_id=organisation.pk)
        result.saved = True
    return result
