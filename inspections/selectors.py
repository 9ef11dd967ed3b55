"""Reads for the inspection pages, the action tracker and the KPI panel."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from inspections.models import (
    BRAG,
    Action,
    ActionUpdate,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
)
from kpis.models import KPI, Organisation
from kpis.periods import add_months, month_end

OPEN_STATUSES = (BRAG.RED, BRAG.AMBER, BRAG.GREEN, BRAG.NOT_RATED)


def is_overdue(*, timescale: dt.date | None, status: str, today: dt.date) -> bool:
    """An action is overdue once its timescale month has ended and it is not Blue.

    >>> is_overdue(timescale=dt.date(2023, 7, 1), status="amber", today=dt.date(2023, 8, 1))
    True
    >>> is_overdue(timescale=dt.date(2023, 7, 1), status="amber", today=dt.date(2023, 7, 31))
    False
    >>> is_overdue(timescale=dt.date(2023, 7, 1), status="blue", today=dt.date(2024, 1, 1))
    False
    """
    return timescale is not None and status != BRAG.BLUE and month_end(timescale) < today


@dataclass(frozen=True)
class ActionRow:
    action: Action
    latest_update: ActionUpdate | None
    overdue: bool


def _updates_prefetch():
    return Prefetch("updates", queryset=ActionUpdate.objects.order_by("dated", "created_at"))


def _row(action: Action, today: dt.date) -> ActionRow:
    updates = list(action.updates.all())
    return ActionRow(
        action=action,
        latest_update=updates[-1] if updates else None,
        overdue=is_overdue(timescale=action.timescale, status=action.status, today=today),
    )


def inspection_timeline(*, organisation: Organisation) -> list[Inspection]:
    """Every inspection of the organisation, newest first, with judgements."""
    return list(organisation.inspections.prefetch_related("judgements"))


def current_judgements(*, organisation: Organisation) -> list[dict]:
    """The latest graded inspection of each kind and setting, with its headline.

    The headline is the overall-effectiveness judgement where there is one,
    else the first judgement the report lists.
    """
    latest = {}
    for inspection in inspection_timeline(organisation=organisation):
        judgements = list(inspection.judgements.all())
        key = (inspection.kind, inspection.setting)
        if judgements and key not in latest:
            overall = [j for j in judgements if j.area.lower().startswith("overall")]
            latest[key] = {"inspection": inspection, "headline": (overall or judgements)[0]}
    return sorted(latest.values(), key=lambda c: c["inspection"].start_date, reverse=True)


@dataclass(frozen=True)
class FindingGroup:
    kind: str
    label: str
    findings: list[tuple[Finding, list[ActionRow]]]


def group_findings(findings, *, today: dt.date) -> list[FindingGroup]:
    groups = []
    for kind, label in FindingKind.choices:
        members = [f for f in findings if f.kind == kind]
        if members:
            groups.append(
                FindingGroup(
                    kind=kind,
                    label=label,
                    findings=[(f, [_row(a, today) for a in f.actions.all()]) for f in members],
                )
            )
    return groups


def inspection_findings(*, inspection: Inspection, today: dt.date | None = None) -> list:
    """The inspection's findings grouped by kind, each with its actions."""
    findings = inspection.findings.prefetch_related(
        "kpis", Prefetch("actions", queryset=Action.objects.prefetch_related(_updates_prefetch()))
    )
    return group_findings(list(findings), today=today or timezone.localdate())


def plan_findings(*, organisation: Organisation, today: dt.date | None = None) -> list:
    """Findings quoted by an action plan without their inspection, with actions."""
    findings = organisation.findings.filter(inspection=None).prefetch_related(
        "kpis", Prefetch("actions", queryset=Action.objects.prefetch_related(_updates_prefetch()))
    )
    return group_findings(list(findings), today=today or timezone.localdate())


TRACKER_FILTERS = ("status", "lead", "finding", "overdue")


def action_tracker(
    *,
    organisation: Organisation,
    status: str = "",
    lead: str = "",
    finding: int | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> list[ActionRow]:
    today = today or timezone.localdate()
    actions = (
        Action.objects.filter(plan__organisation=organisation)
        .select_related("plan", "finding__inspection")
        .prefetch_related(_updates_prefetch())
        .order_by("plan", "order")
    )
    if status:
        actions = actions.filter(status=status)
    if lead:
        actions = actions.filter(lead__icontains=lead)
    if finding:
        actions = actions.filter(finding_id=finding)
    rows = [_row(action, today) for action in actions]
    return [row for row in rows if row.overdue] if overdue else rows


def brag_counts(rows: list[ActionRow]) -> dict[str, int]:
    counts = dict.fromkeys(BRAG.values, 0)
    for row in rows:
        counts[row.action.status] += 1
    return counts


def tracker_leads(*, organisation: Organisation) -> list[str]:
    """Each lead's initials once, from entries like ``LH / JoR / GT``."""
    leads = set()
    for entry in Action.objects.filter(plan__organisation=organisation).values_list(
        "lead", flat=True
    ):
        leads.update(part.strip() for part in entry.replace(",", "/").split("/") if part.strip())
    return sorted(leads)


def kpi_findings(*, kpi: KPI, today: dt.date | None = None) -> list[tuple[Finding, list]]:
    """Findings linked to the KPI, each with its open (not Blue) actions."""
    today = today or timezone.localdate()
    findings = kpi.findings.select_related("inspection").prefetch_related(
        Prefetch(
            "actions",
            queryset=Action.objects.filter(status__in=OPEN_STATUSES).prefetch_related(
                _updates_prefetch()
            ),
        )
    )
    return [(f, [_row(a, today) for a in f.actions.all()]) for f in findings]


# Inspections this many months either side of a trend are marked on it, so
# a short series still shows the visits that bear on it.
EVENT_MARGIN_MONTHS = 12


# Inspections of the whole service are marked on every KPI's chart; an
# inspection of one home or agency only where a finding links it to the KPI.
SERVICE_WIDE = (InspectionKind.ILACS, InspectionKind.FOCUSED_VISIT, InspectionKind.MONITORING_VISIT)


def inspection_events(*, organisation: Organisation, kpi: KPI | None = None, near=None) -> list:
    """Inspection dates as chart markers, oldest first: date, name and pk.

    ``near`` is a (first, last) month pair; only inspections within
    ``EVENT_MARGIN_MONTHS`` of it are returned. None returns none.
    """
    if near is None:
        return []
    first, last = near
    relevant = Q(kind__in=SERVICE_WIDE)
    if kpi is not None:
        relevant |= Q(findings__kpis=kpi)
    inspections = (
        organisation.inspections.filter(
            relevant,
            start_date__gte=add_months(first, -EVENT_MARGIN_MONTHS),
            start_date__lt=add_months(last, EVENT_MARGIN_MONTHS + 1),
        )
        .distinct()
        .order_by("start_date")
    )
    return [
        {"date": i.start_date, "label": i.title, "pk": i.pk}
        for i in inspections.only("pk", "title", "start_date")
    ]


def overdue_red_actions_by_kpi(*, organisation: Organisation, today: dt.date) -> dict:
    """KPI id → [(action number, finding text)] of overdue Red actions on
    findings linked to that KPI. One query."""
    found = {}
    rows = Action.objects.filter(
        plan__organisation=organisation, status=BRAG.RED, finding__kpis__isnull=False
    ).values_list("finding__kpis", "number", "finding__text", "timescale", "status")
    for kpi_id, number, text, timescale, status in rows:
        if is_overdue(timescale=timescale, status=status, today=today):
            found.setdefault(kpi_id, []).append((number, text))
    return found
