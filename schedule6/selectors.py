"""Reads for the Schedule 6 sections the Trust records (4.2.1, 4.2.3, 4.2.6,
4.2.7). ``reports.selectors`` puts them into the monthly report."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kpis import rating
from kpis.models import KPI, Organisation
from kpis.periods import contract_year, label_period
from kpis.selectors import StatusRow, not_held_reason, status_table
from schedule6.models import (
    AuditActivity,
    AuditFinding,
    AuditKind,
    AuditTheme,
    FailureRule,
    FailureRuleKind,
    SummaryAnalysis,
    Survey,
)

TENTH = Decimal("0.1")
# The audit table's sentences, for the report page and its Word document.
AUDIT_HEADING = "Case file audit activity, {span}"
AUDIT_SHARES = (
    "Completed as a share of those expected; each grade as a share of those completed "
    "(for moderations, of those moderated)."
)
AUDIT_DIFFERS = (
    "* {kind}, {label}: {printed}% as the Trust's report prints it; {worked_out}% worked "
    "out from the counts."
)
AUDIT_UNGRADED = (
    "{kind}: {ungraded} of the {completed} completed {verb} no grade in the Trust's table."
)
AUDIT_COLUMNS = ("Service", "Expected", "Completed", "Good", "Requires improvement", "Inadequate")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage to one decimal place, half up, as
    the Trust's tables print them.

    >>> percent(53, 68), percent(1, 93), percent(0, 27), percent(1, 0)
    (Decimal('77.9'), Decimal('1.1'), Decimal('0.0'), None)
    """
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """A count and its percentage: worked out, and as the report printed it."""

    count: int
    worked_out: Decimal | None
    printed: Decimal | None

    @property
    def shown(self) -> Decimal | None:
        """What the page shows: the printed figure where there is one."""
        return self.printed if self.printed is not None else self.worked_out

    @property
    def text(self) -> str:
        """``53 (77.9%)``, starred where the Trust printed another percentage."""
        if self.shown is None:
            return str(self.count)
        return f"{self.count} ({self.shown}%{'*' if self.differs else ''})"

    @property
    def differs(self) -> bool:
        return (
            self.printed is not None
            and self.worked_out is not None
            and self.printed != self.worked_out
        )


@dataclass(frozen=True)
class AuditLine:
    activity: AuditActivity
    completed: Figure
    good: Figure
    requires_improvement: Figure
    inadequate: Figure

    @property
    def figures(self) -> list[tuple[str, Figure]]:
        return [
            ("Completed", self.completed),
            ("Good", self.good),
            ("Requires improvement", self.requires_improvement),
            ("Inadequate", self.inadequate),
        ]

    @property
    def differences(self) -> list[tuple[str, Figure]]:
        return [(label, figure) for label, figure in self.figures if figure.differs]

    @property
    def service_label(self) -> str:
        return "Moderations" if self.activity.kind == "moderation" else self.activity.service

    @property
    def notes(self) -> list[str]:
        """Where the Trust printed another percentage, and completed audits without a grade."""
        kind = self.activity.get_kind_display()
        found = [
            AUDIT_DIFFERS.format(
                kind=kind, label=label, printed=figure.printed, worked_out=figure.worked_out
            )
            for label, figure in self.differences
        ]
        if self.activity.ungraded:
            found.append(
                AUDIT_UNGRADED.format(
                    kind=kind,
                    ungraded=self.activity.ungraded,
                    completed=self.activity.completed,
                    verb="has" if self.activity.ungraded == 1 else "have",
                )
            )
        return found


def audit_line(activity: AuditActivity) -> AuditLine:
    """Completed as a share of expected; each grade as a share of completed."""
    graded = activity.completed
    return AuditLine(
        activity=activity,
        completed=Figure(
            activity.completed,
            percent(activity.completed, activity.expected),
            activity.completed_printed,
        ),
        good=Figure(activity.good, percent(activity.good, graded), activity.good_printed),
        requires_improvement=Figure(
            activity.requires_improvement,
            percent(activity.requires_improvement, graded),
            activity.requires_improvement_printed,
        ),
        inadequate=Figure(
            activity.inadequate, percent(activity.inadequate, graded), activity.inadequate_printed
        ),
    )


@dataclass(frozen=True)
class AuditSpan:
    period_from: dt.date
    period: dt.date
    lines: list[AuditLine]

    @property
    def months(self) -> int:
        return self.lines[0].activity.months

    @property
    def label(self) -> str:
        """``Dec 2018``, or ``Oct 2018 – Dec 2018 (3 months)``."""
        if self.months > 1:
            return (
                f"{label_period(self.period_from)} – {label_period(self.period)} "
                f"({self.months} months)"
            )
        return label_period(self.period)

    @property
    def heading(self) -> str:
        return AUDIT_HEADING.format(span=self.label)

    @property
    def note(self) -> str:
        return " ".join([AUDIT_SHARES, *(note for line in self.lines for note in line.notes)])


@dataclass(frozen=True)
class AuditSection:
    spans: list[AuditSpan]  # the month's own first, then longer spans ending in it
    themes: list[AuditTheme]
    findings: list[AuditFinding]

    def __bool__(self) -> bool:
        return bool(self.spans or self.themes or self.findings)

    @property
    def columns(self) -> tuple[str, ...]:
        return AUDIT_COLUMNS


def audit_section(*, organisation: Organisation, period: dt.date) -> AuditSection:
    """Audit counts for spans ending in ``period``, the month's themes and
    the findings reported for spans ending in it. Three queries."""
    by_span: dict[tuple, list[AuditLine]] = {}
    kinds = list(AuditKind.values)
    activity = sorted(
        AuditActivity.objects.filter(organisation=organisation, period=period),
        key=lambda a: (a.service, kinds.index(a.kind)),
    )
    for row in activity:
        by_span.setdefault((row.period_from, row.period), []).append(audit_line(row))
    spans = [
        AuditSpan(period_from=start, period=end, lines=lines)
        for (start, end), lines in sorted(by_span.items(), key=lambda i: i[0][0], reverse=True)
    ]
    return AuditSection(
        spans=spans,
        themes=list(AuditTheme.objects.filter(organisation=organisation, period=period)),
        findings=list(AuditFinding.objects.filter(organisation=organisation, period=period)),
    )


def summary_analysis(*, organisation: Organisation, period: dt.date) -> SummaryAnalysis | None:
    return SummaryAnalysis.objects.filter(organisation=organisation, period=period).first()


def surveys(*, organisation: Organisation, period: dt.date) -> list[Survey]:
    return list(Survey.objects.filter(organisation=organisation, period=period))


def failure_rule(*, organisation: Organisation, period: dt.date) -> FailureRule | None:
    return FailureRule.objects.filter(
        organisation=organisation, contract_year=contract_year(period)
    ).first()


def beyond_tolerance(row: StatusRow) -> Decimal | None:
    """How far a Red reading lies past its tolerance bound (the target where
    there is no band), read with polarity; None unless the row is Red."""
    if row.status != rating.RED or row.value is None:
        return None
    lower = row.lower if row.lower is not None else row.target
    upper = row.upper if row.upper is not None else row.target
    if row.kpi.polarity == rating.HIGHER:
        return lower - row.value
    if row.kpi.polarity == rating.LOWER:
        return row.value - upper
    return max(lower - row.value, row.value - upper)


def is_failure(rule: FailureRule, row: StatusRow) -> bool:
    """The contract's Performance Failure, on the rating engine's statuses:
    ``months_off_target`` is its run of Red or Missing months."""
    if rule.kind == FailureRuleKind.MARGIN:
        beyond = beyond_tolerance(row)
        return beyond is not None and beyond > rule.margin
    return row.status in (rating.RED, rating.MISSING) and row.months_off_target >= rule.months


def is_performance_failure(rule: FailureRule | None, row: StatusRow) -> bool:
    """The one test of a Performance Failure for a KPI's month: the year's
    rule, or without one Red, or Missing against a target in force (what the
    report then says it uses). A KPI with no target in force has nothing to
    fail, though its month may be Missing."""
    if rule is None:
        return row.status == rating.RED or (row.status == rating.MISSING and row.target is not None)
    return is_failure(rule, row)


def failure_rules(*, organisation: Organisation) -> dict[int, FailureRule]:
    """Contract year → the organisation's rule for it. One query."""
    return {rule.contract_year: rule for rule in organisation.failure_rules.all()}


def kpi_failures(*, organisation: Organisation, rows: list[StatusRow]) -> list[StatusRow]:
    """The rows (a KPI's rated months) that are Performance Failures, each
    judged by the rule of its own contract year, in the order given."""
    rules = failure_rules(organisation=organisation)
    return [
        row for row in rows if is_performance_failure(rules.get(contract_year(row.period)), row)
    ]


def kpi_month(
    *, kpi: KPI, period: dt.date, drafts: bool, today: dt.date | None = None
) -> tuple[StatusRow | None, bool]:
    """A KPI's rated month and whether it is a Performance Failure (its
    year's rule): (None, False) for a month the app does not hold."""
    if not_held_reason(organisation=kpi.organisation, period=period):
        return None, False
    [row] = status_table(
        organisation=kpi.organisation, period=period, only=kpi, drafts=drafts, today=today
    ).rows
    rule = failure_rule(organisation=kpi.organisation, period=period)
    return row, is_performance_failure(rule, row)


# --- The annual report: a contract year's records -------------------------------


def year_audit_lines(*, organisation: Organisation, first: dt.date, last: dt.date) -> list:
    """Audit counts of spans that end within the months ``first``–``last``,
    oldest first, the month's own before longer spans ending in it."""
    kinds = list(AuditKind.values)
    activity = sorted(
        AuditActivity.objects.filter(organisation=organisation, period__range=(first, last)),
        key=lambda a: (a.period, a.months, a.service, kinds.index(a.kind)),
    )
    return [audit_line(row) for row in activity]


def year_audit_themes(*, organisation: Organisation, first: dt.date, last: dt.date) -> list:
    return list(
        AuditTheme.objects.filter(organisation=organisation, period__range=(first, last)).order_by(
            "period", "order"
        )
    )


def year_surveys(*, organisation: Organisation, first: dt.date, last: dt.date) -> list[Survey]:
    return list(Survey.objects.filter(organisation=organisation, period__range=(first, last)))
