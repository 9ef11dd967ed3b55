"""Reads for national benchmarking: neighbours, benchmark rows, measure pages."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from kpis.formatting import with_unit
from kpis.models import Organisation
from national import benchmarking
from national.models import (
    GeographicLevel,
    Measure,
    MeasureValue,
    NationalLoad,
    Neighbour,
    NeighbourModel,
    Suppression,
)


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
    return [code for code, _ in _nearest_first(neighbours)]


def neighbours_in(*, la_code: str, model) -> list[tuple[str, str]]:
    """(old LA code, closeness) of ``la_code``'s neighbours in ``model`` (a
    ``NeighbourModel``), nearest first."""
    return _nearest_first(Neighbour.objects.filter(model=model, la_code=la_code))


def _nearest_first(neighbours) -> list[tuple[str, str]]:
    return list(neighbours.order_by("position").values_list("neighbour_code", "closeness"))


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
    area_name: str = ""  # the LA's name as published that year

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
    if "/" not in codes:  # nearly every row: one LA
        return [codes] if codes else []
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
                (value, split_codes(old), split_codes(area), region, suppression, name)
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
                area_name=own[5] if own else "",
            )
        )
    return rows


# --- The measure page: LAIT's "All LAs" view -----------------------------------


LEVEL_LABELS = dict(GeographicLevel.choices)
SUPPRESSION_LABELS = dict(Suppression.choices)


def measures() -> list[Measure]:
    return list(Measure.objects.order_by("title"))


def period_label(measure: Measure, time_period: str) -> str:
    """Which year a figure is for, as published: ``2025 (as at 30 September)``
    or ``2025 (Reporting year)``."""
    note = measure.year_note or measure.time_identifier
    return f"{time_period} ({note})" if note else time_period


@dataclass(frozen=True)
class MeasureRow:
    area_name: str
    level: str
    old_la_code: str
    area_code: str
    region_name: str
    value: Decimal | None
    suppression: str
    rank: int | None = None
    quartile: str | None = None

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def suppression_label(self) -> str:
        return SUPPRESSION_LABELS.get(self.suppression, "")


@dataclass
class MeasureTable:
    measure: Measure
    time_period: str | None
    periods: list[str]  # every published period, newest first
    england: MeasureRow | None = None
    regions: list[MeasureRow] = field(default_factory=list)
    rows: list[MeasureRow] = field(default_factory=list)  # the LAs
    of: int = 0
    quartiles: tuple[Decimal, Decimal, Decimal] | None = None

    @property
    def time_period_label(self) -> str:
        return period_label(self.measure, self.time_period) if self.time_period else ""

    @property
    def all_rows(self) -> list[MeasureRow]:
        """For the downloads: England, the regions, then every LA."""
        return [*([self.england] if self.england else []), *self.regions, *self.rows]


MEASURE_SORT_KEYS = {
    "area": lambda row: row.area_name.lower(),
    "region": lambda row: (row.region_name.lower(), row.area_name.lower()),
    "value": lambda row: row.value,
    "rank": lambda row: row.rank,
}


# Each sort in words, then reversed ("-key"): the "Sort by" offered where the
# column headers are out of sight (a narrow screen).
MEASURE_SORT_LABELS = {
    "area": ("Local authority, A to Z", "Local authority, Z to A"),
    "region": ("Region, A to Z", "Region, Z to A"),
    "value": ("Value, lowest first", "Value, highest first"),
    "rank": ("Rank, best first", "Rank, worst first"),
}


def sort_measure_rows(rows: list[MeasureRow], sort: str) -> list[MeasureRow]:
    """Sort by a column; a leading ``-`` reverses. A suppressed value (no
    number, no rank) sorts after every number whichever way round."""
    key = sort.lstrip("-")
    if key not in MEASURE_SORT_KEYS:
        return rows
    by = MEASURE_SORT_KEYS[key]
    reverse = sort.startswith("-")
    if key in ("value", "rank"):
        blanks = [row for row in rows if by(row) is None]
        numbers = [row for row in rows if by(row) is not None]
        return sorted(numbers, key=lambda row: (by(row), row.area_name), reverse=reverse) + blanks
    return sorted(rows, key=by, reverse=reverse)


def measure_table(*, measure: Measure, time_period: str | None = None) -> MeasureTable:
    """Every area's value for one published period (default: the latest),
    the LAs ranked and banded as ``benchmark_rows`` does."""
    periods = list(
        MeasureValue.objects.filter(measure=measure)
        .values_list("time_period", "year")
        .distinct()
        .order_by("-year", "-time_period")
    )
    names = [period for period, _ in periods]
    if time_period not in names:
        time_period = names[0] if names else None
    table = MeasureTable(measure=measure, time_period=time_period, periods=names)
    if time_period is None:
        return table
    values = list(
        MeasureValue.objects.filter(measure=measure, time_period=time_period).order_by("area_name")
    )
    regions = {v.area_code: v.area_name for v in values if v.geographic_level == "regional"}
    numbers = [
        v.value for v in values if v.geographic_level == "local_authority" and v.value is not None
    ]
    table.of = len(numbers)
    if numbers:
        table.quartiles = benchmarking.quartiles(numbers)
    for v in values:
        row = MeasureRow(
            area_name=v.area_name,
            level=v.geographic_level,
            old_la_code=v.old_la_code,
            area_code=v.area_code,
            region_name=regions.get(v.region_code, v.region_code),
            value=v.value,
            suppression=v.suppression,
        )
        if v.geographic_level == GeographicLevel.NATIONAL:
            table.england = row
        elif v.geographic_level == GeographicLevel.REGIONAL:
            table.regions.append(row)
        else:
            if v.value is not None:
                row = replace(
                    row,
                    rank=benchmarking.rank(v.value, numbers, measure.polarity),
                    quartile=benchmarking.quartile_band(v.value, numbers, measure.polarity),
                )
            table.rows.append(row)
    return table


# --- KPIs linked to a measure ------------------------------------------------------


@dataclass(frozen=True)
class NationalComparison:
    """A KPI's value for the month shown against England's published figure
    for the latest year not after that month's year, read with polarity."""

    verdict: str  # better / worse / same
    time_period: str
    england: Decimal
    unit: str

    def sentence(self) -> str:
        shown = with_unit(self.england, self.unit)
        if self.verdict == "same":
            return f"Same as England ({self.time_period}: {shown})"
        return f"{self.verdict.capitalize()} than England ({self.time_period}: {shown})"


def national_comparisons(*, rows, period) -> dict[int, NationalComparison]:
    """KPI id → its comparison with England, for the dashboard's rows
    (``StatusRow``s of one month). Only a KPI linked to a measure in the same
    unit, with a reading and a polarity of higher or lower, gets one; a
    measure whose polarity disagrees with the KPI's is not compared. One
    query, none when no KPI is linked."""
    linked = [
        row
        for row in rows
        if row.kpi.national_measure_id and row.value is not None and row.kpi.polarity != "within"
    ]
    if not linked or period is None:
        return {}
    england: dict[int, tuple[int, MeasureValue]] = {}
    for value in (
        MeasureValue.objects.filter(
            measure_id__in={row.kpi.national_measure_id for row in linked},
            geographic_level=GeographicLevel.NATIONAL,
            year__lte=period.year,
            value__isnull=False,
        )
        .select_related("measure")
        .order_by("year", "time_period")
    ):
        england[value.measure_id] = value  # the latest year wins
    found = {}
    for row in linked:
        latest = england.get(row.kpi.national_measure_id)
        if latest is None:
            continue
        measure = latest.measure
        if measure.unit != row.kpi.unit or measure.polarity not in ("", row.kpi.polarity):
            continue
        if row.value == latest.value:
            verdict = "same"
        elif (row.value > latest.value) == (row.kpi.polarity == "higher"):
            verdict = "better"
        else:
            verdict = "worse"
        found[row.kpi.pk] = NationalComparison(
            verdict=verdict, time_period=latest.time_period, england=latest.value, unit=measure.unit
        )
    return found


@dataclass
class NationalPanel:
    """What a KPI's page shows of its linked national measure."""

    measure: Measure
    rows: list[BenchmarkRow]  # oldest first
    la_name: str
    region_name: str
    neighbour_model: str

    @property
    def newest_first(self) -> list[BenchmarkRow]:
        return list(reversed(self.rows))


def kpi_national_panel(*, kpi) -> NationalPanel | None:
    """The KPI's linked measure benchmarked for its organisation's LA, or None
    (no link, or the organisation records no LA code)."""
    measure = kpi.national_measure
    organisation = kpi.organisation
    if measure is None or not (organisation.old_la_code or organisation.new_la_code):
        return None
    model = neighbour_model_latest()
    rows = benchmark_rows(
        organisation=organisation, measure=measure, neighbours_model=model.name if model else None
    )
    la_name = next((row.area_name for row in reversed(rows) if row.area_name), "")
    region_name = next((row.region_name for row in reversed(rows) if row.region_name), "")
    return NationalPanel(
        measure=measure,
        rows=rows,
        la_name=la_name or f"LA {organisation.old_la_code or organisation.new_la_code}",
        region_name=region_name,
        neighbour_model=model.name if model else "",
    )


def national_loads(limit: int = 5) -> list[NationalLoad]:
    """The latest background loads of DfE's files, newest first."""
    return list(NationalLoad.objects.select_related("started_by")[:limit])
