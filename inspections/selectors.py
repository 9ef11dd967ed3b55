"""Reads for the inspection pages, the action tracker and the KPI panel."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.db.models import Prefetch, Q
from django.utils import timezone

from inspections.models import (
    AUTHORITY_JUDGEMENT_FIELDS,
    BEFORE_HISTORY,
    BRAG,
    Action,
    ActionPlan,
    ActionUpdate,
    AuthorityInspection,
    Finding,
    FindingKind,
    Inspection,
    InspectionKind,
    Lead,
    OutcomesRelease,
    PlanKind,
)
from inspections.ofsted import FOUR_POINT_SCALE, JUDGEMENT_AREAS, Grade
from kpis.formatting import and_list
from kpis.models import KPI, Organisation
from kpis.periods import add_months, month_end
from kpis.questions import short
from national.models import Neighbour
from national.selectors import neighbour_model_latest, neighbours_in

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


def _row(action: Action, today: dt.date) -> ActionRow:
    """The action with its latest update (updates are ordered by date, then
    as posted: ``ActionUpdate.Meta.ordering``) and whether it is overdue."""
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
        "kpis", Prefetch("actions", queryset=Action.objects.prefetch_related("updates"))
    )
    return group_findings(list(findings), today=today or timezone.localdate())


def plan_findings(*, organisation: Organisation, today: dt.date | None = None) -> list:
    """Findings quoted by an action plan without their inspection, with actions."""
    findings = organisation.findings.filter(inspection=None).prefetch_related(
        "kpis", Prefetch("actions", queryset=Action.objects.prefetch_related("updates"))
    )
    return group_findings(list(findings), today=today or timezone.localdate())


TRACKER_FILTERS = ("status", "lead", "finding", "overdue")
# The tracker's sorts: the plan's order, or by timescale (no timescale last).
TRACKER_SORTS = {
    "": "Plan order",
    "timescale": "Timescale, soonest first",
    "-timescale": "Timescale, latest first",
}
# A filtered tracker quotes its finding this long at most, cut at a word.
FILTER_FINDING_CHARACTERS = 60


def tracker_filter_words(*, organisation: Organisation, filters: dict) -> str:
    """The tracker's filters in words, for the page and its print: a printed
    tracker must say it is not the whole plan, e.g. "lead GT; overdue only"."""
    words = []
    if filters.get("status"):
        words.append(f"status {BRAG(filters['status']).label}")
    if filters.get("lead"):
        words.append(f"lead {filters['lead']}")
    if filters.get("finding"):
        finding = organisation.findings.filter(pk=filters["finding"]).first()
        if finding:
            words.append(f"finding “{short(finding.text, FILTER_FINDING_CHARACTERS)}”")
    if filters.get("overdue"):
        words.append("overdue only")
    return "; ".join(words)


def lead_parts(entry: str) -> list[str]:
    """The leads of an action as the plan prints them, ``LH / JoR`` → LH, JoR.

    Only a slash separates leads: "Head of Service, Care Management" is one.
    """
    return [part.strip() for part in entry.split("/") if part.strip()]


def action_tracker(
    *,
    organisation: Organisation,
    status: str = "",
    lead: str = "",
    finding: int | None = None,
    overdue: bool = False,
    sort: str = "",
    today: dt.date | None = None,
) -> list[ActionRow]:
    today = today or timezone.localdate()
    actions = (
        Action.objects.filter(plan__organisation=organisation)
        .select_related("plan", "finding__inspection")
        .prefetch_related("updates")
        .order_by("plan", "order")
    )
    if status:
        actions = actions.filter(status=status)
    if finding:
        actions = actions.filter(finding_id=finding)
    if lead:
        actions = [a for a in actions.filter(lead__contains=lead) if lead in lead_parts(a.lead)]
    rows = [_row(action, today) for action in actions]
    if sort.lstrip("-") == "timescale":
        dated = sorted(
            (r for r in rows if r.action.timescale),
            key=lambda r: r.action.timescale,
            reverse=sort.startswith("-"),
        )
        rows = dated + [r for r in rows if not r.action.timescale]
    return [row for row in rows if row.overdue] if overdue else rows


@dataclass(frozen=True)
class KeyEntry:
    initials: str
    lead: Lead | None  # None: not in the organisation's key yet


def lead_key(*, organisation: Organisation, rows=None) -> list[KeyEntry]:
    """The key of leads for the leads of these rows (every action's if None),
    in the order of the initials, with who each is where the key says."""
    if rows is None:
        entries = Action.objects.filter(plan__organisation=organisation).values_list(
            "lead", flat=True
        )
    else:
        entries = [row.action.lead for row in rows]
    initials = sorted({part for entry in entries for part in lead_parts(entry)})
    known = {lead.initials: lead for lead in organisation.leads.all()}
    return [KeyEntry(i, known.get(i)) for i in initials]


def brag_counts(rows: list[ActionRow]) -> dict[str, int]:
    counts = dict.fromkeys(BRAG.values, 0)
    for row in rows:
        counts[row.action.status] += 1
    return counts


def tracker_leads(*, organisation: Organisation) -> list[str]:
    """Each lead once, from entries like ``LH / JoR / GT`` (see ``lead_parts``)."""
    entries = Action.objects.filter(plan__organisation=organisation).values_list("lead", flat=True)
    return sorted({part for entry in entries for part in lead_parts(entry)})


@dataclass(frozen=True)
class StatusChange:
    when: str  # as printed, or the date and time of the change
    status: str
    user: object | None
    reason: str


def brag_history(*, action: Action) -> list[StatusChange]:
    """Each status the action has had, oldest first: those set by updates
    loaded from the plan (they have no history of their own; an undated one
    first on every database), then each change made in the app, from the
    action's history with who and why."""
    updates = sorted(
        action.updates.exclude(status=""), key=lambda u: (u.dated or dt.date.min, u.pk)
    )
    made_here = set(
        ActionUpdate.history.filter(id__in=[u.pk for u in updates]).values_list("id", flat=True)
    )
    changes = [
        StatusChange(
            u.dated_text or (f"{u.dated:%-d %b %Y}" if u.dated else ""),
            u.status,
            None,
            "As the plan printed it",
        )
        for u in updates
        if u.pk not in made_here
    ]
    previous = changes[-1].status if changes else None
    for record in action.history.order_by("history_date", "history_id").select_related(
        "history_user"
    ):
        if record.status != previous:
            when = timezone.localtime(record.history_date)
            loaded = record.history_change_reason == BEFORE_HISTORY
            changes.append(
                StatusChange(
                    "As loaded" if loaded else f"{when:%-d %b %Y %H:%M}",
                    record.status,
                    record.history_user,
                    record.history_change_reason or "",
                )
            )
            previous = record.status
    return changes


def deletion_summary(obj) -> str:
    """What goes with a deletion, in words, e.g. "Deleting this inspection
    also deletes its 3 judgements and 6 findings, with their 14 actions"."""

    def count(n, word):
        return f"{n} {word}{'' if n == 1 else 's'}"

    def with_updates(actions) -> str:
        updates = ActionUpdate.objects.filter(action__in=actions).count()
        return f" and {count(updates, 'progress update')}" if updates else ""

    if isinstance(obj, Inspection):
        actions = Action.objects.filter(finding__inspection=obj)
        parts = [count(obj.judgements.count(), "judgement"), count(obj.findings.count(), "finding")]
        sentence = f"Deleting this inspection also deletes its {parts[0]} and {parts[1]}"
        if n := actions.count():
            sentence += f", with their {count(n, 'action')}{with_updates(actions)}"
        return sentence + "."
    if isinstance(obj, Finding):
        actions = obj.actions.all()
        if not (n := actions.count()):
            return "Deleting this finding deletes nothing else: it has no actions."
        return (
            f"Deleting this finding also deletes its {count(n, 'action')}{with_updates(actions)}."
        )
    if isinstance(obj, Action):
        if not (n := obj.updates.count()):
            return f"Deleting action {obj.reference} deletes nothing else: it has no updates."
        return f"Deleting action {obj.reference} also deletes its {count(n, 'progress update')}."
    if isinstance(obj, ActionUpdate):
        return (
            "Deleting this update deletes nothing else; the action keeps its status "
            f"({obj.action.get_status_display()})."
        )
    if isinstance(obj, ActionPlan):
        actions = obj.actions.all()
        if not (n := actions.count()):
            return "Deleting this plan deletes nothing else: it has no actions."
        return f"Deleting this plan also deletes its {count(n, 'action')}{with_updates(actions)}."
    if isinstance(obj, Lead):
        return (
            f"Deleting {obj.initials} from the key deletes nothing else; the actions keep "
            f"{obj.initials} as their lead, shown as not in the key."
        )
    return f"Deleting {obj} deletes nothing else."


def kpi_findings(*, kpi: KPI, today: dt.date | None = None) -> list[tuple[Finding, list]]:
    """Findings linked to the KPI, each with its open (not Blue) actions."""
    today = today or timezone.localdate()
    findings = kpi.findings.select_related("inspection").prefetch_related(
        Prefetch(
            "actions",
            queryset=Action.objects.filter(status__in=OPEN_STATUSES).prefetch_related("updates"),
        )
    )
    return [(f, [_row(a, today) for a in f.actions.all()]) for f in findings]


# Inspections this many months either side of a trend are named beside it
# (kpis.charts draws those inside the readings' span; the page lists the
# others in words), so a short series still shows the visits that bear on it.
EVENT_MARGIN_MONTHS = 12

# The short name of each kind, for a chart's marker label ("ILACS Dec 2018").
SHORT_KIND = {
    InspectionKind.ILACS: "ILACS",
    InspectionKind.FOCUSED_VISIT: "Focused visit",
    InspectionKind.MONITORING_VISIT: "Monitoring visit",
    InspectionKind.FOSTERING_AGENCY: "Fostering agency",
    InspectionKind.ADOPTION_AGENCY: "Adoption agency",
    InspectionKind.CHILDRENS_HOME: "Children's home",
    InspectionKind.YOUTH_JUSTICE: "Youth justice",
    InspectionKind.DIRECTION: "Direction",
    InspectionKind.OTHER: "Inspection",
}


# Inspections of the whole service are marked on every KPI's chart; an
# inspection of one home or agency only where a finding links it to the KPI.
SERVICE_WIDE = (InspectionKind.ILACS, InspectionKind.FOCUSED_VISIT, InspectionKind.MONITORING_VISIT)


def inspection_events(*, organisation: Organisation, kpi: KPI | None = None, near=None) -> list:
    """Inspection dates as chart markers, oldest first: date, name (the
    inspection's title), short (kind and month, e.g. "Monitoring visit Aug
    2018", for the marker's label) and pk.

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
        {
            "date": i["start_date"],
            "label": i["title"],
            "short": f"{SHORT_KIND.get(i['kind'], SHORT_KIND[InspectionKind.OTHER])} "
            f"{i['start_date']:%b %Y}",
            "pk": i["pk"],
        }
        for i in inspections.values("pk", "title", "kind", "start_date")
    ]


def findings_by_kpi(*, kpi_ids) -> dict[int, list[Finding]]:
    """KPI id → the findings linked to it, each with its inspection (None
    for a finding an action plan quotes without one). One query."""
    found = {}
    links = Finding.kpis.through.objects.filter(kpi_id__in=list(kpi_ids)).select_related(
        "finding__inspection"
    )
    for link in links.order_by("finding__order", "finding_id"):
        found.setdefault(link.kpi_id, []).append(link.finding)
    return found


def overdue_red_actions_by_kpi(*, organisation: Organisation, today: dt.date) -> dict:
    """KPI id → [(action number in its plan, e.g. 4.3; finding text)] of overdue Red actions on
    findings linked to that KPI. One query."""
    found = {}
    rows = Action.objects.filter(
        plan__organisation=organisation, status=BRAG.RED, finding__kpis__isnull=False
    ).values_list("finding__kpis", "reference", "finding__text", "timescale", "status")
    for kpi_id, number, text, timescale, status in rows:
        if is_overdue(timescale=timescale, status=status, today=today):
            found.setdefault(kpi_id, []).append((number, text))
    return found


# --- Ofsted's ILACS judgements beside the statistical neighbours' ----------------


@dataclass(frozen=True)
class NeighbourJudgement:
    position: int  # 1 = nearest
    la_code: str
    la_name: str
    closeness: str
    # The neighbour's latest ILACS in Ofsted's file; for an authority that no
    # longer exists, its last. None when the file has none.
    inspection: AuthorityInspection | None


@dataclass(frozen=True)
class IlacsComparison:
    release: OutcomesRelease | None
    la_code: str
    la_name: str
    history: list[AuthorityInspection]  # the trust's authority's, newest first
    neighbour_model: str
    neighbours: list[NeighbourJudgement]
    summary: str
    blank: str  # why there is nothing to compare, or ""

    @property
    def latest(self) -> AuthorityInspection | None:
        return self.history[0] if self.history else None


NOT_IMPORTED = (
    "Ofsted's published ILACS judgements for every local authority have not been imported."
)
NO_LA_CODE = (
    "{organisation} has no local authority code recorded, so its authority cannot be found in "
    "Ofsted's file."
)
NO_HISTORY = "Ofsted's file has no ILACS inspection of local authority {la_code}."
NO_NEIGHBOUR_MODEL = (
    "No statistical-neighbour model has been imported, so there is none to compare."
)
NOT_IN_MODEL = "The statistical-neighbour model {model!r} does not list {la_name}."


def neighbour_summary(neighbours: list[NeighbourJudgement], *, la_name: str) -> str:
    """One sentence counting the neighbours by overall effectiveness, best first.

    Birmingham's ten 2025 neighbours read: "Of Birmingham's 10 statistical
    neighbours, 2 are judged Outstanding overall at their latest ILACS
    inspection, 4 Good, 3 Requires improvement to be good and 1 Inadequate."
    """
    total = len(neighbours)
    judged = [n.inspection.overall_effectiveness for n in neighbours if n.inspection]
    counts = [(judged.count(g), Grade(g).label) for g in FOUR_POINT_SCALE if g in judged]
    opening = f"Of {la_name}'s {total} statistical neighbour{'' if total == 1 else 's'}, "
    if not counts:
        return opening + "none has an ILACS judgement in Ofsted's file."
    (count, label), rest = counts[0], counts[1:]
    their = "its" if len(judged) == 1 else "their"
    phrases = [
        f"{count} {'is' if count == 1 else 'are'} judged {label} overall "
        f"at {their} latest ILACS inspection",
        *(f"{count} {label}" for count, label in rest),
    ]
    sentence = opening + and_list(phrases)
    if unjudged := total - len(judged):
        has = "has" if unjudged == 1 else "have"
        sentence += f"; {unjudged} {has} no ILACS judgement in Ofsted's file"
    return sentence + "."


def _latest_by_code(rows) -> dict[str, AuthorityInspection]:
    """Each authority's latest judgement: the latest sheet's, else its newest row."""
    found: dict[str, AuthorityInspection] = {}
    for row in rows:
        best = found.get(row.la_code)
        if best is None or (row.is_latest, row.inspection_date) > (
            best.is_latest,
            best.inspection_date,
        ):
            found[row.la_code] = row
    return found


def _neighbours(release, la_code: str, model) -> list[NeighbourJudgement]:
    """The model's neighbours of ``la_code``, nearest first, each with its closeness
    and latest judgement; one missing from Ofsted's file is named by its own row
    in the model, else by its code."""
    listed = neighbours_in(la_code=la_code, model=model)
    codes = [code for code, _ in listed]
    names = dict(
        Neighbour.objects.filter(model=model, la_code__in=codes, position=1).values_list(
            "la_code", "la_name"
        )
    )
    judged = _latest_by_code(release.authority_inspections.filter(la_code__in=codes))
    return [
        NeighbourJudgement(
            position=position,
            la_code=code,
            la_name=judged[code].la_name if code in judged else names.get(code, code),
            closeness=closeness,
            inspection=judged.get(code),
        )
        for position, (code, closeness) in enumerate(listed, start=1)
    ]


def ilacs_comparison(*, organisation: Organisation) -> IlacsComparison:
    """The organisation's authority's ILACS history and its neighbours' latest.

    Reads Ofsted's imported file (``import_inspection_outcomes``) and the most
    recently imported statistical-neighbour model. A fixed number of queries.
    """
    release = OutcomesRelease.objects.first()
    la_code = organisation.old_la_code
    empty = {"history": [], "neighbour_model": "", "neighbours": [], "summary": ""}
    if release is None:
        return IlacsComparison(
            release=None, la_code=la_code, la_name=organisation.name, blank=NOT_IMPORTED, **empty
        )
    if not la_code:
        blank = NO_LA_CODE.format(organisation=organisation.name)
        return IlacsComparison(
            release=release, la_code="", la_name=organisation.name, blank=blank, **empty
        )
    history = list(
        release.authority_inspections.filter(la_code=la_code).order_by("-inspection_date")
    )
    la_name = history[0].la_name if history else organisation.name
    model = neighbour_model_latest()
    neighbours = _neighbours(release, la_code, model) if model else []
    if not history:
        blank = NO_HISTORY.format(la_code=la_code)
    elif model is None:
        blank = NO_NEIGHBOUR_MODEL
    elif not neighbours:
        blank = NOT_IN_MODEL.format(model=model.name, la_name=la_name)
    else:
        blank = ""
    return IlacsComparison(
        release=release,
        la_code=la_code,
        la_name=la_name,
        history=history,
        neighbour_model=model.name if model else "",
        neighbours=neighbours,
        summary=neighbour_summary(neighbours, la_name=la_name) if neighbours else "",
        blank=blank,
    )


# Sort keys for the neighbours' table. Grades sort best first.
_GRADE_ORDER = {grade: index for index, grade in enumerate(FOUR_POINT_SCALE)}


def _grade_rank(row: NeighbourJudgement, field: str) -> int:
    return _GRADE_ORDER[getattr(row.inspection, field)]


def _sortable(row: NeighbourJudgement, key: str) -> bool:
    """Whether the row has what the sort reads: by date an inspection, by a
    judgement its grade (care leavers, judged with children in care before
    2023, have none of their own then)."""
    if key == "date":
        return row.inspection is not None
    if key in AUTHORITY_JUDGEMENT_FIELDS:
        return row.inspection is not None and getattr(row.inspection, key) in _GRADE_ORDER
    return True


NEIGHBOUR_SORT_KEYS = {
    "position": lambda row: row.position,
    "name": lambda row: row.la_name.lower(),
    "closeness": lambda row: row.position,  # DfE's closeness labels follow position
    "date": lambda row: row.inspection.inspection_date,
    **{field: partial(_grade_rank, field=field) for field in AUTHORITY_JUDGEMENT_FIELDS},
}


# Each sort in words, then reversed ("-key"): the "Sort neighbours by" offered
# where the column headers are out of sight. "closeness" is DfE's order.
NEIGHBOUR_SORT_LABELS = {
    "position": ("DfE's order, closest first", "DfE's order, least close first"),
    "name": ("Local authority, A to Z", "Local authority, Z to A"),
    "date": ("Inspected, earliest first", "Inspected, latest first"),
    **{
        field: (f"{short}, best first", f"{short}, worst first")
        for field, _, short in JUDGEMENT_AREAS
    },
}


def sort_neighbours(rows: list[NeighbourJudgement], sort: str) -> list[NeighbourJudgement]:
    """Sort by a column name; a leading ``-`` reverses. Unknown keys keep DfE's
    order. By date or a judgement, a neighbour without one is last either way."""
    key = sort.lstrip("-")
    if key not in NEIGHBOUR_SORT_KEYS:
        return rows
    ranked = [row for row in rows if _sortable(row, key)]
    unranked = [row for row in rows if not _sortable(row, key)]
    return sorted(ranked, key=NEIGHBOUR_SORT_KEYS[key], reverse=sort.startswith("-")) + unranked


def status_at(action: Action, day: dt.date) -> tuple[str, bool]:
    """An action's BRAG status as at ``day`` from its dated updates, and
    whether it comes from them: the status the latest update dated on or
    before ``day`` gave. Before its first such update an action that has
    them was not yet rated; one with no dated status update at all has only
    its status as recorded now (False). Reads ``action.updates.all()``, so
    prefetch them.

    (A minimal as-at lookup; the action's own status history, when kept,
    is the fuller record.)
    """
    rated = [u for u in action.updates.all() if u.dated and u.status]
    if not rated:
        return action.status, False
    before = [u for u in rated if u.dated <= day]
    if not before:
        return BRAG.NOT_RATED, True
    return max(before, key=lambda u: (u.dated, u.created_at)).status, True


# --- Contract rectification plans -------------------------------------------------


def rectification_plans(*, kpi: KPI) -> list[ActionPlan]:
    """The rectification plans raised against the KPI, newest first."""
    return list(kpi.rectification_plans.filter(kind=PlanKind.RECTIFICATION).order_by("-dated"))


def plan_actions(*, plan: ActionPlan, today: dt.date | None = None) -> list[ActionRow]:
    """The plan's actions in its order, each with its latest update and
    whether it is overdue today."""
    today = today or timezone.localdate()
    actions = plan.actions.prefetch_related("updates").order_by("order", "pk")
    return [_row(action, today) for action in actions]


def next_action_number(*, plan: ActionPlan) -> int:
    """One past the highest whole number among the plan's actions."""
    numbers = [int(n) for n in plan.actions.values_list("number", flat=True) if n.isdigit()]
    return max(numbers, default=0) + 1


def failures_with_plans(failures: list, plans: list[ActionPlan]) -> tuple[list, list]:
    """Each failing month (a KPI's rated row) with the plans raised against
    it; and the plans whose month is not (or no longer) among the failures."""
    months = {row.period for row in failures}
    by_month: defaultdict[dt.date, list[ActionPlan]] = defaultdict(list)
    for plan in plans:
        by_month[plan.failure_period].append(plan)
    others = [plan for plan in plans if plan.failure_period not in months]
    return [(row, by_month[row.period]) for row in failures], others
