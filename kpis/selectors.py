"""Reads: what the pages, exports and commands need, built in one place.

Each function decides its own queries once (a fixed number, whatever the
number of KPIs or months) and hands the rows to ``kpis.rating``.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, FilteredRelation, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from inspections.selectors import findings_by_kpi, overdue_red_actions_by_kpi
from kpis import questions, rating, spc
from kpis.formatting import plain
from kpis.models import (
    KPI,
    PUBLICATION,
    PUBLISHED_STATES,
    Comparator,
    ComparatorKind,
    MonthlyReturn,
    Organisation,
    Reading,
    ReportedCompliance,
    ReturnState,
    Target,
    reading_published,
)
from kpis.periods import add_months, due_date, from_month_index, month_start, past_due

_READING_COLUMNS = ["kpi", "period", "value"]
_TARGET_COLUMNS = ["kpi", "valid_from", "target", "lower", "upper", "agreed"]


@dataclass(frozen=True)
class StatusRow:
    kpi: KPI
    period: dt.date
    value: Decimal | None
    target: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    status: str
    direction: str | None
    direction_3m: str | None
    met_12m: int
    rated_12m: int
    months_off_target: int
    months_worsening: int = 0
    # The readings behind ``months_worsening``, oldest first, as (month,
    # value): from the month before the run began to ``period`` (empty when
    # ``period`` did not worsen). Filled by ``status_table``.
    worsening: tuple = ()
    # SPC icons (kpis.spc): None below 15 readings, without a target, or
    # (assurance) for a "within" KPI.
    variation: str | None = None
    assurance: str | None = None
    # Against the statistical neighbours' average, read with polarity.
    comparison: "questions.Comparison | None" = None
    # The SPC analysis behind the icons (the readings up to ``period``) and
    # the month of the latest of those readings, for pages that show more of
    # it (the Schedule 6 report) without working it out again.
    spc: "spc.Analysis | None" = field(default=None, compare=False, repr=False)
    latest_reading: dt.date | None = None
    # The row in force says "Target not yet agreed" (``Target.agreed`` False):
    # rated as no target, and said so rather than left blank.
    target_not_agreed: bool = False

    @property
    def comparison_sentence(self) -> str:
        return self.comparison.sentence(self.kpi.unit) if self.comparison else ""

    @property
    def met_or_within_12m(self) -> str:
        return rating.met_or_within_label(self.met_12m, self.rated_12m)


@dataclass
class StatusTable:
    organisation: Organisation
    period: dt.date | None
    rows: list[StatusRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return status_counts(row.status for row in self.rows)


def status_counts(statuses) -> dict[str, int]:
    """Red / amber / green / other, as the home page shows them."""
    counts = {rating.RED: 0, rating.AMBER: 0, rating.GREEN: 0, "other": 0}
    for status in statuses:
        counts[status if status in counts else "other"] += 1
    return counts


def _frames(kpis: list[KPI], readings, targets) -> tuple[pd.DataFrame, ...]:
    # Typed even when empty (an organisation with no KPIs yet), so that
    # rating.build_series merges it with the empty grid it makes.
    kpi_frame = pd.DataFrame(
        {
            "kpi": np.array([k.pk for k in kpis], dtype="int64"),
            "polarity": [k.polarity for k in kpis],
        },
        columns=["kpi", "polarity"],
    )
    reading_frame = pd.DataFrame.from_records(list(readings), columns=_READING_COLUMNS)
    target_frame = pd.DataFrame.from_records(list(targets), columns=_TARGET_COLUMNS)
    return kpi_frame, reading_frame, target_frame


def _rated(kpis: list[KPI], readings, targets, *, until, today) -> pd.DataFrame:
    kpi_frame, reading_frame, target_frame = _frames(kpis, readings, targets)
    series = rating.build_series(
        kpis=kpi_frame, readings=reading_frame, targets=target_frame, until=until
    )
    return rating.rate_series(series, today=today or timezone.localdate())


def _none_if_nan(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _row(kpi: KPI, record: dict, **extra) -> StatusRow:
    return StatusRow(
        kpi=kpi,
        period=from_month_index(record["month"]),
        value=_none_if_nan(record["value"]),
        target=_none_if_nan(record["target"]),
        lower=_none_if_nan(record["lower"]),
        upper=_none_if_nan(record["upper"]),
        status=record["status"],
        direction=record["direction"],
        direction_3m=record["direction_3m"],
        met_12m=record["met_12m"],
        rated_12m=record["rated_12m"],
        months_off_target=record["months_off_target"],
        months_worsening=record["months_worsening"],
        target_not_agreed=_not_agreed(record.get("agreed")),
        **extra,
    )


_ROW_COLUMNS = (
    "kpi", "month", "value", "target", "lower", "upper", "status", "direction", "direction_3m",
    "met_12m", "rated_12m", "months_off_target", "months_worsening", "agreed",
)  # fmt: skip


def _records(frame: pd.DataFrame, positions: np.ndarray) -> list[dict]:
    """The rows of a rated frame at ``positions`` as dicts of Python values,
    column by column (much cheaper than ``DataFrame.to_dict`` per row)."""
    columns = {c: frame[c].to_numpy()[positions].tolist() for c in _ROW_COLUMNS if c in frame}
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def _not_agreed(agreed) -> bool:
    """Only an explicit "not yet agreed" row: a month before any target has NaN."""
    return agreed is not None and not pd.isna(agreed) and not bool(agreed)


def readings(*, drafts: bool, **scope):
    """The readings a reader sees: every reading held with ``drafts`` (the
    trust's officers and commissioners, ``access.sees_drafts``; commands),
    else only the months whose return is published (scrutiny members).
    Every selector that reads readings for a page goes through here."""
    found = Reading.objects.filter(**scope)
    return found if drafts else found.published()


def latest_period(organisation: Organisation, *, drafts: bool = False) -> dt.date | None:
    """The latest month with any reading for the organisation that the reader sees."""
    return readings(drafts=drafts, kpi__organisation=organisation).aggregate(latest=Max("period"))[
        "latest"
    ]


def available_periods(
    organisation: Organisation, *, drafts: bool = False, today: dt.date | None = None
) -> list:
    """Months a user can pick, newest first: first reading to this month, or
    to the end of the organisation's held span if that comes first."""
    bounds = readings(drafts=drafts, kpi__organisation=organisation).aggregate(
        first=Min("period"), last=Max("period")
    )
    if bounds["first"] is None:
        return []
    last = max(bounds["last"], _last_held_month(organisation, today))
    periods, period = [], last
    while period >= bounds["first"]:
        periods.append(period)
        period = add_months(period, -1)
    return periods


def status_table(
    *,
    organisation: Organisation,
    period: dt.date | None = None,
    today: dt.date | None = None,
    only: KPI | None = None,
    trend: pd.DataFrame | None = None,
    drafts: bool = False,
    comparators: list[Comparator] | None = None,
) -> StatusTable:
    """One row per KPI for ``period`` (default: latest month with data).

    ``drafts``: rate every reading held (the trust's staff, commands), not
    only the published months (scrutiny members; see ``readings``).

    With ``only``, the one row of that KPI, worked out from its own readings
    (each KPI's row depends on nothing else): what a KPI's page needs. If
    the page has the KPI's ``trend_frame`` already and it ends at ``period``,
    it is the same rated series, so it is used rather than built again;
    likewise ``comparators``, the KPI's own (``comparators``), if it has them.
    """
    scope = {"kpi": only} if only else {"kpi__organisation": organisation}
    fetched = None
    if period is None and not only:
        # The latest month with data is the latest of the readings to rate:
        # read them once, not a query for the month as well.
        fetched = list(readings(drafts=drafts, **scope).values_list(*_reading_fields()))
        period = max((reading[1] for reading in fetched), default=None)
    elif period is None:
        period = latest_period(organisation, drafts=drafts)
    kpis = [only] if only else list(organisation.kpis.all())
    if period is None or not kpis:
        return StatusTable(organisation=organisation, period=period)
    if (
        only
        and trend is not None
        and len(trend)
        and trend["period"].iloc[-1] == pd.Timestamp(period)
    ):
        frame = trend
    else:
        frame = _rated(
            kpis,
            readings(drafts=drafts, **scope).values_list(*_reading_fields())
            if fetched is None
            else fetched,
            Target.objects.filter(**scope).values_list(*_target_fields()),
            until=period,
            today=today,
        )
    at_period = np.flatnonzero(frame["month"].to_numpy() == rating.month_index([period])[0])
    by_kpi = {record["kpi"]: record for record in _records(frame, at_period)}
    benchmarks = _neighbour_benchmarks(
        organisation=organisation,
        period=period,
        only=only,
        comparators=comparators if only else None,
    )
    by_kpi_units = _readings_by_kpi(frame)
    runs = _worsening_runs(frame, at_period)
    rows = []
    for kpi in kpis:
        record = by_kpi[kpi.pk]
        year, neighbours = benchmarks.get(kpi.pk, (None, None))
        units, latest = by_kpi_units.get(kpi.pk, (_NO_UNITS, None))
        analysis = spc.analyse_units(units, digits=rating.SCALE_DIGITS)
        value = _none_if_nan(record["value"])
        rows.append(
            _row(
                kpi,
                record,
                **spc_icons(analysis, kpi, _none_if_nan(record["target"])),
                latest_reading=latest,
                worsening=runs.get(kpi.pk, ()),
                comparison=questions.compare(
                    value, neighbours, kpi.polarity, f"statistical neighbours ({year})"
                ) if year else None,
            )
        )  # fmt: skip
    return StatusTable(organisation=organisation, period=period, rows=rows)


def _worsening_runs(frame: pd.DataFrame, at_period: np.ndarray) -> dict[int, tuple]:
    """KPI id → the (month, value) readings of its worsening run ending at
    the month shown, oldest first; only KPIs that worsened that month
    (``at_period``: the positions of the month's rows).

    A run of n months spans n + 1 consecutive rows of the KPI, each with a
    reading (a month without one has no direction), so they are the n rows
    before the month's row in the frame, which is sorted by KPI and month.
    """
    lengths = frame["months_worsening"].to_numpy()
    kpis, months, values = frame["kpi"].to_numpy(), frame["month"].to_numpy(), frame["value"]
    runs = {}
    for position in at_period[lengths[at_period] > 0].tolist():
        start = position - int(lengths[position])
        runs[int(kpis[position])] = tuple(
            (from_month_index(int(months[i])), values.iat[i]) for i in range(start, position + 1)
        )
    return runs


def spc_months(frame: pd.DataFrame) -> list[dt.date]:
    """The months of one KPI's readings in a rated frame, in date order:
    the x axis of its SPC chart (months without a reading are left out)."""
    return [rating.as_date(p) for p in frame["period"][frame["value_units"].notna()]]


def spc_analysis(frame: pd.DataFrame) -> spc.Analysis:
    """The SPC analysis of one KPI's rated frame: its readings in date order,
    taken as the rating engine's exact integer ten-thousandths, so no Decimal
    is made per reading (months without a reading are left out)."""
    units = frame["value_units"].to_numpy()
    return spc.analyse_units(units[~np.isnan(units)], digits=rating.SCALE_DIGITS)


_NO_UNITS = np.zeros(0)


def _readings_by_kpi(frame: pd.DataFrame) -> dict[int, tuple[np.ndarray, dt.date]]:
    """KPI id → (its readings as exact ten-thousandths in date order, the
    month of the latest), read from a rated frame's arrays in one pass: the
    frame is sorted by KPI and month, so each KPI is one slice."""
    units = frame["value_units"].to_numpy()
    has = ~np.isnan(units)
    kpis, units, months = frame["kpi"].to_numpy()[has], units[has], frame["month"].to_numpy()[has]
    if not len(kpis):
        return {}
    starts = np.flatnonzero(np.r_[True, kpis[1:] != kpis[:-1]])
    ends = [*starts[1:], len(kpis)]
    return {
        int(kpis[start]): (units[start:end], from_month_index(int(months[end - 1])))
        for start, end in zip(starts, ends, strict=True)
    }


def spc_icons(analysis: spc.Analysis, kpi: KPI, target: Decimal | None) -> dict:
    """Variation and assurance of one KPI's readings (see kpis.spc), and the
    analysis behind them."""
    return {
        "variation": spc.variation(analysis, kpi.polarity),
        "assurance": spc.assurance(analysis, kpi.polarity, target),
        "spc": analysis,
    }


def trend_frame(
    *,
    kpi: KPI,
    drafts: bool = False,
    today: dt.date | None = None,
    targets: list[Target] | None = None,
) -> pd.DataFrame:
    """Every month of one KPI, first reading to latest, rated (``drafts``:
    as ``status_table``; ``targets``: the KPI's, if the page has them)."""
    frame = _rated(
        [kpi],
        readings(drafts=drafts, kpi=kpi).values_list(*_reading_fields()),
        kpi.targets.values_list(*_target_fields())
        if targets is None
        else [tuple(getattr(t, f) for f in _target_fields()) for t in targets],
        until=None,
        today=today,
    )
    return frame


def trend_to(
    *, kpi: KPI, period: dt.date, drafts: bool, today: dt.date | None = None
) -> pd.DataFrame:
    """``trend_frame`` up to a month: what a report's or pack's charts draw
    of a KPI, on the page and in the Word document."""
    frame = trend_frame(kpi=kpi, drafts=drafts, today=today)
    return frame[frame["period"] <= pd.Timestamp(period)]


def trend_span(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last month of a trend frame (None when empty)."""
    if frame.empty:
        return None
    return rating.as_date(frame["period"].iloc[0]), rating.as_date(frame["period"].iloc[-1])


def trend_rows(*, kpi: KPI, frame: pd.DataFrame) -> list[StatusRow]:
    """The rated months of ``trend_frame`` as rows, newest first."""
    return [_row(kpi, record) for record in reversed(_records(frame, np.arange(len(frame))))]


def comparators(*, kpi: KPI) -> list[Comparator]:
    return list(kpi.comparators.all())


@dataclass
class KpiTrend:
    """What a KPI's page works out from the KPI's readings, targets and
    comparators and the organisation's returns: all of it data whose every
    write moves the status cache's version on, so
    ``status_cache.kpi_trend`` keeps it whole. (Inspections, findings and
    actions are not: the page reads those fresh.)"""

    frame: pd.DataFrame  # trend_frame
    targets: list[Target]
    comparators: list[Comparator]
    analysis: spc.Analysis  # of every reading, for the SPC view
    rows: list[StatusRow]  # trend_rows: newest first
    # The KPI's row of the organisation's latest month, and that month's
    # return: what its questions are asked of.
    table: StatusTable
    return_state: "ReturnMonth | None"
    publications: dict  # publication_by_month
    drafts: bool  # worked out with drafts (``readings``)
    # The status cache's versions of the data it was read under (set by
    # ``status_cache.kpi_trend``; None when worked out directly).
    versions: dict | None = None


def kpi_trend(*, kpi: KPI, drafts: bool = False, today: dt.date | None = None) -> KpiTrend:
    """Everything ``KpiTrend`` holds, worked out (eight queries)."""
    targets = list(kpi.targets.all())
    found = comparators(kpi=kpi)
    frame = trend_frame(kpi=kpi, drafts=drafts, targets=targets, today=today)
    table = status_table(
        organisation=kpi.organisation, only=kpi, trend=frame, drafts=drafts,
        comparators=found, today=today,
    )  # fmt: skip
    return KpiTrend(
        frame=frame,
        targets=targets,
        comparators=found,
        analysis=spc_analysis(frame),
        rows=trend_rows(kpi=kpi, frame=frame),
        table=table,
        return_state=None
        if table.period is None
        else return_month(organisation=kpi.organisation, period=table.period, today=today),
        publications=publication_by_month(organisation=kpi.organisation),
        drafts=drafts,
    )


def organisation_summaries(
    *, drafts_of: set[int] = frozenset(), today: dt.date | None = None, organisations=None
) -> list[dict]:
    """Each organisation (or each of ``organisations``) with its RAG counts
    for its latest month with data.

    Five queries however many organisations: only the latest month's
    readings are fetched, and each is rated against the target in force.
    ``drafts_of``: the organisations whose drafts the reader sees
    (``access.draft_organisations``); the others show published months only.
    Pages read it through ``status_cache.organisation_summaries``.
    """
    if organisations is None:
        organisations, scope = list(Organisation.objects.all()), {}
    else:
        organisations = list(organisations)
        scope = {"kpi__organisation__in": [o.pk for o in organisations]}
    seen = Reading.objects.filter(Q(kpi__organisation__in=drafts_of) | reading_published(), **scope)
    # Each KPI's latest month by one probe of the (kpi, period) index, rather
    # than a scan of every reading (720,000 at national scale) to group by
    # organisation; the organisation's latest month is the latest of these.
    kpis = list(
        KPI.objects.filter(**{k.removeprefix("kpi__"): v for k, v in scope.items()}).annotate(
            latest_reading=Subquery(
                seen.filter(kpi=OuterRef("pk")).order_by("-period").values("period")[:1]
            )
        )
    )
    latest = {}
    for kpi in kpis:
        if kpi.latest_reading and kpi.latest_reading > latest.get(kpi.organisation_id, dt.date.min):
            latest[kpi.organisation_id] = kpi.latest_reading
    readings_by_org, targets_by_org = defaultdict(list), defaultdict(list)
    for organisation_id, *reading in seen.filter(
        period__in=set(latest.values()) or [dt.date.min]
    ).values_list("kpi__organisation", *_reading_fields()):
        if reading[1] == latest[organisation_id]:
            readings_by_org[organisation_id].append(reading)
    for organisation_id, *target in Target.objects.filter(**scope).values_list(
        "kpi__organisation", *_target_fields()
    ):
        targets_by_org[organisation_id].append(target)

    kpis_by_org = defaultdict(list)
    for kpi in kpis:
        kpis_by_org[kpi.organisation_id].append(kpi)
    # Organisations whose latest month is the same are rated in one call (at
    # national scale, nearly all of them): each KPI's rating depends only on
    # its own readings and targets, and pandas' cost is mostly per call.
    by_period = defaultdict(list)
    for organisation_id, period in latest.items():
        if kpis_by_org[organisation_id]:
            by_period[period].append(organisation_id)
    status_by_kpi = {}
    for period, organisation_ids in by_period.items():
        frame = _rated(
            [kpi for pk in organisation_ids for kpi in kpis_by_org[pk]],
            [reading for pk in organisation_ids for reading in readings_by_org[pk]],
            [target for pk in organisation_ids for target in targets_by_org[pk]],
            until=period,
            today=today,
        )
        at_period = frame[frame["period"] == pd.Timestamp(period)]
        status_by_kpi.update(zip(at_period["kpi"], at_period["status"], strict=True))

    publication = _publication_marks(
        MonthlyReturn.objects.filter(
            period__in=set(latest.values()) or [dt.date.min],
            **{k.removeprefix("kpi__"): v for k, v in scope.items()},
        )
    )
    summaries = []
    for organisation in organisations:
        own_kpis = kpis_by_org[organisation.pk]
        period = latest.get(organisation.pk)
        summaries.append(
            {
                "organisation": organisation,
                "period": period,
                # As publication_by_month, for the one month shown.
                "publications": {period: publication.get((organisation.pk, period))},
                "kpi_count": len(own_kpis),
                "counts": status_counts(
                    status_by_kpi[kpi.pk] for kpi in own_kpis if kpi.pk in status_by_kpi
                ),
            }
        )
    return summaries


def _reading_fields() -> tuple[str, ...]:
    return ("kpi_id", "period", "value")


def _target_fields() -> tuple[str, ...]:
    return ("kpi_id", "valid_from", "value", "lower", "upper", "agreed")


def filter_rows(rows: list[StatusRow], *, service_area: str = "", status: str = "") -> list:
    if service_area:
        rows = [row for row in rows if row.kpi.service_area == service_area]
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


# Sort keys for the dashboard's columns. Statuses sort worst first.
_STATUS_ORDER = {
    s: i
    for i, s in enumerate(
        [rating.RED, rating.MISSING, rating.AMBER, rating.GREEN, rating.AWAITING, rating.NO_TARGET]
    )
}
SORT_KEYS = {
    "order": lambda row: row.kpi.order,
    "code": lambda row: row.kpi.order,
    "title": lambda row: row.kpi.title.lower(),
    "area": lambda row: row.kpi.service_area.lower(),
    "status": lambda row: _STATUS_ORDER[row.status],
    "met": lambda row: (row.met_12m / row.rated_12m) if row.rated_12m else 2.0,
    "off": lambda row: row.months_off_target,
}


# Each sort in words, first as SORT_KEYS orders it, then reversed ("-key"):
# the dashboard's "Sort by" where its column headers are out of sight.
SORT_LABELS = {
    "code": ("KPI, in contract order", "KPI, in reverse order"),
    "title": ("Indicator, A to Z", "Indicator, Z to A"),
    "area": ("Service area, A to Z", "Service area, Z to A"),
    "status": ("Status, Red first", "Status, Red last"),
    "met": ("Met or within, lowest first", "Met or within, highest first"),
    "off": ("Months off target, fewest first", "Months off target, most first"),
}


def sort_rows(rows: list[StatusRow], sort: str) -> list[StatusRow]:
    """Sort by a column name; a leading ``-`` reverses. Unknown keys keep order."""
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return rows
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-"))


# --- Monthly returns ----------------------------------------------------------


@dataclass(frozen=True)
class ReturnMonth:
    period: dt.date
    due: dt.date
    monthly_return: object  # MonthlyReturn or None
    readings: int
    kpis: int
    late: bool
    overdue: bool
    held: bool = True

    @property
    def state(self) -> str:
        return self.monthly_return.state if self.monthly_return else "none"

    @property
    def state_label(self) -> str:
        """The state in words: the return's, or why there is none."""
        if self.monthly_return:
            return self.monthly_return.get_state_display()
        return "Not started" if self.held else "Not held"


# The returns list's filter: each state's label and which months it keeps.
# Overdue cuts across: an overdue month is also Not started or Draft.
RETURN_FILTERS = {
    "not_started": ("Not started", lambda m: m.monthly_return is None and m.held),
    ReturnState.DRAFT: ("Draft", lambda m: m.state == ReturnState.DRAFT),
    ReturnState.SUBMITTED: ("Submitted", lambda m: m.state == ReturnState.SUBMITTED),
    ReturnState.ACCEPTED: ("Accepted", lambda m: m.state == ReturnState.ACCEPTED),
    "overdue": ("Overdue", lambda m: m.overdue),
    "not_held": ("Not held", lambda m: m.monthly_return is None and not m.held),
}


def filter_returns(months: list[ReturnMonth], *, state: str = "", periods=()) -> list[ReturnMonth]:
    """The months in ``state`` (a ``RETURN_FILTERS`` key; blank: every
    month), and among ``periods`` when given."""
    if periods:
        wanted = set(periods)
        months = [month for month in months if month.period in wanted]
    if not state:
        return months
    keep = RETURN_FILTERS[state][1]
    return [month for month in months if keep(month)]


def returns_overview(
    *, organisation: Organisation, today: dt.date | None = None
) -> list[ReturnMonth]:
    """Each month from the first reading (or return) to this month, newest first:
    its return's state, due date, and whether it was late or is overdue."""
    today = today or timezone.localdate()
    returns = {r.period: r for r in organisation.returns.all()}
    counts = dict(
        Reading.objects.filter(kpi__organisation=organisation)
        .values_list("period")
        .annotate(n=Count("pk"))
    )
    starts = [*returns, *counts]
    if not starts:
        return []
    kpi_count = organisation.kpis.count()
    months = []
    period = max(_last_held_month(organisation, today), *starts)
    first = min(starts)
    while period >= first:
        months.append(
            _return_month(
                period,
                returns.get(period),
                counts.get(period, 0),
                kpi_count,
                today,
                held=organisation.holds(period),
            )  # fmt: skip
        )
        period = add_months(period, -1)
    return months


NOT_HELD = "{organisation} has returns in the app for {span} only: {month} is not held."


def held_span_label(organisation: Organisation) -> str:
    """The held span in words, e.g. "Jan 2018 to Dec 2018" (or "Oct 2018": one month)."""
    start = f"{organisation.held_from:%b %Y}" if organisation.held_from else "the first return"
    end = f"{organisation.held_until:%b %Y}" if organisation.held_until else "now"
    return start if start == end else f"{start} to {end}"


def not_held_reason(*, organisation: Organisation, period: dt.date) -> str | None:
    """Why a month has nothing to show, when the app does not hold it and has
    no reading for it; None for a month that is held or has readings."""
    if organisation.holds(period) or _has_readings(organisation, period):
        return None
    return NOT_HELD.format(
        organisation=organisation.name,
        span=held_span_label(organisation),
        month=f"{period:%B %Y}",
    )


def has_return_page(
    *, organisation: Organisation, period: dt.date, extends: bool, today: dt.date | None = None
) -> bool:
    """Whether the month has a return page: a month of the held span up to
    this month, or one with a return or readings already. With ``extends``
    (the trust's officers and commissioners), also a month after a closed
    span, up to this month: their first save extends the span to it. Never
    a month to come, nor one before the span with nothing in it."""
    this_month = month_start(today or timezone.localdate())
    if period > this_month:
        return False
    if organisation.holds(period):
        return True
    if extends and organisation.held_until and period > organisation.held_until:
        return True
    return organisation.returns.filter(period=period).exists() or _has_readings(
        organisation, period
    )


def _has_readings(organisation: Organisation, period: dt.date) -> bool:
    """Whether any of the organisation's KPIs has a reading for the month
    (drafts included: a month someone has written to is not "not held")."""
    return Reading.objects.filter(kpi__organisation=organisation, period=period).exists()


def month_after_span(*, organisation: Organisation, today: dt.date | None = None) -> dt.date | None:
    """The month after a closed held span, if it has ended: the return the
    trust's officers can start next (saving it extends the span)."""
    if organisation.held_until is None:
        return None
    following = add_months(organisation.held_until, 1)
    return following if following <= month_start(today or timezone.localdate()) else None


def _last_held_month(organisation: Organisation, today: dt.date | None) -> dt.date:
    """This month, or the last month of a held span that has ended."""
    this_month = month_start(today or timezone.localdate())
    if organisation.held_until:
        return min(organisation.held_until, this_month)
    return this_month


def return_month(*, organisation: Organisation, period: dt.date, today=None) -> ReturnMonth:
    """One month's return state, lateness and readings count (two queries)."""
    # Each KPI with its reading of the month, if any (one at most: the
    # unique constraint), joined on the month: the KPIs and the readings in
    # one count.
    counts = organisation.kpis.annotate(
        month=FilteredRelation("readings", condition=Q(readings__period=period))
    ).aggregate(kpis=Count("pk"), readings=Count("month"))
    return _return_month(
        period,
        organisation.returns.filter(period=period).first(),
        counts["readings"],
        counts["kpis"],
        today or timezone.localdate(),
        held=organisation.holds(period),
    )


def _return_month(period, monthly_return, readings, kpis, today, *, held: bool) -> ReturnMonth:
    due = due_date(period)
    submitted = monthly_return.submitted_at if monthly_return else None
    return ReturnMonth(
        period=period,
        due=due,
        monthly_return=monthly_return,
        readings=readings,
        kpis=kpis,
        held=held,
        late=bool(submitted and past_due(period, today=timezone.localdate(submitted))),
        # A month the app does not hold is never overdue: nobody owes it.
        overdue=held
        and past_due(period, today=today)
        and (monthly_return is None or monthly_return.state == ReturnState.DRAFT),
    )


def publication_by_month(*, organisation: Organisation) -> dict[dt.date, str]:
    """Month → how its figures stand (``MonthlyReturn.publication``): the
    marks beside months in a table. One query."""
    return {period: mark for (_, period), mark in _publication_marks(organisation.returns).items()}


def _publication_marks(returns) -> dict[tuple[int, dt.date], str]:
    """(organisation id, month) → ``MonthlyReturn.publication`` for ``returns``."""
    # The state alone, not a model per return (``MonthlyReturn.publication``'s rule).
    return {
        (organisation_id, period): PUBLICATION[state]
        for organisation_id, period, state in returns.values_list(
            "organisation_id", "period", "state"
        )
    }


def monthly_return(*, organisation: Organisation, period: dt.date) -> MonthlyReturn:
    """The month's return, or an unsaved draft when nobody has started it.

    Reading a return never creates one: the row is made by the first save
    (``services.monthly_return_get_or_create``).
    """
    found = organisation.returns.filter(period=period).first()
    return found or MonthlyReturn(organisation=organisation, period=period)


def return_entries(*, organisation: Organisation, period: dt.date, drafts: bool) -> list[dict]:
    """Each KPI with its reading and the target in force for the return form
    (without ``drafts``, a month not yet published shows no reading)."""
    table = status_table(organisation=organisation, period=period, drafts=drafts)
    found = {
        r.kpi_id: r for r in readings(drafts=drafts, kpi__organisation=organisation, period=period)
    }
    return [{"row": row, "reading": found.get(row.kpi.pk)} for row in table.rows]


def reading_histories(*, kpis, period: dt.date) -> dict[int, list[Decimal]]:
    """Each KPI's readings of every month but ``period``, in date order, by
    KPI id: the history ``plausibility.unusual`` reads (drafts included:
    they are the trust's own figures)."""
    histories: dict[int, list[Decimal]] = {kpi.pk: [] for kpi in kpis}
    found = (
        Reading.objects.filter(kpi__in=list(histories))
        .exclude(period=period)
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "value")
    )
    for kpi_id, value in found:
        histories[kpi_id].append(value)
    return histories


@dataclass(frozen=True)
class UploadLine:
    """A new or changed row of an upload's preview as the return form would
    show it: its KPI, the target in force, the status it would get, and
    whether it is Red with no commentary (the return could not be submitted)."""

    row: object  # imports.rows.ReadingRow
    previous: object  # imports.rows.PreviousReading, or None for a new row
    kpi: KPI
    target: Target | None
    status: str
    red_without_commentary: bool
    unusual: object = None  # imports.rows.UnusualRow

    @property
    def status_label(self) -> str:
        return rating.STATUS_LABELS[self.status]


@dataclass
class UploadCheck:
    """An upload's check as the worker kept it (``services.upload_check``):
    the dry run's result or why the file cannot be read, the mapping of a
    trust's own sheet, the ticks given and, after a refused save, why."""

    result: Any
    file_error: str
    mapping: Any
    accepted: frozenset
    notice: str


def upload_check(upload) -> UploadCheck | None:
    """The kept check of an upload, read back; None until it has one."""
    from kpis.imports.stored import from_json

    kept = upload.checked
    if upload.saved_at is not None or not kept:
        return None
    return UploadCheck(
        result=from_json(kept["result"]),
        file_error=kept["file_error"],
        mapping=from_json(kept["mapping"]),
        accepted=frozenset(kept["accepted"]),
        notice=kept["notice"],
    )


def upload_lines(*, organisation: Organisation, rows, unusual=()) -> list[UploadLine]:
    """Each (row, previous reading or None) of an upload's preview, rated
    by the one rating rule against the target in force in its month. The
    commentary is the row's or, where the file has none, the one kept."""
    rows = list(rows)
    if not rows:
        return []
    kpis = {kpi.code: kpi for kpi in organisation.kpis.all()}
    targets = defaultdict(list)
    for target in Target.objects.filter(kpi__organisation=organisation).order_by("valid_from"):
        targets[target.kpi_id].append(target)
    in_force = []
    for row, _ in rows:
        kpi = kpis[row.kpi_code]
        month_end = add_months(row.period, 1)
        found = [t for t in targets[kpi.pk] if t.valid_from < month_end]
        in_force.append((kpi, found[-1] if found else None))
    frame = pd.DataFrame(
        {
            "value": [row.value for row, _ in rows],
            "target": [t.value if t else None for _, t in in_force],
            "lower": [t.lower if t else None for _, t in in_force],
            "upper": [t.upper if t else None for _, t in in_force],
            "polarity": [kpi.polarity for kpi, _ in in_force],
        }
    )
    statuses = rating.rate(frame).tolist()
    questioned = {(u.row.row, u.row.period): u for u in unusual}
    lines = []
    for (row, previous), (kpi, target), status in zip(rows, in_force, statuses, strict=True):
        commentary = row.commentary if row.commentary is not None else (
            previous.commentary if previous else ""
        )  # fmt: skip
        lines.append(
            UploadLine(
                row=row,
                previous=previous,
                kpi=kpi,
                target=target,
                status=status,
                red_without_commentary=status == rating.RED and not commentary.strip(),
                unusual=questioned.get((row.row, row.period)),
            )  # fmt: skip
        )
    return lines


def review_queue(*, organisations) -> list[MonthlyReturn]:
    """Returns submitted and awaiting review in ``organisations`` (a
    queryset, ``access.commissioned_organisations``), oldest submission first."""
    return list(
        MonthlyReturn.objects.filter(organisation__in=organisations, state=ReturnState.SUBMITTED)
        .select_related("organisation", "submitted_by")
        .order_by("submitted_at", "period", "organisation__name")
    )


def target_in_force(*, kpi: KPI, period: dt.date) -> Target | None:
    return kpi.targets.filter(valid_from__lt=add_months(period, 1)).order_by("valid_from").last()


def targets_in_force(*, organisation: Organisation, period: dt.date) -> dict[int, Target]:
    """Each KPI's target in force in the month (the latest ``valid_from`` not
    after it, a "not yet agreed" row included), by KPI id."""
    found = {}
    for target in Target.objects.filter(
        kpi__organisation=organisation, valid_from__lt=add_months(period, 1)
    ).order_by("valid_from"):
        found[target.kpi_id] = target
    return found


def targets_for_year(*, organisation: Organisation, year: int) -> dict[int, Target]:
    """Targets valid from 1 April ``year``, by KPI id."""
    return {
        t.kpi_id: t
        for t in Target.objects.filter(
            kpi__organisation=organisation, valid_from=dt.date(year, 4, 1)
        )
    }


@dataclass(frozen=True)
class Change:
    when: dt.datetime
    who: str
    what: str
    change: str
    before: str
    after: str
    why: str


_CHANGE_KIND = {"+": "created", "~": "changed", "-": "deleted"}


def kpi_changes(*, kpi: KPI, drafts: bool = False) -> list[Change]:
    """Every recorded change to the KPI's readings and targets, newest first
    (without ``drafts``, the readings of published months only)."""
    changes = []
    published = MonthlyReturn.objects.filter(
        organisation_id=kpi.organisation_id, state__in=PUBLISHED_STATES
    ).values("period")
    for model, label, fields in (
        (Reading.history.model, "Reading", ("value", "numerator", "denominator", "commentary")),
        (Target.history.model, "Target", ("value", "lower", "upper", "agreed")),
    ):
        scope = {} if drafts or label == "Target" else {"period__in": published}
        records = list(
            model.objects.filter(kpi_id=kpi.pk, **scope)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_by_id = {}
        for record in records:
            before = previous_by_id.get(record.id)
            moved = [
                f for f in fields if before is None or getattr(before, f) != getattr(record, f)
            ] if record.history_type != "-" else list(fields[:1])  # fmt: skip
            when = record.period if label == "Reading" else record.valid_from
            changes.append(
                Change(
                    when=record.history_date,
                    who=(
                        record.history_user.get_full_name() or record.history_user.username
                        if record.history_user
                        else "system"
                    ),
                    what=f"{label} {when:%b %Y}"
                    if label == "Reading"
                    else f"Target from {when:%d %b %Y}",
                    change=_CHANGE_KIND[record.history_type],
                    before="; ".join(f"{f} {_shown(getattr(before, f))}" for f in moved)
                    if before is not None
                    else "",
                    after="; ".join(f"{f} {_shown(getattr(record, f))}" for f in moved)
                    if record.history_type != "-"
                    else "",
                    why=record.history_change_reason or "",
                )
            )
            previous_by_id[record.id] = record
    return sorted(changes, key=lambda c: c.when, reverse=True)


def _shown(value) -> str:
    if isinstance(value, bool):  # Target.agreed
        return "yes" if value else "no (target not yet agreed)"
    if isinstance(value, Decimal):
        return plain(value)
    return f"“{value}”" if isinstance(value, str) else ("—" if value is None else str(value))


# --- Comparators and questions ---------------------------------------------------


def _neighbour_benchmarks(
    *,
    organisation: Organisation,
    period: dt.date,
    only: KPI | None = None,
    comparators: list[Comparator] | None = None,
) -> dict[int, tuple[int, Decimal]]:
    """KPI id → (year, value) of its statistical-neighbour comparator of the
    latest year not after the month shown (``only``: of that one KPI, for
    its page, from its ``comparators`` if the page has them)."""
    if comparators is None:
        scope = {"kpi": only} if only else {"kpi__organisation": organisation}
        rows = Comparator.objects.filter(**scope).values_list("kpi_id", "kind", "year", "value")
    else:
        rows = [(c.kpi_id, c.kind, c.year, c.value) for c in comparators]
    found = {}
    for kpi_id, kind, year, value in sorted(rows, key=lambda row: row[2]):
        if kind == ComparatorKind.STATISTICAL_NEIGHBOURS and year <= period.year:
            found[kpi_id] = (year, value)
    return found


def member_questions(
    *,
    table: StatusTable,
    return_state=None,
    today: dt.date | None = None,
    findings: dict | None = None,
    targets: list[Target] | None = None,
) -> list[questions.Question]:
    """The questions the month's data warrants (see kpis.questions).

    ``targets``: every target of the table's KPIs, when the page has them
    (one query fewer).

    ``findings``: KPI id → its linked Ofsted findings, when the page has them.
    Otherwise they are read, in one query, only if a KPI worsened this month
    (the one rule that needs them), so a month where nothing worsened costs
    no query more than before.
    """
    if table.period is None:
        return []
    if findings is None:
        worsened = [row.kpi.pk for row in table.rows if row.months_worsening]
        findings = findings_by_kpi(kpi_ids=worsened) if worsened else {}
    year_before = add_months(table.period, -12)
    if targets is None:
        in_force = Target.objects.filter(kpi__organisation=table.organisation).values_list(
            "kpi_id", "valid_from", "value"
        )
    else:
        in_force = [(t.kpi_id, t.valid_from, t.value) for t in targets]
    earlier = {}
    for kpi_id, valid_from, value in sorted(in_force, key=lambda t: t[1]):
        if valid_from <= year_before:
            earlier[kpi_id] = value
    return questions.questions(
        rows=table.rows,
        targets_year_before=earlier,
        overdue_red_actions=overdue_red_actions_by_kpi(
            organisation=table.organisation, today=today or timezone.localdate()
        ),
        # The page's own copy when it has one (two queries fewer).
        return_month=return_state
        if return_state is not None
        else return_month(organisation=table.organisation, period=table.period, today=today),
        findings=findings,
    )


def kpi_questions(
    *, kpi: KPI, trend: KpiTrend | None = None, findings: list | None = None, drafts: bool = False
) -> list[questions.Question]:
    """The questions of the organisation's latest month that concern this KPI
    (``trend``: the KPI's ``kpi_trend`` with the same ``drafts``, if the
    page has it; ``findings``: the findings linked to it, likewise)."""
    trend = trend or kpi_trend(kpi=kpi, drafts=drafts)
    linked = None if findings is None else {kpi.pk: findings}
    asked = member_questions(
        table=trend.table, return_state=trend.return_state, findings=linked, targets=trend.targets
    )
    return [q for q in asked if q.code == kpi.code]


# A month of the compliance table outside the organisation's held span, with
# no reading: not a rating (never Missing, never counted), so not in rating.py.
NOT_HELD_MONTH = "not_held"

# The annual report's window: "last 12 months".
REPORTED_MONTHS = 12


@dataclass(frozen=True)
class ComplianceRow:
    kpi: KPI
    # One per month of the year: its status; NOT_HELD_MONTH outside the held
    # span; None before the KPI's first reading.
    statuses: list
    met: int
    rated: int
    # The months of the year the app holds a reading for.
    read: tuple = ()
    # The trust's own count for the 12 months to the year's March, if held.
    reported: ReportedCompliance | None = None

    @property
    def label(self) -> str:
        return rating.met_or_within_percent(self.met, self.rated)

    @property
    def reported_label(self) -> str:
        if self.reported is None:
            return ""
        return rating.met_or_within_percent(self.reported.met, self.reported.out_of)

    @property
    def difference(self) -> str:
        """Why the app's count is not the report's, in words; blank without a report."""
        if self.reported is None:
            return ""
        if (self.met, self.rated) == (self.reported.met, self.reported.out_of):
            return "The two counts agree."
        held = len(self.read)
        if held == REPORTED_MONTHS:
            return (
                f"The app holds readings for all {REPORTED_MONTHS} months yet counts "
                f"{rating.met_or_within_label(self.met, self.rated)}: compare its readings "
                "and targets with the trust's."
            )
        which = "none" if not held else str(held)
        months = f" ({', '.join(f'{m:%b %Y}' for m in self.read)})" if 0 < held <= 3 else ""
        return (
            f"The app holds readings for {which} of the {REPORTED_MONTHS} months{months}; "
            f"the report counts {self.reported.out_of}."
        )


@dataclass(frozen=True)
class ComplianceTable:
    months: list[dt.date]
    rows: list[ComplianceRow]

    @property
    def any_not_held(self) -> bool:
        return any(NOT_HELD_MONTH in row.statuses for row in self.rows)

    @property
    def reported_sources(self) -> list[str]:
        """Each document the reported counts come from, once, in KPI order."""
        return list(dict.fromkeys(r.reported.source for r in self.rows if r.reported))


def compliance_table(
    *, organisation: Organisation, year: int, drafts: bool = False, today: dt.date | None = None
) -> ComplianceTable:
    """Each KPI's status in every month of the contract year starting 1 April
    ``year`` (up to this month), its months met or within out of rated, and
    beside it the trust's own count for those 12 months where a report gives one.

    A month outside the organisation's held span without a reading is not
    held: shown so, and never counted. The met-or-within rule is
    ``rating.rate_series``'s ``met`` and ``rated`` flags, summed here.
    """
    today = today or timezone.localdate()
    first = dt.date(year, 4, 1)
    last = min(dt.date(year + 1, 3, 1), month_start(today))
    if last < first:
        return ComplianceTable(months=[], rows=[])
    months = []
    period = first
    while period <= last:
        months.append(period)
        period = add_months(period, 1)
    kpis = list(organisation.kpis.all())
    frame = _rated(
        kpis,
        readings(drafts=drafts, kpi__organisation=organisation).values_list(*_reading_fields()),
        Target.objects.filter(kpi__organisation=organisation).values_list(*_target_fields()),
        until=last,
        today=today,
    )
    frame = frame[frame["period"] >= pd.Timestamp(first)]
    reported = {
        r.kpi_id: r
        for r in ReportedCompliance.objects.filter(
            kpi__organisation=organisation, until=dt.date(year + 1, 3, 1)
        )
    }
    held_months = {month: organisation.holds(month) for month in months}
    groups = dict(list(frame.groupby("kpi")))
    rows = []
    for kpi in kpis:
        group = groups.get(kpi.pk)
        statuses, read, met, rated = {}, (), 0, 0
        if group is not None:
            periods = [rating.as_date(p) for p in group["period"]]
            has_reading = group["value_units"].notna().to_numpy()
            held = np.array([held_months[p] for p in periods]) | has_reading
            kept = group[held]
            statuses = dict(zip(map(rating.as_date, kept["period"]), kept["status"], strict=True))
            read = tuple(p for p, r in zip(periods, has_reading, strict=True) if r)
            met, rated = int(kept["met"].sum()), int(kept["rated"].sum())
        rows.append(
            ComplianceRow(
                kpi=kpi,
                statuses=[
                    statuses[m] if m in statuses else (None if held_months[m] else NOT_HELD_MONTH)
                    for m in months
                ],
                met=met,
                rated=rated,
                read=read,
                reported=reported.get(kpi.pk),
            )
        )
    return ComplianceTable(months=months, rows=rows)
