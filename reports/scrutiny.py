"""Reads for the scrutiny pack: what members take into a committee meeting
(seed 000 is Birmingham's for October 2018). One call, ``scrutiny_pack``,
puts together the dashboard's table (``kpis.selectors.status_table``, the
same rows the dashboard shows), each off-track KPI's trend with the Ofsted
findings linked to it and their open actions, and the questions for members
(``kpis.questions`` through ``member_questions``).
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from inspections.selectors import ActionRow, inspection_events, kpi_findings
from kpis import charts, rating
from kpis.models import Organisation
from kpis.periods import label_period
from kpis.selectors import (
    ReturnMonth,
    StatusRow,
    StatusTable,
    member_questions,
    not_held_reason,
    return_month,
    status_table,
    trend_span,
    trend_to,
)

# Off track: the target missed (Red outside tolerance, Amber within it), or
# no reading though the return is due (Missing). Green, no target and
# awaiting are not.
OFF_TRACK = (rating.RED, rating.AMBER, rating.MISSING)

NO_READINGS = "The app holds no readings for {organisation} that you can see."
NONE_OFF_TRACK = "No KPI is off track (Red, Amber or Missing) for {month}."
NO_QUESTIONS = "The month's figures raise none of the questions the app asks."
NO_FINDINGS = "No Ofsted finding is linked to {code}."


@dataclass(frozen=True)
class OffTrack:
    """An off-track KPI: its row, its months up to the pack's month (rated,
    for the chart), the inspections near them, and its linked findings each
    with its open actions."""

    row: StatusRow
    frame: pd.DataFrame = field(compare=False, repr=False)
    events: list = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)  # (Finding, [ActionRow])

    @property
    def open_actions(self) -> list[ActionRow]:
        return [row for _, rows in self.findings for row in rows]


@dataclass
class ScrutinyPack:
    organisation: Organisation
    period: dt.date | None
    table: StatusTable
    return_month: ReturnMonth | None
    off_track: list[OffTrack]
    questions: list
    not_held: str = ""

    @property
    def month(self) -> str:
        return label_period(self.period) if self.period else ""

    @property
    def rows(self) -> list[StatusRow]:
        return self.table.rows

    @property
    def counts(self) -> dict[str, int]:
        return self.table.counts()

    @property
    def off_track_note(self) -> str:
        if self.off_track:
            return ""
        return self.not_held or NONE_OFF_TRACK.format(month=self.month)

    @property
    def questions_note(self) -> str:
        return "" if self.questions else self.not_held or NO_QUESTIONS


def scrutiny_pack(
    *,
    organisation: Organisation,
    period: dt.date | None,
    drafts: bool = False,
    today: dt.date | None = None,
) -> ScrutinyPack:
    """The pack for ``period`` (default: the latest month with readings the
    reader sees; ``drafts`` as ``status_table``)."""
    today = today or timezone.localdate()
    table = status_table(organisation=organisation, period=period, today=today, drafts=drafts)
    if table.period is None:
        return ScrutinyPack(
            organisation=organisation, period=None, table=table, return_month=None,
            off_track=[], questions=[],
        )  # fmt: skip
    month = return_month(organisation=organisation, period=table.period, today=today)
    # A month the app does not hold has no KPI figures: its KPIs are not
    # Missing, so nothing is off track and nothing is asked of it.
    not_held = not_held_reason(organisation=organisation, period=table.period) or ""
    if not_held:
        return ScrutinyPack(
            organisation=organisation, period=table.period, table=table, return_month=month,
            off_track=[], questions=[], not_held=not_held,
        )  # fmt: skip
    off_track = []
    for row in table.rows:
        if row.status not in OFF_TRACK:
            continue
        frame = trend_to(kpi=row.kpi, period=table.period, drafts=drafts, today=today)
        off_track.append(
            OffTrack(
                row=row,
                frame=frame,
                events=inspection_events(
                    organisation=organisation, kpi=row.kpi, near=trend_span(frame)
                ),
                findings=kpi_findings(kpi=row.kpi, today=today),
            )
        )
    return ScrutinyPack(
        organisation=organisation,
        period=table.period,
        table=table,
        return_month=month,
        off_track=off_track,
        # The dashboard's questions for the month, asked as the dashboard asks them.
        questions=member_questions(table=table, return_state=month, today=today),
    )


def off_track_charts(pack: ScrutinyPack) -> list[tuple[OffTrack, dict | None]]:
    """Each off-track KPI with its trend chart (kpis.charts) up to the pack's
    month: a dict of the ``json_script`` id and the figure; None without a
    month to draw."""
    shown = []
    for item in pack.off_track:
        chart = None
        if not item.frame.empty:
            figure = charts.trend_figure(
                item.frame, unit=item.row.kpi.unit, polarity=item.row.kpi.polarity,
                events=item.events,
            )  # fmt: skip
            chart = {"id": f"pack-figure-{item.row.kpi.code}", "figure": charts.figure_json(figure)}
        shown.append((item, chart))
    return shown
