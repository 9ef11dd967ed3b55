"""Reads for national benchmarking: neighbours, benchmark rows, measure pages."""

from dataclasses import dataclass, field
from decimal import Decimal

from kpis.models import Organisation
from national import benchmarking
from national.models import GeographicLevel, Measure, MeasureValue, Neighbour, NeighbourModel


def neighbour_model_latest() -> NeighbourModel | None:
    return NeighbourModel.objects.order_by("-imported_at", "-pk").first()


def statistical_neighbours(*, la_code: str, model: str | None = None) -> list[str]:
    """The old LA codes of ``la_code``'s neighbours, nearest first.

    ``model`` names a neighbour model; None means the most recently imported.
    An LA the model does not list, or no model at all, gives [].
    """
    neighbours = Neighbour.objects.filter(la_code=la_code)
    if model is None:
        latest = neighbour_model_latest()
        if latest is None:
            return []
        neighbours = neighbours.filter(model=latest)
    else:
        neighbours = neighbours.filter(model__name=model)
    return list(neighbours.order_by("position").values_list("neighbour_code", flat=True))


@dataclass(frozen=True)
class BenchmarkRow:
    """One year of a measure for one LA, the `benchmark` command's row."""

    year: str  # the time_period as published, e.g. "2025" or "201819"
    sort_year: int
    value: Decimal | None
    suppression: str  # the LA's own suppression code, when value is None
    england: Decimal | None
    region: Decimal | None
    region_name: str
    statistical_neighbours: Decimal | None
    neighbours_with_value: int
    rank: int | None
    of: int
    quartile: str | None

    def as_dict(self) -> dict:
        return {column: getattr(self, column) for column in BENCHMARK_COLUMNS}


BENCHMARK_COLUMNS = (
    "year",
    "value",
    "england",
    "region",
    "statistical_neighbours",
    "neighbours_with_value",
    "rank",
    "of",
    "quartile",
)


def split_codes(codes: str) -> list[str]:
    """A shared service's row carries both LAs' codes: "940 / 941"."""
    return [code.strip() for code in codes.split("/") if code.strip()]


@dataclass
class _Year:
    time_period: str
    sort_year: int
    england: Decimal | None = None
    regions: dict[str, tuple[Decimal | None, str]] = field(default_factory=dict)
    # Each LA row once: (value, old codes, new codes, region code, suppression)
    local_authorities: list[tuple] = field(default_factory=list)


def _years(measure: Measure) -> list[_Year]:
    years: dict[str, _Year] = {}
    values = MeasureValue.objects.filter(measure=measure).values_list(
        "time_period",
        "year",
        "geographic_level",
        "area_code",
        "area_name",
        "old_la_code",
        "region_code",
        "value",
        "suppression",
    )
    for period, sort_year, level, area, name, old, region, value, suppression in values:
        year = years.get(period)
        if year is None:
            year = years[period] = _Year(time_period=period, sort_year=sort_year)
        if level == GeographicLevel.NATIONAL:
            year.england = value
        elif level == GeographicLevel.REGIONAL:
            year.regions[area] = (value, name)
        else:
            year.local_authorities.append(
                (value, split_codes(old), split_codes(area), region, suppression)
            )
    return sorted(years.values(), key=lambda y: (y.sort_year, y.time_period))


def benchmark_rows(
    *, organisation: Organisation, measure: Measure, neighbours_model: str | None = None
) -> list[BenchmarkRow]:
    """The organisation's LA against England, its region, its statistical
    neighbours and every LA, one row per published year, oldest first.

    The LA is found by its old or new LA code; its region is the region code
    on its rows (that year's, else any year's). The SN average is the simple
    mean of the neighbours (``neighbours_model``, else the latest model) that
    have a number that year; rank and quartile are among every LA with one.
    """
    old_code, new_code = organisation.old_la_code, organisation.new_la_code
    neighbour_codes = set(
        statistical_neighbours(la_code=old_code, model=neighbours_model) if old_code else []
    )
    years = _years(measure)

    def is_own(old: list[str], new: list[str]) -> bool:
        return bool((old_code and old_code in old) or (new_code and new_code in new))

    home_region = next(
        (
            la[3]
            for year in reversed(years)
            for la in year.local_authorities
            if is_own(la[1], la[2]) and la[3]
        ),
        "",
    )
    rows = []
    for year in years:
        own = next((la for la in year.local_authorities if is_own(la[1], la[2])), None)
        value = own[0] if own else None
        region_code = (own[3] if own and own[3] else "") or home_region
        region_value, region_name = year.regions.get(region_code, (None, ""))
        numbers = [la[0] for la in year.local_authorities if la[0] is not None]
        neighbour_values = [
            la[0]
            for la in year.local_authorities
            if la[0] is not None and neighbour_codes.intersection(la[1])
        ]
        polarity = measure.polarity
        rows.append(
            BenchmarkRow(
                year=year.time_period,
                sort_year=year.sort_year,
                value=value,
                suppression=own[4] if own else "",
                england=year.england,
                region=region_value,
                region_name=region_name,
                statistical_neighbours=benchmarking.mean(neighbour_values),
                neighbours_with_value=len(neighbour_values),
                rank=benchmarking.rank(value, numbers, polarity) if value is not None else None,
                of=len(numbers),
                quartile=(
                    benchmarking.quartile_band(value, numbers, polarity)
                    if value is not None
                    else None
                ),
            )
        )
    return rows
