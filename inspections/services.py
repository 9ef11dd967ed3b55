"""Writes for inspections, findings and actions: validate, then save."""

from django.db import transaction
from django.utils import timezone

from inspections.models import Action, ActionPlan, ActionUpdate, Finding, Inspection, PlanKind


@transaction.atomic
def inspection_create(*, organisation, **fields) -> Inspection:
    inspection = Inspection(organisation=organisation, **fields)
    inspection.full_clean()
    inspection.save()
    return inspection


@transaction.atomic
def finding_create(*, inspection: Inspection, kpis=(), **fields) -> Finding:
    finding = Finding(organisation=inspection.organisation, inspection=inspection, **fields)
    finding.full_clean()
    finding.save()
    finding.kpis.set(kpis)
    return finding


@transaction.atomic
def action_create(*, finding: Finding, **fields) -> Action:
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
    action = Action(finding=finding, plan=plan, order=finding.actions.count() + 1, **fields)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update_post(*, action: Action, author, dated, text: str, status: str) -> ActionUpdate:
    """Record a dated progress update and move the action to its new status.

    The earlier updates stay: an action's history is its list of updates.
    """
    update = ActionUpdate(action=action, author=author, dated=dated, text=text, status=status)
    update.full_clean()
    update.save()
    if status and status != action.status:
        action.status = status
        action.save(update_fields=["status"])
    return update
