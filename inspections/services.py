"""Writes for inspections, findings and actions: validate, then save."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspections import outcomes
from inspections.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    AuthorityInspection,
    Finding,
    Inspection,
    OutcomesRelease,
    PlanKind,
)


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
