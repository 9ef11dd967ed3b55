"""Comparators offered by a trust's own sheet (its statistical neighbour,
England and region averages), sorted into new, changed and unchanged, and
saved with history when the officer opts in — with the readings, in the same
transaction, or not at all."""

from simple_history.utils import bulk_create_with_history

from kpis.imports import saving
from kpis.imports.rows import ComparatorRow, ImportResult
from kpis.models import KPI, Comparator, Organisation

_SOURCE_LENGTH = 300


def comparator_source(*, title: str, name: str) -> str:
    """Where a comparator came from: the sheet's title rows and the file,
    e.g. "… Monthly Performance Statistics, Jan-19 (appendix.xlsx)"."""
    return (f"{title} ({name})" if title else name)[:_SOURCE_LENGTH]


def _classify_comparators(
    offered: list[tuple[ComparatorRow, KPI]],
    organisation: Organisation,
    result: ImportResult,
    *,
    source: str,
) -> tuple[list[Comparator], list[Comparator]]:
    """Fill the result's comparator lists; return the Comparators to create and update."""
    if not offered:
        return [], []
    years = {row.year for row, _ in offered}
    existing = {
        (c.kpi_id, c.kind, c.year): c
        for c in Comparator.objects.filter(kpi__organisation=organisation, year__in=years)
    }
    to_create: list[Comparator] = []
    to_update: list[Comparator] = []
    for row, kpi in offered:
        comparator = existing.get((kpi.pk, row.kind, row.year))
        if comparator is None:
            result.comparators_new.append(row)
            to_create.append(
                Comparator(
                    kpi=kpi, kind=row.kind, year=row.year, value=row.value, label=row.label,
                    source=source,
                )
            )  # fmt: skip
        elif comparator.value == row.value and comparator.label == row.label:
            result.comparators_unchanged.append(row)
        else:
            result.comparators_changed.append((row, comparator.value))
            comparator.value, comparator.label, comparator.source = row.value, row.label, source
            to_update.append(comparator)
    return to_create, to_update


def _comparators_save(
    to_create: list[Comparator], to_update: list[Comparator], *, user, reason: str
) -> None:
    bulk_create_with_history(
        to_create, Comparator, batch_size=500, default_user=user, default_change_reason=reason
    )
    saving.bulk_update_with_history(
        to_update, ["value", "label", "source"], user=user, reason=reason
    )
