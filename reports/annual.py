"""Reads for the annual report on a contract year (seed 004 is Birmingham's
for 2018/19): one call, ``annual_report``, gathers each section from the
other apps' selectors. Nothing here rates a month or counts one: the months
met or within tolerance are ``kpis.selectors.compliance_table``'s (the
rating engine's statuses), the inspections the inspections app's, the
audits and surveys schedule6's, and the Trust's own words its
``AnnualReview``. A section the app holds nothing for says so.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from inspections.models import Inspection, PlanKind
from inspections.selectors import inspection_timeline
from kpis import rating
from kpis.models import KPI, Organisation, Target
from kpis.periods import (
    contract_year,
    contract_year_end,
    contract_year_label,
    contract_year_start,
    month_end,
    month_start,
)
from kpis.selectors import ComplianceRow, compliance_table, targets_in_force
from reports.selectors import PlanProgress, _plans
from schedule6 import selectors as schedule6
from schedule6.models import AnnualReview, Survey

# What a section says when the app holds nothing for it. Tests import these.
NO_KPIS = "The app holds no KPIs for {organisation}."
NO_MONTHS = "No month of {year} has passed yet."
NO_INSPECTIONS = "The app holds no inspection of {organisation} starting in {year}."
NO_AUDITS = "The app holds no audit activity of {organisation} for {year}."
NO_SURVEYS = "The app holds no survey of {organisation} for {year}."
NO_RECTIFICATION = "The app holds no rectification plan of {organisation} dated in {year}."
NO_WORDS = "The app holds no words of {organisation} for this section of its {year} report."
TRUST_SAYS = "The Trust reports: “{statement}”"
APP_ALL_MONTHS = (
    "By the readings the app holds, {count} of {kpis} KPIs met target or were within "
    "tolerance in every month rated in {year}."
)
NOTHING_RATED = (
    "The app rated no month of {year} against a target: no KPI had both a reading and a "
    "target in force, so nothing is counted."
)
REPORTED_ALL_MONTHS = (
    "As the trust reported, {count} of {kpis} KPIs met target or were within tolerance "
    "for all {months} months."
)
# The next year's targets.
NOT_YET_AGREED = "Targets for {year} are not yet agreed."
NONE_RECORDED = (
    "The app holds no targets for {year}; until some are entered, each KPI is rated "
    "against the target in force before it."
)
AGREED = "agreed"
NOT_AGREED = "not_agreed"
CARRIED = "carried"
NO_TARGET = "none"


@dataclass(frozen=True)
class PerformanceLine:
    """One KPI over the year: the app's count from its ratings, and the
    trust's own count where its report gives one."""

    compliance: ComplianceRow
    green: int
    amber: int

    @property
    def kpi(self) -> KPI:
        return self.compliance.kpi

    @property
    def met(self) -> int:
        return self.compliance.met

    @property
    def rated(self) -> int:
        return self.compliance.rated

    @property
    def app_label(self) -> str:
        """``1/1 — 100%``, or blank where no month was rated."""
        return self.compliance.label

    @property
    def reported_label(self) -> str:
        return self.compliance.reported_label


@dataclass(frozen=True)
class InspectionOutcome:
    inspection: Inspection
    judgements: list


@dataclass(frozen=True)
class NextYearTarget:
    kpi: KPI
    target: Target | None
    # AGREED (a row for the year), NOT_AGREED ("Target not yet agreed"),
    # CARRIED (an earlier year's target stays in force), NO_TARGET.
    state: str

    @property
    def carried_from(self) -> str:
        if self.state != CARRIED:
            return ""
        return contract_year_label(contract_year(self.target.valid_from))


@dataclass
class AnnualReport:
    organisation: Organisation
    year: int
    months: list[dt.date]
    performance: list[PerformanceLine]
    reported_sources: list[str]
    review: AnnualReview | None
    inspections: list[InspectionOutcome]
    audits: list  # schedule6.AuditLine, in month order
    audit_themes: list
    surveys: list[Survey]
    rectification_plans: list[PlanProgress]
    next_targets: list[NextYearTarget]
    any_not_held: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return contract_year_label(self.year)

    @property
    def previous_label(self) -> str:
        return contract_year_label(self.year - 1)

    @property
    def next_label(self) -> str:
        return contract_year_label(self.year + 1)

    @property
    def start(self) -> dt.date:
        return contract_year_start(self.year)

    @property
    def end(self) -> dt.date:
        return contract_year_end(self.year)

    @property
    def has_reported(self) -> bool:
        return bool(self.reported_sources)

    @property
    def app_summary(self) -> str:
        if not self.performance:
            return ""
        rated = [line for line in self.performance if line.rated]
        if not rated:
            return NOTHING_RATED.format(year=self.label)
        count = sum(1 for line in rated if line.met == line.rated)
        return APP_ALL_MONTHS.format(count=count, kpis=len(rated), year=self.label)

    @property
    def common_difference(self) -> str:
        """How the two counts compare, said once when it is the same for every
        KPI with a reported count (Birmingham 2018/19: the app holds one month)."""
        said = {line.compliance.difference for line in self.performance if line.reported_label}
        return said.pop() if len(said) == 1 else ""

    @property
    def reported_summary(self) -> str:
        reported = [line.compliance.reported for line in self.performance]
        reported = [r for r in reported if r is not None]
        if not reported:
            return ""
        months = max(r.out_of for r in reported)
        count = sum(1 for r in reported if r.met == r.out_of == months)
        return REPORTED_ALL_MONTHS.format(count=count, kpis=len(reported), months=months)

    @property
    def next_year_sentence(self) -> str:
        """Whether the next year's targets are agreed, in one sentence (blank
        when at least one KPI has an agreed target for it)."""
        states = {t.state for t in self.next_targets}
        if not states or AGREED in states:
            return ""
        if states <= {NOT_AGREED}:
            return NOT_YET_AGREED.format(year=self.next_label)
        if NOT_AGREED not in states:
            return NONE_RECORDED.format(year=self.next_label)
        return ""

    def trust_says(self, field_name: str) -> str:
        text = getattr(self.review, field_name, "") if self.review else ""
        return TRUST_SAYS.format(statement=text.strip()) if text.strip() else ""


def performance_lines(rows: list[ComplianceRow]) -> list[PerformanceLine]:
    """Each KPI's Green and Amber months from the statuses the compliance
    table holds (the rating engine's): no second copy of the rule."""
    return [
        PerformanceLine(
            compliance=row,
            green=sum(1 for s in row.statuses if s == rating.GREEN),
            amber=sum(1 for s in row.statuses if s == rating.AMBER),
        )
        for row in rows
    ]


def next_year_targets(*, organisation: Organisation, year: int) -> list[NextYearTarget]:
    """Each KPI's target in force when the contract year ``year`` opens, and
    whether it was agreed for that year, is "not yet agreed", or is an
    earlier year's carried on (a year with no rows keeps the one before)."""
    start = contract_year_start(year)
    in_force = targets_in_force(organisation=organisation, period=start)
    found = []
    for kpi in organisation.kpis.all():
        target = in_force.get(kpi.pk)
        if target is None:
            state = NO_TARGET
        elif not target.agreed:
            state = NOT_AGREED
        elif target.valid_from >= start:
            state = AGREED
        else:
            state = CARRIED
        found.append(NextYearTarget(kpi=kpi, target=target, state=state))
    return found


def annual_report(
    *, organisation: Organisation, year: int, drafts: bool = False, today: dt.date | None = None
) -> AnnualReport:
    """Every section of the annual report on the contract year ``year``
    (``drafts``: as ``kpis.selectors.status_table``)."""
    today = today or timezone.localdate()
    first, last = contract_year_start(year), contract_year_end(year)
    table = compliance_table(organisation=organisation, year=year, drafts=drafts, today=today)
    # As at the year's end, or today for the year still running.
    as_at = min(last, month_start(today))
    plans = _plans(organisation=organisation, period=as_at, codes={}) if as_at >= first else []
    name, label = organisation.name, contract_year_label(year)
    report = AnnualReport(
        organisation=organisation,
        year=year,
        months=table.months,
        performance=performance_lines(table.rows),
        reported_sources=table.reported_sources,
        review=AnnualReview.objects.filter(organisation=organisation, contract_year=year).first(),
        inspections=[
            InspectionOutcome(inspection=i, judgements=list(i.judgements.all()))
            for i in reversed(inspection_timeline(organisation=organisation))
            if first <= i.start_date <= month_end(last)
        ],
        audits=schedule6.year_audit_lines(organisation=organisation, first=first, last=last),
        audit_themes=schedule6.year_audit_themes(organisation=organisation, first=first, last=last),
        surveys=schedule6.year_surveys(organisation=organisation, first=first, last=last),
        rectification_plans=[
            p for p in plans if p.plan.kind == PlanKind.RECTIFICATION and p.plan.dated >= first
        ],
        next_targets=next_year_targets(organisation=organisation, year=year + 1),
        any_not_held=table.any_not_held,
    )
    report.notes = {
        "performance": (
            NO_MONTHS.format(year=label)
            if not table.months
            else NO_KPIS.format(organisation=name)
            if not table.rows
            else ""
        ),
        "inspections": "" if report.inspections else NO_INSPECTIONS.format(
            organisation=name, year=label
        ),
        "audits": "" if report.audits or report.audit_themes else NO_AUDITS.format(
            organisation=name, year=label
        ),
        "surveys": "" if report.surveys else NO_SURVEYS.format(organisation=name, year=label),
        "rectification": "" if report.rectification_plans else NO_RECTIFICATION.format(
            organisation=name, year=label
        ),
    }  # fmt: skip
    return report
