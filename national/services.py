"""Writes for national benchmarking: importing measures and neighbour models.

Each import is all-or-nothing: the file is parsed in full first (national/ees.py,
national/neighbour_files.py); any bad row and nothing is saved. Re-importing a
measure or a model replaces it in one transaction, so a reader never sees it
half replaced.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from national.ees import StatisticsFileError, parse_statistics
from national.models import Measure, MeasureValue, Neighbour, NeighbourModel, Polarity
from national.neighbour_files import NeighbourFileError, parse_neighbours

__all__ = [
    "MeasureImportResult",
    "NeighbourImportResult",
    "NeighbourFileError",
    "StatisticsFileError",
    "measure_import",
    "neighbour_model_import",
]


@dataclass
class MeasureImportResult:
    measure: Measure | None = None
    errors: list = field(default_factory=list)
    saved: int = 0
    replaced: int = 0  # values the measure had before
    skipped: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)


@dataclass
class NeighbourImportResult:
    model: NeighbourModel | None = None
    errors: list = field(default_factory=list)
    local_authorities: int = 0
    replaced: bool = False
    header_row: int = 1


def _default_title(indicator: str, where: dict[str, str]) -> str:
    title = indicator
    if where:
        title += " (" + ", ".join(f"{k}: {v}" for k, v in where.items()) + ")"
    return title


@transaction.atomic
def measure_import(
    *,
    slug: str,
    name: str,
    data: bytes,
    indicator: str,
    where: dict[str, str] | None = None,
    title: str | None = None,
    polarity: str | None = None,
) -> MeasureImportResult:
    """Import ``indicator`` of an EES open-data CSV as the measure ``slug``.

    ``polarity`` None keeps a re-imported measure's polarity (and a new
    measure has none); ``title`` None keeps its title (a new one is named
    after the indicator). Raises StatisticsFileError for an unreadable file;
    returns the row errors (and saves nothing) when any row is bad.
    """
    where = dict(where or {})
    if polarity is not None and polarity not in Polarity.values:
        raise ValueError(f"polarity must be one of {', '.join(Polarity.values)}")
    parsed = parse_statistics(data, indicator=indicator, where=where)
    result = MeasureImportResult(errors=list(parsed.errors), skipped=parsed.skipped)
    if parsed.errors:
        return result
    measure = Measure.objects.select_for_update().filter(slug=slug).first()
    if measure is None:
        measure = Measure(slug=slug, title=title or _default_title(indicator, where))
    elif title:
        measure.title = title
    measure.indicator = indicator
    measure.filters = where
    if polarity is not None:
        measure.polarity = polarity
    measure.source = name
    measure.time_identifier = parsed.time_identifier
    measure.imported_at = timezone.now()
    measure.full_clean()
    measure.save()
    result.replaced, _ = MeasureValue.objects.filter(measure=measure).delete()
    MeasureValue.objects.bulk_create(
        MeasureValue(
            measure=measure,
            time_period=row.time_period,
            year=row.year,
            geographic_level=row.geographic_level,
            area_code=row.area_code,
            old_la_code=row.old_la_code,
            area_name=row.area_name,
            region_code=row.region_code,
            value=row.value,
            suppression=row.suppression,
        )
        for row in parsed.rows
    )
    result.measure = measure
    result.saved = len(parsed.rows)
    for row in parsed.rows:
        result.by_level[row.geographic_level] = result.by_level.get(row.geographic_level, 0) + 1
    result.periods = sorted({row.time_period for row in parsed.rows}, key=lambda p: (len(p), p))
    return result


@transaction.atomic
def neighbour_model_import(*, model: str, name: str, data: bytes) -> NeighbourImportResult:
    """Import DfE's statistical-neighbour groupings as the model ``model``.

    Re-importing a model replaces its groupings (and makes it the latest).
    Raises NeighbourFileError for an unreadable file; returns the row errors
    (and saves nothing) when any row is bad.
    """
    parsed = parse_neighbours(data)
    result = NeighbourImportResult(errors=list(parsed.errors), header_row=parsed.header_row)
    if parsed.errors:
        return result
    existing = NeighbourModel.objects.select_for_update().filter(name=model).first()
    result.replaced = existing is not None
    neighbour_model = existing or NeighbourModel(name=model)
    neighbour_model.source = name
    neighbour_model.imported_at = timezone.now()
    neighbour_model.full_clean()
    neighbour_model.save()
    Neighbour.objects.filter(model=neighbour_model).delete()
    Neighbour.objects.bulk_create(
        Neighbour(
            model=neighbour_model,
            la_code=group.la_code,
            la_name=group.la_name,
            position=position,
            neighbour_code=code,
            closeness=closeness,
        )
        for group in parsed.groups
        for position, (code, closeness) in enumerate(group.neighbours, start=1)
    )
    result.model = neighbour_model
    result.local_authorities = len(parsed.groups)
    return result
