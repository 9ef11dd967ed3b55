"""Reads: who is owed which reminder today. Nothing here sends or writes."""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from inspections.models import Action
from inspections.selectors import is_overdue
from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER
from kpis.models import Organisation, ReturnState
from kpis.periods import add_months, due_date, month_start
from kpis.selectors import ReturnMonth, return_month
from notifications.models import ReminderKind, ReminderPreference, SentReminder

# "A few days before a return is due": officers hear this many days ahead.
DUE_SOON_DAYS = 3

# The kinds each role can receive (action leads are any of the trust's staff).
KINDS_BY_ROLE = {
    PERFORMANCE_OFFICER: (
        ReminderKind.RETURN_DUE,
        ReminderKind.RETURN_OVERDUE,
        ReminderKind.ACTION_OVERDUE,
    ),
    COMMISSIONER: (ReminderKind.RETURN_SUBMITTED, ReminderKind.ACTION_OVERDUE),
}

_INITIALS = re.compile(r"[^\s/,;&+]+")


def preference(user) -> ReminderPreference:
    """The user's settings, or an unsaved all-on row: reading never creates one."""
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(user=user)


def kinds_for(user) -> list[str]:
    """The kinds of reminder this user can receive, in ``ReminderKind`` order."""
    groups = set(user.groups.values_list("name", flat=True))
    if not user.organisations.exists():
        return []
    kinds = {kind for group in groups for kind in KINDS_BY_ROLE.get(group, ())}
    return [kind for kind in ReminderKind.values if kind in kinds]


def recipients(*, organisation: Organisation, role: str, kind: str) -> list:
    """The organisation's staff in ``role`` with an email address who have not
    turned ``kind`` off."""
    users = (
        get_user_model()
        .objects.filter(organisations=organisation, groups__name=role, is_active=True)
        .exclude(email="")
        .select_related("reminder_preference")
        .order_by("username")
        .distinct()
    )
    return [user for user in users if _wants(user, kind)]


def _wants(user, kind: str) -> bool:
    try:
        return user.reminder_preference.wants(kind)
    except ReminderPreference.DoesNotExist:
        return True


def already_sent(*, kind: str, recipient, object_key: str, period: dt.date) -> bool:
    return SentReminder.objects.filter(
        kind=kind, recipient=recipient, object_key=object_key, period=period
    ).exists()


def return_due_soon(*, organisation: Organisation, today: dt.date) -> ReturnMonth | None:
    """Last month's return, when it is due within ``DUE_SOON_DAYS`` and not yet
    submitted; else None. Only last month's return can be due soon: this
    month's is due next month."""
    month = return_month(
        organisation=organisation, period=add_months(month_start(today), -1), today=today
    )
    days = (month.due - today).days
    unsent = month.state in ("none", ReturnState.DRAFT)
    return month if month.held and unsent and 0 <= days <= DUE_SOON_DAYS else None


def return_newly_overdue(*, organisation: Organisation, today: dt.date) -> ReturnMonth | None:
    """The latest month whose due date has passed, if its return is overdue
    (the returns list's rule, ``ReturnMonth.overdue``); else None. Earlier
    months were reminded about when they became overdue."""
    period = add_months(month_start(today), -1)
    if due_date(period) >= today:
        period = add_months(period, -1)
    month = return_month(organisation=organisation, period=period, today=today)
    return month if month.overdue else None


def lead_initials(lead: str) -> set[str]:
    """The initials an action's lead names: "VK / LJ / JoR" → {"vk", "lj", "jor"}."""
    return {token.casefold() for token in _INITIALS.findall(lead)}


@dataclass(frozen=True)
class LeadActions:
    user: object
    organisation: Organisation
    actions: list


def overdue_actions_by_lead(*, today: dt.date) -> list[LeadActions]:
    """Each action lead with an account (a staff member of the action's
    organisation whose initials the lead names) and their overdue actions
    (``inspections.selectors.is_overdue``), by organisation."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, reminder_preference__action_overdue=True)
        .exclude(email="")
        .exclude(reminder_preference__lead_initials="")
        .select_related("reminder_preference")
        .prefetch_related("organisations")
    )
    by_initials = {}
    for user in users:
        for organisation in user.organisations.all():
            key = (organisation.pk, user.reminder_preference.lead_initials.strip().casefold())
            by_initials.setdefault(key, []).append(user)
    found: dict[tuple, LeadActions] = {}
    actions = (
        Action.objects.filter(timescale__isnull=False)
        .exclude(lead="")
        .select_related("plan__organisation", "finding")
        .order_by("plan__organisation__name", "timescale", "pk")
    )
    for action in actions:
        if not is_overdue(timescale=action.timescale, status=action.status, today=today):
            continue
        organisation = action.plan.organisation
        for initials in lead_initials(action.lead):
            for user in by_initials.get((organisation.pk, initials), []):
                entry = found.setdefault(
                    (user.pk, organisation.pk), LeadActions(user, organisation, [])
                )
                entry.actions.append(action)
    return list(found.values())
