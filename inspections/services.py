"""Writes for inspections, findings and actions: validate, then save."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from inspections import outcomes
from inspections.models import (
    BEFORE_HISTORY,
    BRAG,
    Action,
    ActionPlan,
    ActionUpdate,
    AuthorityInspection,
    Finding,
    Inspection,
    Judgement,
    Lead,
    OutcomesRelease,
    PlanKind,
)
from kpis import rating
from kpis.access import can_commission
from kpis.services import year_label
from schedule6.selectors import failure_rule, kpi_month


def _baseline(obj) -> None:
    """Give a record loaded without history (a fixture) a first history row
    holding its state as loaded, so its history says what each change changed."""
    if obj.pk is None or obj.history.exists():
        return
    loaded = type(obj)._default_manager.filter(pk=obj.pk).first()
    if loaded is not None:
        loaded._history_user = None  # nobody in the app made this state
        get_history_manager_for_model(type(obj)).bulk_history_create(
            [loaded], default_change_reason=BEFORE_HISTORY
        )


def _save(obj, *, user=None, reason: str = "", clean: bool = True) -> None:
    """Save with who and why in its history (django-simple-history)."""
    _baseline(obj)
    obj._history_user = user
    obj._change_reason = reason
    if clean:
        obj.full_clean()
    obj.save()


def _delete(obj, *, user, reason: str) -> None:
    _baseline(obj)
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def _judgements_set(inspection: Inspection, judgements, *, user, reason: str) -> None:
    """Make the inspection's judgements the (area, grade) pairs given, in order:
    changed rows saved, extra rows deleted, each change in the history."""
    existing = list(inspection.judgements.order_by("order", "pk"))
    for order, (area, grade) in enumerate(judgements, start=1):
        if existing:
            judgement = existing.pop(0)
            if (judgement.area, judgement.grade, judgement.order) == (area, grade, order):
                continue
            judgement.area, judgement.grade, judgement.order = area, grade, order
        else:
            judgement = Judgement(inspection=inspection, area=area, grade=grade, order=order)
        _save(judgement, user=user, reason=reason)
    for judgement in existing:
        _delete(judgement, user=user, reason=reason)


@transaction.atomic
def inspection_create(*, organisation, judgements=(), user=None, **fields) -> Inspection:
    """Record an inspection and its judgements ((area, grade) pairs, in order)."""
    inspection = Inspection(organisation=organisation, **fields)
    _save(inspection, user=user, reason="Recorded")
    _judgements_set(inspection, judgements, user=user, reason="Recorded")
    return inspection


@transaction.atomic
def inspection_update(*, inspection: Inspection, user, reason: str, judgements, **fields):
    for name, value in fields.items():
        setattr(inspection, name, value)
    _save(inspection, user=user, reason=reason)
    if judgements is not None:  # None: leave them as they are
        _judgements_set(inspection, judgements, user=user, reason=reason)
    return inspection


def _actions_delete(actions, *, user, reason: str) -> None:
    for action in actions:
        for update in action.updates.all():
            _delete(update, user=user, reason=reason)
        _delete(action, user=user, reason=reason)


@transaction.atomic
def inspection_delete(*, inspection: Inspection, user, reason: str) -> None:
    """Delete the inspection with its judgements, findings and their actions,
    one history row each (a finding's actions would otherwise be orphaned)."""
    for finding in inspection.findings.all():
        _actions_delete(finding.actions.all(), user=user, reason=reason)
        _delete(finding, user=user, reason=reason)
    for judgement in inspection.judgements.all():
        _delete(judgement, user=user, reason=reason)
    _delete(inspection, user=user, reason=reason)


@transaction.atomic
def finding_create(*, inspection: Inspection, kpis=(), user=None, **fields) -> Finding:
    finding = Finding(organisation=inspection.organisation, inspection=inspection, **fields)
    _save(finding, user=user, reason="Recorded")
    finding.kpis.set(kpis)
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, user, reason: str, kpis=(), **fields) -> Finding:
    for name, value in fields.items():
        setattr(finding, name, value)
    _save(finding, user=user, reason=reason)
    finding.kpis.set(kpis)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, user, reason: str) -> None:
    """Delete the finding with its actions and their updates."""
    _actions_delete(finding.actions.all(), user=user, reason=reason)
    _delete(finding, user=user, reason=reason)


def _finding_place(plan: ActionPlan, finding: Finding) -> str:
    """The finding's number in the plan: its actions' if it has some there,
    else one past the plan's highest."""
    references = list(plan.actions.values_list("finding_id", "reference"))
    for finding_id, reference in references:
        if finding_id == finding.pk and "." in reference:
            return reference.split(".")[0]
    places = [int(r.split(".")[0]) for _, r in references if r.split(".")[0].isdigit()]
    return str(max(places, default=0) + 1)


# A rectification plan answers one Performance Failure, its item 1, as an
# Ofsted plan's finding 4 is item 4: its actions are 1.1, 1.2, …
RECTIFICATION_PLACE = "1"


def _reference(action: Action) -> str:
    if action.finding_id is None:
        if action.plan.kind == PlanKind.RECTIFICATION:
            return f"{RECTIFICATION_PLACE}.{action.number}"
        return action.number
    return f"{_finding_place(action.plan, action.finding)}.{action.number}"


def _check_reference_free(action: Action) -> None:
    taken = action.plan.actions.filter(reference=action.reference).exclude(pk=action.pk)
    if taken.exists():
        raise ValidationError(
            {"number": f"The plan already has an action {action.reference}."},
            code="action_number_taken",
        )


def _status_set(action: Action, status: str, *, user) -> None:
    """Blue is a commissioner's sign-off: who and when are kept."""
    if status == BRAG.BLUE and action.status != BRAG.BLUE:
        # No user: transcribed from a document by a command, signed off there.
        if user is not None and not can_commission(user, action.plan.organisation):
            raise PermissionDenied("Only a commissioner signs an action off as complete.")
        action.signed_off_by, action.signed_off_at = user, timezone.now()
        action.completion_proposed_by = action.completion_proposed_at = None
    elif status != BRAG.BLUE:
        action.signed_off_by = action.signed_off_at = None
    action.status = status


def _action_add(*, plan: ActionPlan, finding: Finding | None, user, status: str, **fields):
    """A numbered action at the end of the plan: its number checked free, its
    status set by the one rule (Blue is a sign-off), its history begun."""
    action = Action(finding=finding, plan=plan, order=plan.actions.count() + 1, **fields)
    action.reference = _reference(action)
    _check_reference_free(action)
    if status != BRAG.NOT_RATED:
        _status_set(action, status, user=user)
    _save(action, user=user, reason="Recorded")
    return action


@transaction.atomic
def action_create(*, finding: Finding, user=None, status: str = BRAG.NOT_RATED, **fields):
    """A numbered action against a finding, in the inspection's action plan."""
    plan = finding.actions.values_list("plan", flat=True).first()
    if plan is None:
        plan, _ = ActionPlan.objects.get_or_create(
            organisation=finding.organisation,
            inspection=finding.inspection,
            kind=PlanKind.OFSTED,
            defaults={
                "title": f"Action plan: {finding.inspection}",
                "dated": timezone.localdate(),
            },
        )
    else:
        plan = ActionPlan.objects.get(pk=plan)
    return _action_add(plan=plan, finding=finding, user=user, status=status, **fields)


@transaction.atomic
def rectification_action_create(
    *, plan: ActionPlan, user=None, status: str = BRAG.NOT_RATED, **fields
) -> Action:
    """A numbered action of a rectification plan (1.1, 1.2, …)."""
    return _action_add(plan=plan, finding=None, user=user, status=status, **fields)


# --- Contract rectification plans, each against one Performance Failure ----------

NOT_A_FAILURE = (
    "{code} was not a Performance Failure in {month}: it was rated {status}{rule}. A "
    "rectification plan answers a Performance Failure (see the monthly report, 4.2.3)."
)
FAILURE_RULE_IS = ", and a Performance Failure in {year} is {rule}"
FAILURE_NOT_HELD = "The app does not hold {month} for {organisation}: it has no failure to rectify."
DATED_BEFORE_FAILURE = "A plan against the {month} failure cannot be dated before 1 {month}."


def _check_failure(plan: ActionPlan) -> None:
    """The plan's KPI was a Performance Failure in its month, as the report's
    4.2.3 judges it (the year's rule on the rating engine's statuses)."""
    month = f"{plan.failure_period:%b %Y}"
    row, failed = kpi_month(kpi=plan.kpi, period=plan.failure_period, drafts=True)
    if row is None:
        message = FAILURE_NOT_HELD.format(month=month, organisation=plan.organisation)
        raise ValidationError({"failure_period": message}, code="failure_not_held")
    if not failed:
        status = rating.STATUS_LABELS.get(row.status, row.status)
        rule = failure_rule(organisation=plan.organisation, period=plan.failure_period)
        said = (
            FAILURE_RULE_IS.format(year=year_label(rule.contract_year), rule=rule.description)
            if rule
            else ""
        )
        message = NOT_A_FAILURE.format(code=plan.kpi.code, month=month, status=status, rule=said)
        raise ValidationError({"failure_period": message}, code="not_a_failure")


def _check_plan(plan: ActionPlan, *, failure_changed: bool) -> None:
    if plan.kpi.organisation_id != plan.organisation_id:
        message = "Choose one of the organisation's KPIs."
        raise ValidationError({"kpi": message}, code="kpi_elsewhere")
    if plan.dated < plan.failure_period:
        raise ValidationError(
            {"dated": DATED_BEFORE_FAILURE.format(month=f"{plan.failure_period:%b %Y}")},
            code="dated_before_failure",
        )
    if failure_changed:
        _check_failure(plan)


@transaction.atomic
def rectification_plan_create(*, organisation, kpi, failure_period, user, **fields) -> ActionPlan:
    """Raise a rectification plan against a KPI's Performance Failure in a month."""
    plan = ActionPlan(
        organisation=organisation, kind=PlanKind.RECTIFICATION, kpi=kpi,
        failure_period=failure_period, **fields,
    )  # fmt: skip
    _check_plan(plan, failure_changed=True)
    _save(plan, user=user, reason="Raised")
    return plan


@transaction.atomic
def rectification_plan_update(*, plan: ActionPlan, user, reason: str, **fields) -> ActionPlan:
    """Change the plan; a changed KPI or month must still be a failure (the
    figures of an unchanged one may have been corrected since it was raised)."""
    before = (plan.kpi_id, plan.failure_period)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_plan(plan, failure_changed=(plan.kpi_id, plan.failure_period) != before)
    _save(plan, user=user, reason=reason)
    return plan


@transaction.atomic
def rectification_plan_delete(*, plan: ActionPlan, user, reason: str) -> None:
    """Delete the plan with its actions and their updates, one history row each."""
    _actions_delete(plan.actions.all(), user=user, reason=reason)
    _delete(plan, user=user, reason=reason)


@transaction.atomic
def action_update(*, action: Action, user, reason: str, status: str, **fields) -> Action:
    for name, value in fields.items():
        setattr(action, name, value)
    action.reference = _reference(action)
    _check_reference_free(action)
    _status_set(action, status, user=user)
    _save(action, user=user, reason=reason)
    return action


@transaction.atomic
def action_delete(*, action: Action, user, reason: str) -> None:
    _actions_delete([action], user=user, reason=reason)


@transaction.atomic
def action_update_post(*, action: Action, author, dated, text: str, status: str) -> ActionUpdate:
    """Record a dated progress update and move the action to its new status.

    The earlier updates stay: an action's history is its list of updates. An
    update saying "complete" from anyone but a commissioner is a proposal:
    the action keeps its status until a commissioner signs it off.
    """
    update = ActionUpdate(action=action, author=author, dated=dated, text=text, status=status)
    proposal = (
        status == BRAG.BLUE
        and action.status != BRAG.BLUE
        and not can_commission(author, action.plan.organisation)
    )
    if proposal:
        update.status, update.proposes_complete = "", True
    _save(update, user=author, reason="Update posted")
    if proposal:
        action.completion_proposed_by, action.completion_proposed_at = author, timezone.now()
        _save(action, user=author, reason="Proposed complete", clean=False)
    elif status and status != action.status:
        _status_set(action, status, user=author)
        _save(action, user=author, reason=f"Update of {dated:%-d %b %Y}", clean=False)
    return update


@transaction.atomic
def action_sign_off(*, action: Action, user, reason: str = "Signed off as complete") -> Action:
    """A commissioner's sign-off: the action becomes Blue, with who and when."""
    _status_set(action, BRAG.BLUE, user=user)
    _save(action, user=user, reason=reason, clean=False)
    return action


@transaction.atomic
def completion_decline(*, action: Action, user, reason: str) -> Action:
    """A commissioner turns a proposal of "complete" down; the status stays."""
    if not can_commission(user, action.plan.organisation):
        raise PermissionDenied("Only a commissioner decides on a proposal of complete.")
    action.completion_proposed_by = action.completion_proposed_at = None
    _save(action, user=user, reason=reason, clean=False)
    return action


@transaction.atomic
def progress_update_edit(*, update: ActionUpdate, user, reason: str, dated, text: str):
    """Correct an update's date or words; the status it set is the action's history."""
    update.dated, update.text, update.dated_text = dated, text, ""
    _save(update, user=user, reason=reason)
    return update


@transaction.atomic
def progress_update_delete(*, update: ActionUpdate, user, reason: str) -> None:
    _delete(update, user=user, reason=reason)


@transaction.atomic
def lead_save(*, organisation, user, initials: str, name: str, role: str, lead=None) -> Lead:
    """Add to or correct the organisation's key of leads."""
    lead = lead or Lead(organisation=organisation)
    lead.initials, lead.name, lead.role = initials, name, role
    _save(lead, user=user, reason="Key of leads")
    return lead


@transaction.atomic
def lead_delete(*, lead: Lead, user, reason: str) -> None:
    _delete(lead, user=user, reason=reason)


# --- Ofsted's inspection outcomes for every local authority ----------------------


def la_codes_path() -> Path:
    """The table joining Ofsted's ONS codes to DfE's 3-digit codes (data/ofsted/)."""
    return settings.BASE_DIR / "data" / "ofsted" / "la_codes.csv"


@dataclass(frozen=True)
class OutcomesImport:
    release: OutcomesRelease
    inspections: int
    authorities: int
    latest: int
    replaced: int  # rows of the earlier import, now gone

    def summary(self) -> str:
        replaced = (
            f"; replaced the earlier import's {self.replaced:,} rows" if self.replaced else ""
        )
        as_at = self.release.as_at
        return (
            f"{self.inspections:,} ILACS inspections of {self.authorities:,} local authorities, "
            f"{self.latest:,} of them the latest judgements as at {as_at.day} {as_at:%B %Y}"
            f"{replaced}."
        )


def inspection_outcomes_import(
    *, name: str, data: bytes, la_codes: Mapping[str, str] | None = None
) -> OutcomesImport:
    """Read Ofsted's file and replace every authority inspection with it.

    All-or-nothing: ``outcomes.OutcomesFileError`` or ``OutcomesRowErrors``
    leave the earlier import as it was.
    """
    parsed = outcomes.parse_outcomes(
        name=name, data=data, la_codes=la_codes or outcomes.read_la_codes(la_codes_path())
    )
    release = OutcomesRelease(
        title=parsed.title, as_at=parsed.as_at, published_on=parsed.published_on, file_name=name
    )
    release.full_clean()
    rows = [AuthorityInspection(release=release, **asdict(i)) for i in parsed.inspections]
    for row in rows:
        # The parser has checked each authority and date once; the database's
        # constraints hold it too, so full_clean need not query for each row.
        row.full_clean(exclude=["release"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        replaced = AuthorityInspection.objects.count()
        OutcomesRelease.objects.all().delete()
        release.save()
        AuthorityInspection.objects.bulk_create(rows)
    return OutcomesImport(
        release=release,
        inspections=len(rows),
        authorities=len({i.new_la_code for i in parsed.inspections}),
        latest=len(parsed.latest),
        replaced=replaced,
    )
