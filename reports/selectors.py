"""The contract's monthly monitoring report (Schedule 6, para 4.2.1–4.2.8).

One call, ``monthly_report``, builds every section for an organisation and a
month from the other apps' selectors, in a fixed number of queries whatever
the number of KPIs, months, actions or inspections. Each section knows its
paragraph number, the schedule's heading, and, where the app holds nothing
for it, the sentence saying so: a section is never left out. What the
Trust records for the report (its summary analysis, its own words for the
sections it has nothing in, audits and surveys) comes from ``schedule6``.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import Truncator

from inspections.models import (
    BRAG,
    Action,
    ActionPlan,
    ActionUpdate,
    Inspection,
    InspectionKind,
    PlanKind,
)
from inspections.rectification import rectification_chart, rectification_frame
from inspections.selectors import action_tracker, inspection_timeline, is_overdue, status_at
from kpis import rating, spc, status_cache
from kpis.formatting import and_list, band, with_unit
from kpis.models import Organisation, Polarity
from kpis.periods import add_months, contract_year, label_period, month_end
from kpis.selectors import (
    ReturnMonth,
    StatusRow,
    StatusTable,
    not_held_reason,
    readings,
    return_month,
    status_table,
    trend_to,
)
from schedule6 import selectors as schedule6
from schedule6.models import FailureRule, SummaryAnalysis, Survey
from schedule6.selectors import AuditSection

# The schedule's headings, paraphrased; the "Service Period" is the month.
HEADINGS = {
    "summary": (
        "4.2.1",
        "Summary analysis of the month's performance, and the actions being taken "
        "to address any issues",
    ),
    "indicators": (
        "4.2.2",
        "Performance against each monthly indicator: the value achieved, its red, "
        "amber or green status, and the Trust's commentary on significant variances",
    ),
    "failures": ("4.2.3", "Performance failures that arose in the month"),
    "action_plans": ("4.2.4", "Status of all action plans, including progress made"),
    "rectification_plans": (
        "4.2.5",
        "Status of all rectification plans, including progress made",
    ),
    "audits": ("4.2.6", "Findings of audits carried out by the Trust (para 4.9)"),
    "surveys": ("4.2.7", "Findings of surveys carried out by the Trust in the month (para 4.15)"),
    "inspections": (
        "4.2.8",
        "Inspection outcomes: Ofsted monitoring visits and inspections, Ofsted action "
        "plans, youth justice, adoption and fostering inspections, and any Direction "
        "from the Secretary of State",
    ),
}

# What a section says when the app holds nothing for it. Tests import these.
NO_NARRATIVE = (
    "The app holds no written summary analysis by the Trust; this summary is worked "
    "out from the month's readings."
)
NO_READINGS = "The app holds no readings for {organisation} for {month}."
NO_KPIS = "The app holds no KPIs for {organisation}."
NO_TARGETS = (
    "No KPI had a target in force for {month}, so the app cannot identify any performance failure."
)
NO_KPI_FAILURE = (
    "The app holds no KPIs for {organisation}, so it cannot identify any performance failure."
)
# Every KPI's row in force is "Target not yet agreed" (Sandwell's 2018/19).
NOT_AGREED = (
    "No performance failure can be identified for {month}: the KPIs' targets for {year} "
    "have not yet been agreed, so no KPI had a target to fail."
)
# Every KPI with a target in force has no reading yet and its return is not due.
ALL_AWAITING = (
    "No reading of a KPI with a target in force has been rated for {month} yet (the "
    "return is due by {due}), so no performance failure can be identified yet."
)
NO_FAILURES = "No KPI was rated Red (outside tolerance) or Missing against a target for {month}."
NO_RULE_FAILURES = "No KPI was {rule} for {month}, so no Performance Failure arose."
# Added where some KPIs with a target are still awaited: they are not judged yet.
SOME_AWAITING = (
    "{codes} {have} a target in force but no reading for {month} yet (the return is due by "
    "{due}), so {them} cannot be judged yet."
)
FAILURE_NOTE = (
    "No definition of a Performance Failure has been entered for the contract year "
    "{year}, so the app treats a KPI rated Red (outside the tolerance band) or Missing "
    "(no reading after the return was due) against a target in force in the month as one."
)
RULE_NOTE = (
    "A Performance Failure, as the contract defines it for {year}, is {rule}. The "
    "statuses are the rating engine's, against the target in force in each month."
)
TRUST_SAYS = "The Trust reports: “{statement}”"
NO_ACTION_PLANS = "The app holds no action plan for {organisation} dated on or before {end}."
NO_RECTIFICATION_PLANS = (
    "The app holds no rectification plan for {organisation} dated on or before {end}."
)
NO_AUDITS = "The app holds no audit activity or findings for {organisation} for {month} (para 4.9)."
NO_SURVEYS = (
    "The app holds no survey findings for {organisation} for {month}, nor a record that "
    "none was carried out (para 4.15)."
)
NO_INSPECTIONS = (
    "The app holds no inspection of {organisation} starting between {start} and {end} "
    "(the contract year to date)."
)
# The inspections 4.2.8 names besides Ofsted's, and what to call their absence.
NAMED_INSPECTIONS = {
    "youth justice inspection": {InspectionKind.YOUTH_JUSTICE},
    "adoption or fostering inspection": {
        InspectionKind.ADOPTION_AGENCY,
        InspectionKind.FOSTERING_AGENCY,
    },
    "Direction from the Secretary of State": {InspectionKind.DIRECTION},
}
NO_NAMED = "No {kinds} is recorded for {organisation} between {start} and {end}."
NO_SPC = (
    "No KPI has the {minimum} readings that process limits need up to {month} (the most "
    "is {most}), so the app shows no statistical process control signals for this month."
)
# The report's own sentences, for the page and the Word document alike.
COUNTS_INTRO = "Of {kpis} KPIs for {month}:"
COUNTS_OTHER = "(no target, awaiting or missing)"
OFF_TARGET_INTRO = "Off target (Red or Amber):"
OFF_TARGET_RUN = ", off target for {months} consecutive months"
SUMMARY_ANALYSIS_NOTE = (
    "The Trust's summary analysis and the actions it is taking, as it wrote them{source}."
)
TARGET_NOT_AGREED = "Target not yet agreed"
KPI_LEGEND = (
    "Green: target met. Amber: target missed but within tolerance. Red: outside tolerance. "
    "Under each status, which way is better for that KPI. Each reading is rated against the "
    'target in force in {month}. "Met or within" counts the months rated Green or Amber over '
    "the 12 months to {month}, out of the months rated or missing against a target."
)
SPC_HEADING = "Statistical process control signals"
SPC_TOO_FEW = f"Fewer than {spc.MIN_POINTS} readings: no process limits or signals."
SPC_NOTE = "Readings up to {month} in date order; the rules are on the"  # … SPC help page.
NO_OVERDUE = "No action was overdue at {end}."
UPDATES_INTRO = "Progress updates dated in {month}:"
NO_UPDATES = "No progress update dated in {month}."
INSPECTIONS_INTRO = (
    "Inspections starting in the contract year to date, {span}; those starting in {month} "
    "are marked."
)
NO_OUTCOME = "No outcome recorded in the app."
PRODUCED = "Produced by trustmonitor on {day} from the app's data for {organisation}, {month}."
STATUS_AT_NOTE = (
    "BRAG statuses are as at {end}, from each action's dated progress updates (an action "
    "whose first dated update came later was not yet rated). Overdue means the action's "
    "timescale had passed by {end} and it was not Blue (complete)."
)
STATUS_NOW_NOTE = (
    "{count} action{s} with no dated status update show{verb} the status recorded now."
)


@dataclass(frozen=True)
class Section:
    key: str
    number: str
    heading: str
    # The sentence shown instead of content when the app holds nothing.
    empty: str = ""
    # One line for the workbook's contents sheet.
    summary: str = ""
    # The empty sentence is the Trust's own report that it has none.
    reported_none: bool = False


@dataclass(frozen=True)
class SpcSummary:
    readings: int
    latest: dt.date | None
    mean: Decimal | None
    lower_limit: Decimal | None
    upper_limit: Decimal | None
    variation: str | None
    assurance: str | None
    # The rules (kpis.spc) that flag the latest reading, in words.
    signals: tuple[str, ...]
    reason: str

    @property
    def has_limits(self) -> bool:
        return self.upper_limit is not None

    @property
    def variation_label(self) -> str:
        return spc.VARIATION_LABELS.get(self.variation, "")

    @property
    def assurance_label(self) -> str:
        return spc.ASSURANCE_LABELS.get(self.assurance, "")


@dataclass(frozen=True)
class IndicatorLine:
    row: StatusRow
    commentary: str
    spc: SpcSummary

    @property
    def status_label(self) -> str:
        return rating.STATUS_LABELS.get(self.row.status, self.row.status)

    # The row's figures in words, as the page, the exports and the Word
    # document print them; blank where there is none.
    @property
    def value_text(self) -> str:
        return with_unit(self.row.value, self.row.kpi.unit)

    @property
    def target_text(self) -> str:
        if self.row.target_not_agreed:
            return TARGET_NOT_AGREED
        return with_unit(self.row.target, self.row.kpi.unit)

    @property
    def tolerance_text(self) -> str:
        return band(self.row.lower, self.row.upper, self.row.kpi.unit)

    @property
    def polarity_label(self) -> str:
        polarity = self.row.kpi.polarity
        return Polarity(polarity).label if polarity in Polarity.values else ""

    @property
    def direction_label(self) -> str:
        return (self.row.direction or "").capitalize()

    @property
    def met_text(self) -> str:
        return rating.met_or_within_percent(self.row.met_12m, self.row.rated_12m)

    @property
    def months_off_text(self) -> str:
        return str(self.row.months_off_target) if self.row.rated_12m else ""

    @property
    def off_target_run(self) -> str:
        """ ", off target for 4 consecutive months" after a run of more than one."""
        months = self.row.months_off_target
        return OFF_TARGET_RUN.format(months=months) if months > 1 else ""


@dataclass(frozen=True)
class PlanActionRow:
    """An action as it stood at the month's end."""

    action: Action
    status: str  # BRAG as at the month's end
    from_history: bool  # False: no dated status update, so the status recorded now
    overdue: bool


@dataclass(frozen=True)
class PlanProgress:
    plan: ActionPlan
    rows: list[PlanActionRow]
    counts: list[tuple[str, int]]  # (BRAG value, actions), in BRAG order
    overdue: list[PlanActionRow]
    updates: list[tuple[Action, ActionUpdate]]  # dated in the month
    kpi_code: str = ""  # a rectification plan's KPI

    @property
    def details(self) -> str:
        """``Rectification plan, dated Jan 2019, for KPI2``: the kind where the
        title does not say it, the date and the KPI."""
        plan = self.plan
        kind = plan.get_kind_display()
        parts = [kind] if kind != plan.title else []
        parts.append(f"dated {label_period(plan.dated)}")
        if self.kpi_code:
            failure = plan.failure_period
            parts.append(
                f"for {self.kpi_code}'s Performance Failure in {label_period(failure)}"
                if failure
                else f"for {self.kpi_code}"
            )
        if plan.lead:
            parts.append(f"led by {plan.lead}")
        return ", ".join(parts)

    @property
    def overdue_count(self) -> str:
        return f"{len(self.overdue)} overdue"

    @property
    def actions_intro(self) -> str:
        count = len(self.rows)
        if not count:
            return "The plan has no action yet."
        return f"{count} action{'' if count == 1 else 's'}:"


@dataclass(frozen=True)
class InspectionLine:
    inspection: Inspection
    judgements: list
    in_month: bool

    @property
    def dates_text(self) -> str:
        """``3 Dec 2018 – 14 Dec 2018``, or the one day."""
        start, end = self.inspection.start_date, self.inspection.end_date
        return (
            f"{day_label(start)} – {day_label(end)}" if end and end != start else day_label(start)
        )

    @property
    def setting_text(self) -> str:
        """The setting, where the title does not already name it."""
        setting = self.inspection.setting
        return setting if setting and setting not in self.inspection.title else ""

    @property
    def outcome_text(self) -> str:
        """Without judgements: the summary's first 60 words, else the focus's 40."""
        if self.inspection.summary:
            return Truncator(self.inspection.summary).words(60, truncate=" …")
        if self.inspection.focus:
            return f"Focus: {Truncator(self.inspection.focus).words(40, truncate=' …')}"
        return ""


@dataclass
class MonthlyReport:
    organisation: Organisation
    period: dt.date
    table: StatusTable
    return_month: ReturnMonth
    return_summary: str
    indicators: list[IndicatorLine]
    failures: list[IndicatorLine]
    action_plans: list[PlanProgress]
    rectification_plans: list[PlanProgress]
    inspections: list[InspectionLine]
    inspections_from: dt.date
    # Why the KPI sections are empty when the app does not hold the month.
    not_held: str = ""
    # What the Trust (and the commissioner, for the rule) recorded: schedule6.
    summary_analysis: SummaryAnalysis | None = None
    failure_rule: FailureRule | None = None
    audits: AuditSection | None = None
    surveys: list[Survey] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    # KPI id → the rectification plans raised against its failure in the month.
    failure_plans: dict[int, list[ActionPlan]] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return label_period(self.period)

    @property
    def return_state_label(self) -> str:
        monthly_return = self.return_month.monthly_return
        if monthly_return:
            return monthly_return.get_state_display()
        return "Not held" if self.not_held else "Not started"

    @property
    def return_flag(self) -> str:
        """ "Overdue" or "Submitted late" beside the return's state, if either."""
        if self.return_month.overdue:
            return "Overdue"
        return "Submitted late" if self.return_month.late else ""

    def produced_note(self, today: dt.date) -> str:
        return PRODUCED.format(
            day=day_label(today), organisation=self.organisation.name, month=self.month
        )

    @property
    def counts_intro(self) -> str:
        return COUNTS_INTRO.format(kpis=len(self.indicators), month=self.month)

    @property
    def count_parts(self) -> list[tuple[str, str, int]]:
        """(status, label, KPIs) for Red, Amber, Green and the rest ("other")."""
        counts = self.counts
        return [
            *(
                (s, rating.STATUS_LABELS[s], counts[s])
                for s in (rating.RED, rating.AMBER, rating.GREEN)
            ),
            ("other", "Other", counts["other"]),
        ]

    @property
    def summary_analysis_note(self) -> str:
        source = self.summary_analysis.source if self.summary_analysis else ""
        return SUMMARY_ANALYSIS_NOTE.format(source=f" ({source})" if source else "")

    @property
    def kpi_legend(self) -> str:
        return KPI_LEGEND.format(month=self.month)

    @property
    def spc_note(self) -> str:
        return SPC_NOTE.format(month=self.month)

    @property
    def month_end_label(self) -> str:
        return day_label(self.month_end)

    @property
    def status_at_heading(self) -> str:
        """A plan's actions are listed with their BRAG as at the month end."""
        return f"Status at {self.month_end_label}"

    @property
    def no_overdue_sentence(self) -> str:
        return NO_OVERDUE.format(end=self.month_end_label)

    @property
    def updates_intro(self) -> str:
        return UPDATES_INTRO.format(month=self.month)

    @property
    def no_updates_sentence(self) -> str:
        return NO_UPDATES.format(month=self.month)

    @property
    def audit_themes_heading(self) -> str:
        return f"Audit themes for {self.month}"

    @property
    def survey_lines(self) -> list[tuple[Survey, str]]:
        """Each survey with, where none was carried out, the Trust's words quoted."""
        return [
            (survey, "" if survey.carried_out else TRUST_SAYS.format(statement=survey.statement))
            for survey in self.surveys
        ]

    @property
    def inspections_intro(self) -> str:
        return INSPECTIONS_INTRO.format(span=self.inspections_span, month=self.month)

    @property
    def ofsted_plans_sentence(self) -> str:
        """4.2.8's line on the Ofsted action plans, whose progress 4.2.4 reports."""
        if not self.action_plans:
            return (
                f"Ofsted action plans: none dated on or before {self.month_end_label} (see 4.2.4)."
            )
        plans = "; ".join(
            f"{p.plan.title} ({label_period(p.plan.dated)})" for p in self.action_plans
        )
        return f"Ofsted action plans: {plans}, progress under 4.2.4."

    @property
    def month_end(self) -> dt.date:
        return month_end(self.period)

    @property
    def counts(self) -> dict[str, int]:
        return self.table.counts()

    @property
    def failures_with_plans(self) -> list[tuple[IndicatorLine, list[ActionPlan]]]:
        """Each failure with the rectification plans raised against it."""
        return [(line, self.failure_plans.get(line.row.kpi.pk, [])) for line in self.failures]

    @property
    def directions(self) -> dict[str, int]:
        found = {rating.IMPROVING: 0, rating.WORSENING: 0, rating.STABLE: 0}
        for line in self.indicators:
            if line.row.direction in found:
                found[line.row.direction] += 1
        return found

    @property
    def direction_sentence(self) -> str:
        """How many KPIs moved which way since the month before, with polarity."""
        found = self.directions
        if not any(found.values()):
            return f"No KPI has a reading for both {self.month} and the month before to compare."
        return (
            f"Against the month before: {found[rating.IMPROVING]} improving, "
            f"{found[rating.WORSENING]} worsening, {found[rating.STABLE]} stable."
        )

    @property
    def off_target(self) -> list[IndicatorLine]:
        return [i for i in self.indicators if i.row.status in (rating.RED, rating.AMBER)]

    @property
    def on_target_sentence(self) -> str:
        """What 4.2.1 says when no KPI is Red or Amber."""
        if all(i.row.target_not_agreed for i in self.indicators):
            return (
                f"No KPI's target for {self.month} has been agreed yet, so none is rated off "
                "target."
            )
        if all(i.row.status == rating.NO_TARGET for i in self.indicators):
            return f"No KPI had a target in force for {self.month}, so none is rated off target."
        if not any(i.row.status == rating.GREEN for i in self.indicators):
            return (
                f"No KPI has a reading for {self.month} rated against a target yet, so none "
                "is rated off target."
            )
        return "No KPI was off target (Red or Amber)."

    @property
    def awaited(self) -> list[IndicatorLine]:
        """KPIs with a target in force whose reading is not in yet (not due)."""
        return [
            i
            for i in self.indicators
            if i.row.status == rating.AWAITING and i.row.target is not None
        ]

    @property
    def awaited_sentence(self) -> str:
        """4.2.3's word on the KPIs it cannot judge yet, beside what it found."""
        awaited = self.awaited
        with_target = [i for i in self.indicators if i.row.target is not None]
        if not awaited or len(awaited) == len(with_target):
            return ""
        one = len(awaited) == 1
        return SOME_AWAITING.format(
            codes=and_list([i.row.kpi.code for i in awaited]),
            have="has" if one else "have",
            month=self.month,
            due=day_label(self.return_month.due),
            them="it" if one else "they",
        )

    @property
    def spc_lines(self) -> list[IndicatorLine]:
        """Indicators with enough readings for process limits."""
        return [i for i in self.indicators if i.spc.has_limits]

    @property
    def most_readings(self) -> int:
        return max((i.spc.readings for i in self.indicators), default=0)

    @property
    def spc_empty(self) -> str:
        if self.spc_lines:
            return ""
        return NO_SPC.format(minimum=spc.MIN_POINTS, month=self.month, most=self.most_readings)

    @property
    def previous_period(self) -> dt.date:
        return add_months(self.period, -1)

    @property
    def next_period(self) -> dt.date:
        return add_months(self.period, 1)

    @property
    def inspections_span(self) -> str:
        return f"{day_label(self.inspections_from)} – {day_label(self.month_end)}"

    @property
    def status_note(self) -> str:
        note = STATUS_AT_NOTE.format(end=day_label(self.month_end))
        now = sum(
            1
            for plans in (self.action_plans, self.rectification_plans)
            for progress in plans
            for row in progress.rows
            if not row.from_history
        )
        if now:
            plural = now != 1
            note += " " + STATUS_NOW_NOTE.format(
                count=now, s="s" if plural else "", verb="" if plural else "s"
            )
        return note

    @property
    def contract_year(self) -> int:
        return contract_year(self.period)

    @property
    def contract_year_label(self) -> str:
        year = contract_year(self.period)
        return f"{year}/{(year + 1) % 100:02d}"

    @property
    def failure_note(self) -> str:
        if self.failure_rule is None:
            return FAILURE_NOTE.format(year=self.contract_year_label)
        note = RULE_NOTE.format(year=self.contract_year_label, rule=self.failure_rule.description)
        return note

    @property
    def failure_statement(self) -> str:
        """The Trust's own words on 4.2.3, shown where no failure is listed."""
        return "" if self.failures else self.trust_says("no_failure_statement")

    def trust_says(self, field_name: str) -> str:
        """The Trust's own sentence for a section it has nothing in, quoted."""
        statement = getattr(self.summary_analysis, field_name, "") if self.summary_analysis else ""
        return TRUST_SAYS.format(statement=statement.strip()) if statement.strip() else ""

    @property
    def named_inspections_note(self) -> str:
        """Which of the inspections 4.2.8 names besides Ofsted's the period has none of."""
        kinds = {line.inspection.kind for line in self.inspections}
        missing = [name for name, named in NAMED_INSPECTIONS.items() if not kinds & named]
        if not missing:
            return ""
        words = (
            " and no ".join(missing)
            if len(missing) < 3
            else (f"{missing[0]}, no {missing[1]} and no {missing[2]}")
        )
        return NO_NAMED.format(
            kinds=words,
            organisation=self.organisation.name,
            start=day_label(self.inspections_from),
            end=day_label(self.month_end),
        )


def kpi_spc(
    *, analysis: spc.Analysis, latest: dt.date | None, polarity: str, target: Decimal | None
) -> SpcSummary:
    """Variation and assurance (NHS "Making Data Count") of one KPI's readings.

    ``analysis`` is the SPC analysis of the KPI's readings up to the report's
    month in date order (months without a reading are absent, never zero),
    as the status table worked it out for the icons; ``latest`` is the month
    of the latest of them; ``target`` is the one in force in the report's
    month.

    >>> s = kpi_spc(analysis=spc.analyse([Decimal(5)]), latest=dt.date(2018, 1, 1),
    ...             polarity="higher", target=None)
    >>> s.readings, s.variation, s.has_limits
    (1, None, False)
    """
    signals = ()
    if analysis.has_limits:
        high, low = analysis.latest_rules()
        rules = high | low
        signals = tuple(_rule_label(rule) for rule in sorted(rules))
    return SpcSummary(
        readings=analysis.count,
        latest=latest,
        mean=analysis.mean,
        lower_limit=analysis.lower_limit,
        upper_limit=analysis.upper_limit,
        variation=spc.variation(analysis, polarity),
        assurance=spc.assurance(analysis, polarity, target),
        signals=signals,
        reason=analysis.reason,
    )


def _rule_label(rule: int) -> str:
    run = spc.run_length()
    return {
        1: "outside the process limits",
        2: f"a shift: {run} or more readings on one side of the mean",
        3: f"a trend: {run} or more readings each rising or each falling",
        4: "two of three readings beyond the two-sigma line",
    }[rule]


def _commentary(*, organisation: Organisation, period: dt.date, drafts: bool) -> dict[int, str]:
    """The commentary of each KPI's reading for ``period``, by KPI id. One query."""
    return {
        kpi_id: text.strip()
        for kpi_id, text in readings(
            drafts=drafts, kpi__organisation=organisation, period=period
        ).values_list("kpi_id", "commentary")
        if text.strip()
    }


def _plans(*, organisation: Organisation, period: dt.date, codes: dict) -> list[PlanProgress]:
    """Action plans dated by the month's end, each with its actions' BRAG counts
    as at the month's end, the actions overdue then and the updates dated in
    the month."""
    end = month_end(period)
    by_plan: dict[int, list[PlanActionRow]] = defaultdict(list)
    plans = {}
    for tracked in action_tracker(organisation=organisation, today=end):
        action = tracked.action
        if action.plan.dated <= end:
            plans[action.plan_id] = action.plan
            # Status and overdue as they stood at the month's end, not today.
            status, from_history = status_at(action, end)
            by_plan[action.plan_id].append(
                PlanActionRow(
                    action=action,
                    status=status,
                    from_history=from_history,
                    overdue=is_overdue(timescale=action.timescale, status=status, today=end),
                )
            )
    # A plan with no action yet (a rectification plan just raised) is listed too.
    for plan in organisation.action_plans.filter(dated__lte=end).exclude(pk__in=list(plans)):
        plans[plan.pk] = plan
        by_plan[plan.pk] = []
    progress = []
    for plan_id, rows in by_plan.items():
        counts = dict.fromkeys(BRAG.values, 0)
        for row in rows:
            counts[row.status] += 1
        progress.append(
            PlanProgress(
                plan=plans[plan_id],
                rows=rows,
                counts=[(value, counts[value]) for value in BRAG.values],
                overdue=[row for row in rows if row.overdue],
                updates=[
                    (row.action, update)
                    for row in rows
                    for update in row.action.updates.all()
                    if update.dated and period <= update.dated <= end
                ],
                kpi_code=codes.get(plans[plan_id].kpi_id, ""),
            )
        )
    return sorted(progress, key=lambda p: p.plan.dated, reverse=True)


def _inspections(*, organisation: Organisation, start: dt.date, period: dt.date) -> list:
    """Inspections starting in the contract year to the month's end, oldest first."""
    end = month_end(period)
    return [
        InspectionLine(
            inspection=inspection,
            judgements=list(inspection.judgements.all()),
            in_month=inspection.start_date >= period,
        )
        for inspection in reversed(inspection_timeline(organisation=organisation))
        if start <= inspection.start_date <= end
    ]


def day_label(day: dt.date) -> str:
    """``3 Dec 2018``, as the report writes a day."""
    return f"{day.day} {day:%b %Y}"


def _return_summary(month: ReturnMonth, month_label: str) -> str:
    """The return's state and whether it came in on time, in one sentence."""
    due = f"due by {day_label(month.due)}"
    held = f"The app holds {month.readings} of {month.kpis} readings for {month_label}"
    monthly_return = month.monthly_return
    if monthly_return is not None and monthly_return.published_in:
        state = monthly_return.get_state_display().lower()
        return (
            f"The return for {month_label} was made before the app and published in "
            f"{monthly_return.published_in}; it is {state}. {held}."
        )
    if monthly_return is None or monthly_return.submitted_at is None:
        state = (
            "has not been started" if monthly_return is None else "is a draft, not yet submitted"
        )
        lateness = "overdue" if month.overdue else "not yet overdue"
        return f"The return for {month_label} {state} ({due}: {lateness}). {held}."
    submitted = timezone.localtime(monthly_return.submitted_at).date()
    timing = "late" if month.late else "on time"
    sentence = (
        f"The return for {month_label} was submitted on {day_label(submitted)}, {timing} ({due})"
    )
    if monthly_return.state == "accepted" and monthly_return.accepted_at:
        accepted = timezone.localtime(monthly_return.accepted_at).date()
        sentence += f", and accepted on {day_label(accepted)}"
    elif monthly_return.state == "draft":
        sentence += ", and has since been reopened"
    return f"{sentence}. {held}."


def _sections(report: MonthlyReport) -> dict[str, Section]:
    month, name = report.month, report.organisation.name
    end = day_label(report.month_end)
    counts = report.counts
    no_readings = not any(line.row.value is not None for line in report.indicators)
    with_target = [line for line in report.indicators if line.row.target is not None]
    if not report.indicators:
        no_failure = NO_KPI_FAILURE.format(organisation=name)
    elif not with_target and all(line.row.target_not_agreed for line in report.indicators):
        no_failure = NOT_AGREED.format(month=month, year=report.contract_year_label)
    elif not with_target:
        no_failure = NO_TARGETS.format(month=month)
    elif all(line.row.status == rating.AWAITING for line in with_target):
        no_failure = ALL_AWAITING.format(month=month, due=day_label(report.return_month.due))
    elif report.failures:
        no_failure = ""
    elif report.failure_rule is not None:
        no_failure = NO_RULE_FAILURES.format(rule=report.failure_rule.description, month=month)
    else:
        no_failure = NO_FAILURES.format(month=month)
    if no_failure and report.awaited_sentence:
        no_failure += " " + report.awaited_sentence
    empty = {
        "summary": NO_READINGS.format(organisation=name, month=month) if no_readings else "",
        "indicators": NO_KPIS.format(organisation=name) if not report.indicators else "",
        "failures": no_failure,
        "action_plans": ""
        if report.action_plans
        else report.trust_says("no_action_plans_statement")
        or NO_ACTION_PLANS.format(organisation=name, end=end),
        "rectification_plans": ""
        if report.rectification_plans
        else report.trust_says("no_rectification_plans_statement")
        or NO_RECTIFICATION_PLANS.format(organisation=name, end=end),
        "audits": "" if report.audits else NO_AUDITS.format(organisation=name, month=month),
        "surveys": "" if report.surveys else NO_SURVEYS.format(organisation=name, month=month),
        "inspections": ""
        if report.inspections
        else NO_INSPECTIONS.format(
            organisation=name, start=day_label(report.inspections_from), end=end
        ),
    }
    if report.not_held:
        empty.update(summary=report.not_held, indicators=report.not_held, failures=report.not_held)
    narrative = (
        f" The Trust's summary analysis: {report.summary_analysis.title} (see its sheet)."
        if report.summary_analysis
        else ""
    )
    summary = {
        "summary": f"{len(report.indicators)} KPIs: {counts[rating.RED]} Red, "
        f"{counts[rating.AMBER]} Amber, {counts[rating.GREEN]} Green, "
        f"{counts['other']} other. {report.return_summary}{narrative}",
        "indicators": f"{len(report.indicators)} KPIs with value, status and commentary: "
        "see the KPIs sheet.",
        "failures": ", ".join(
            f"{line.row.kpi.code} {line.status_label}" for line in report.failures
        ),
        "action_plans": "; ".join(_plan_summary(p) for p in report.action_plans),
        "rectification_plans": "; ".join(_plan_summary(p) for p in report.rectification_plans),
        "inspections": "; ".join(
            f"{line.inspection.title} ({day_label(line.inspection.start_date)})"
            for line in report.inspections
        ),
        "audits": _audit_summary(report.audits),
        "surveys": "; ".join(
            survey.title if survey.carried_out else survey.statement for survey in report.surveys
        ),
    }
    reported_none = {
        "failures": bool(empty["failures"] and report.failure_statement),
        "action_plans": bool(report.trust_says("no_action_plans_statement")),
        "rectification_plans": bool(report.trust_says("no_rectification_plans_statement")),
    }
    if report.failure_statement and empty["failures"]:
        summary["failures"] = f"{empty['failures']} {report.failure_statement}"
    if report.failures and report.awaited_sentence:
        summary["failures"] += ". " + report.awaited_sentence
    return {
        key: Section(
            key=key,
            number=number,
            heading=heading,
            empty=empty[key],
            summary=(summary.get(key) if key == "failures" and reported_none[key] else None)
            or empty[key]
            or summary.get(key, ""),
            reported_none=reported_none.get(key, False) and bool(empty[key]),
        )
        for key, (number, heading) in HEADINGS.items()
    }


def _audit_summary(audits: AuditSection | None) -> str:
    if not audits:
        return ""
    parts = []
    for span in audits.spans:
        for line in span.lines:
            activity = line.activity
            parts.append(
                f"{activity.get_kind_display()} {label_period(span.period_from)}"
                + (f"–{label_period(span.period)}" if span.months > 1 else "")
                + f": {activity.completed} of {activity.expected} "
                f"({line.completed.shown}%)"
            )
    parts += [f"Theme: {theme.theme}" for theme in audits.themes]
    return "; ".join(parts)


def _plan_summary(progress: PlanProgress) -> str:
    if not progress.rows:
        return f"{progress.plan.title}: no action yet"
    counts = ", ".join(
        f"{n} {BRAG(value).label.split(' —')[0]}" for value, n in progress.counts if n
    )
    actions, overdue = len(progress.rows), len(progress.overdue)
    return f"{progress.plan.title}: {actions} actions ({counts}), {overdue} overdue"


def off_target_frames(report: MonthlyReport, *, drafts: bool) -> list[tuple]:
    """Each KPI off target (Red or Amber) this month with its months up to it."""
    return [
        (line, trend_to(kpi=line.row.kpi, period=report.period, drafts=drafts))
        for line in report.off_target
    ]


def rectification_frames(report: MonthlyReport, *, drafts: bool) -> list[tuple]:
    """Each rectification plan with the months, up to the report's, of the KPI
    it rectifies: (progress, frame or None when it has no KPI or no months)."""
    return [
        (progress, rectification_frame(progress.plan, drafts=drafts, until=report.period))
        for progress in report.rectification_plans
    ]


def rectification_charts(report: MonthlyReport, *, drafts: bool) -> list[tuple]:
    """Each rectification plan with the trend chart of the KPI it rectifies,
    up to the report's month (``inspections.rectification``)."""
    return [
        (progress, rectification_chart(progress.plan, drafts=drafts, until=report.period))
        for progress in report.rectification_plans
    ]


def monthly_report(
    *,
    organisation: Organisation,
    period: dt.date,
    drafts: bool = False,
    today: dt.date | None = None,
) -> MonthlyReport:
    """Every section of the Schedule 6 report for one organisation and month
    (``drafts``: as ``kpis.selectors.status_table``). Rated as at ``today``;
    without it, today's ratings are read through the shared status cache
    (``kpis.status_cache``), whose version every write moves on."""
    if today is None:
        table = status_cache.status_table(organisation=organisation, period=period, drafts=drafts)
        today = timezone.localdate()
    else:
        table = status_table(organisation=organisation, period=period, today=today, drafts=drafts)
    commentary = _commentary(organisation=organisation, period=period, drafts=drafts)
    # A month the app does not hold has no KPI figures to report (its KPIs are
    # not Missing); the inspections and plans sections still apply.
    not_held = not_held_reason(organisation=organisation, period=period) or ""
    indicators = (
        []
        if not_held
        else [
            IndicatorLine(
                row=row,
                commentary=commentary.get(row.kpi.pk, ""),
                # The analysis the status table made for the icons: SPC runs once.
                spc=kpi_spc(
                    analysis=row.spc,
                    latest=row.latest_reading,
                    polarity=row.kpi.polarity,
                    target=row.target,
                ),
            )
            for row in table.rows
        ]
    )
    plans = _plans(
        organisation=organisation,
        period=period,
        codes={row.kpi.pk: row.kpi.code for row in table.rows},
    )
    inspections_from = dt.date(contract_year(period), 4, 1)
    month = return_month(organisation=organisation, period=period, today=today)
    rule = schedule6.failure_rule(organisation=organisation, period=period)
    failures = [i for i in indicators if schedule6.is_performance_failure(rule, i.row)]
    report = MonthlyReport(
        organisation=organisation,
        period=period,
        table=table,
        return_month=month,
        return_summary=not_held or _return_summary(month, label_period(period)),
        indicators=indicators,
        failures=failures,
        action_plans=[p for p in plans if p.plan.kind != PlanKind.RECTIFICATION],
        rectification_plans=[p for p in plans if p.plan.kind == PlanKind.RECTIFICATION],
        inspections=_inspections(organisation=organisation, start=inspections_from, period=period),
        inspections_from=inspections_from,
        not_held=not_held,
        summary_analysis=schedule6.summary_analysis(organisation=organisation, period=period),
        failure_rule=rule,
        audits=schedule6.audit_section(organisation=organisation, period=period),
        surveys=schedule6.surveys(organisation=organisation, period=period),
    )
    report.sections = _sections(report)
    for plan in ActionPlan.objects.filter(
        organisation=organisation, kind=PlanKind.RECTIFICATION, failure_period=period
    ).order_by("dated", "pk"):
        report.failure_plans.setdefault(plan.kpi_id, []).append(plan)
    return report
