"""Writes: sending reminders (each recorded, so none is sent twice) and
saving a person's reminder settings."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kpis.access import COMMISSIONER, PERFORMANCE_OFFICER
from kpis.models import MonthlyReturn, Organisation, ReturnState
from kpis.periods import format_period
from notifications import selectors
from notifications.models import ReminderKind, ReminderPreference, SentReminder


def _link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _send(*, kind, recipient, records, subject: str, template: str, context: dict) -> bool:
    """Record then send, in one transaction: a second run finds the record
    and sends nothing; a failed send leaves no record, so the next run tries
    again. ``records`` is a list of (object key, period)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                for object_key, period in records:
                    SentReminder.objects.create(
                        kind=kind, recipient=recipient, object_key=object_key, period=period
                    )
        except IntegrityError:
            return False  # another run sent it meanwhile
        body = render_to_string(
            template,
            {
                **context,
                "recipient": recipient,
                "name": recipient.get_full_name() or recipient.username,
                "preferences_link": _link("reminder_preferences"),
            },
        )
        send_mail(subject, body, None, [recipient.email])
    return True


def _unsent(kind: str, recipient, object_key: str, period: dt.date) -> bool:
    return not selectors.already_sent(
        kind=kind, recipient=recipient, object_key=object_key, period=period
    )


def _return_reminder(kind: str, organisation: Organisation, month, subject: str) -> int:
    object_key = f"organisation:{organisation.pk}"
    sent = 0
    for user in selectors.recipients(
        organisation=organisation, role=PERFORMANCE_OFFICER, kind=kind
    ):
        if not _unsent(kind, user, object_key, month.period):
            continue
        sent += _send(
            kind=kind,
            recipient=user,
            records=[(object_key, month.period)],
            subject=subject,
            template=f"notifications/email/{kind}.txt",
            context={
                "organisation": organisation,
                "month": month,
                "link": _link("return_detail", organisation.slug, format_period(month.period)),
            },
        )
    return sent


def returns_remind(*, today: dt.date) -> dict[str, int]:
    """Officers of each organisation: last month's return due in a few days,
    and the latest return that has become overdue."""
    sent = {ReminderKind.RETURN_DUE: 0, ReminderKind.RETURN_OVERDUE: 0}
    for organisation in Organisation.objects.all():
        due = selectors.return_due_soon(organisation=organisation, today=today)
        if due:
            sent[ReminderKind.RETURN_DUE] += _return_reminder(
                ReminderKind.RETURN_DUE,
                organisation,
                due,
                f"{organisation.name}: the {due.period:%B %Y} return is due on {due.due:%-d %B %Y}",
            )
        overdue = selectors.return_newly_overdue(organisation=organisation, today=today)
        if overdue:
            sent[ReminderKind.RETURN_OVERDUE] += _return_reminder(
                ReminderKind.RETURN_OVERDUE,
                organisation,
                overdue,
                f"{organisation.name}: the {overdue.period:%B %Y} return is overdue",
            )
    return sent


def actions_remind(*, today: dt.date) -> int:
    """Each action lead with an account: one email listing the overdue
    actions they lead that they have not been told about."""
    kind = ReminderKind.ACTION_OVERDUE
    sent = 0
    for entry in selectors.overdue_actions_by_lead(today=today):
        actions = [
            action
            for action in entry.actions
            if _unsent(kind, entry.user, f"action:{action.pk}", action.timescale)
        ]
        if not actions:
            continue
        count = len(actions)
        sent += _send(
            kind=kind,
            recipient=entry.user,
            records=[(f"action:{action.pk}", action.timescale) for action in actions],
            subject=(
                f"{entry.organisation.name}: {count} actions you lead are past their timescale"
                if count > 1
                else f"{entry.organisation.name}: an action you lead is past its timescale"
            ),
            template="notifications/email/action_overdue.txt",
            context={
                "organisation": entry.organisation,
                "actions": actions,
                "link": _link("action_tracker", entry.organisation.slug),
            },
        )
    return sent


def daily_reminders_send(today: dt.date | None = None) -> dict[str, int]:
    """The daily job (``notifications.schedule.DAILY_JOBS``): every reminder
    owed today that has not been sent."""
    today = today or timezone.localdate()
    sent = returns_remind(today=today)
    sent[ReminderKind.ACTION_OVERDUE] = actions_remind(today=today)
    return {str(kind): count for kind, count in sent.items()}


def return_submitted_notify(*, monthly_return_id: int, version: int) -> int:
    """Commissioners of the organisation: a return is waiting for review. Sent
    for this submission (``version``) only, and only while it still waits."""
    kind = ReminderKind.RETURN_SUBMITTED
    monthly_return = (
        MonthlyReturn.objects.select_related("organisation", "submitted_by")
        .filter(pk=monthly_return_id, version=version, state=ReturnState.SUBMITTED)
        .first()
    )
    if monthly_return is None:
        return 0  # reopened or reviewed before the worker got to it
    organisation = monthly_return.organisation
    object_key = f"return:{monthly_return.pk}:v{version}"
    submitter = monthly_return.submitted_by
    sent = 0
    for user in selectors.recipients(organisation=organisation, role=COMMISSIONER, kind=kind):
        if user == submitter or not _unsent(kind, user, object_key, monthly_return.period):
            continue
        sent += _send(
            kind=kind,
            recipient=user,
            records=[(object_key, monthly_return.period)],
            subject=(
                f"{organisation.name}: the {monthly_return.period:%B %Y} return "
                "is waiting for review"
            ),
            template="notifications/email/return_submitted.txt",
            context={
                "organisation": organisation,
                "monthly_return": monthly_return,
                "submitter": (submitter.get_full_name() or submitter.username)
                if submitter
                else "An officer",
                "submitted_on": timezone.localtime(monthly_return.submitted_at),
                "link": _link(
                    "return_detail", organisation.slug, format_period(monthly_return.period)
                ),
            },
        )
    return sent


@transaction.atomic
def preference_save(*, user, kinds: dict[str, bool], lead_initials: str | None = None):
    """Save the user's choices for ``kinds`` (others keep their value)."""
    found, _ = ReminderPreference.objects.get_or_create(user=user)
    for kind, on in kinds.items():
        setattr(found, ReminderKind(kind).value, bool(on))
    if lead_initials is not None:
        found.lead_initials = lead_initials.strip()
    found.save()
    return found
