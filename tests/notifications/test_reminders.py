"""Reminder emails (Django's locmem backend: mail.outbox): each kind, who
gets it, opt-out, and that a second run sends nothing new."""

import datetime as dt

import pytest
from django.core import mail

from inspections import services as inspection_services
from inspections.models import BRAG, FindingKind, InspectionKind
from kpis import services as kpi_services
from kpis.models import MonthlyReturn, Organisation
from notifications import services
from notifications.models import ReminderKind, SentReminder
from notifications.services import daily_reminders_send
from tests.conftest import _user

# Nov 2018's return is due on Mon 17 Dec 2018 (17 days after month end).
DUE_IN_TWO_DAYS = dt.date(2018, 12, 15)
DAY_AFTER_DUE = dt.date(2018, 12, 18)


@pytest.fixture
def live(seeds, officer, sandwell_officer, commissioner):
    """Both trusts owe Nov 2018: Birmingham's record runs on, Sandwell's
    Nov 2018 return is not in."""
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    MonthlyReturn.objects.filter(
        organisation__slug="sandwell", period=dt.date(2018, 11, 1)
    ).delete()
    for user in (officer, sandwell_officer, commissioner):
        user.email = f"{user.username}@example.org"
        user.save()
    return seeds


def _to(address):
    return [message for message in mail.outbox if address in message.to]


def test_officers_hear_of_their_own_trusts_return_due_in_a_few_days(live):
    sent = daily_reminders_send(today=DUE_IN_TWO_DAYS)

    assert sent[ReminderKind.RETURN_DUE] == 2
    [birmingham] = _to("officer@example.org")
    assert birmingham.subject == (
        "Birmingham Children's Trust: the November 2018 return is due on 17 December 2018"
    )
    assert "due on Monday 17 December 2018. It has not been submitted yet" in birmingham.body
    assert "http://testserver/o/birmingham/returns/2018-11/" in birmingham.body
    assert "Sandwell" not in birmingham.body + birmingham.subject
    [sandwell] = _to("sandwell-officer@example.org")
    assert "Sandwell Children's Trust" in sandwell.subject
    assert "/o/sandwell/returns/2018-11/" in sandwell.body
    assert "Birmingham" not in sandwell.body + sandwell.subject
    # Commissioners are told of submissions, not of returns falling due.
    assert _to("commissioner@example.org") == []


def test_no_reminder_a_week_before_the_due_date(live):
    assert daily_reminders_send(today=dt.date(2018, 12, 10))[ReminderKind.RETURN_DUE] == 0
    assert mail.outbox == []


def test_a_submitted_return_is_not_reminded_about(live, officer):
    birmingham = live["birmingham"]
    monthly_return = kpi_services.monthly_return_get_or_create(
        organisation=birmingham, period=dt.date(2018, 11, 1)
    )
    kpi_services.monthly_return_submit(
        monthly_return=monthly_return, version=monthly_return.version, user=officer
    )
    mail.outbox.clear()

    daily_reminders_send(today=DUE_IN_TWO_DAYS)

    assert _to("officer@example.org") == []


def test_officers_hear_once_when_the_return_becomes_overdue(live):
    daily_reminders_send(today=DAY_AFTER_DUE)

    [message] = _to("officer@example.org")
    assert message.subject == "Birmingham Children's Trust: the November 2018 return is overdue"
    assert (
        "was due on Monday 17 December 2018 and has not been submitted, so it is now overdue"
        in message.body
    )

    mail.outbox.clear()
    again = daily_reminders_send(today=DAY_AFTER_DUE)
    later = daily_reminders_send(today=DAY_AFTER_DUE + dt.timedelta(days=3))
    assert mail.outbox == []
    assert again[ReminderKind.RETURN_OVERDUE] == later[ReminderKind.RETURN_OVERDUE] == 0
    assert SentReminder.objects.filter(kind=ReminderKind.RETURN_OVERDUE).count() == 2


def test_the_daily_job_twice_sends_nothing_new(live):
    daily_reminders_send(today=DUE_IN_TWO_DAYS)
    first = len(mail.outbox)
    daily_reminders_send(today=DUE_IN_TWO_DAYS)
    daily_reminders_send(today=DUE_IN_TWO_DAYS + dt.timedelta(days=1))
    assert first == 2
    assert len(mail.outbox) == first


def test_an_officer_who_turned_a_kind_off_gets_none_of_it(live, officer):
    services.preference_save(user=officer, kinds={ReminderKind.RETURN_DUE: False})

    daily_reminders_send(today=DUE_IN_TWO_DAYS)
    assert _to("officer@example.org") == []
    daily_reminders_send(today=DAY_AFTER_DUE)
    [overdue] = _to("officer@example.org")  # the other kind still comes
    assert "overdue" in overdue.subject


def test_a_failed_send_is_not_recorded_so_the_next_run_sends_it(live, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.failing_backend.EmailBackend"}}
    with pytest.raises(ConnectionRefusedError):
        daily_reminders_send(today=DUE_IN_TWO_DAYS)
    assert SentReminder.objects.count() == 0

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    daily_reminders_send(today=DUE_IN_TWO_DAYS)
    assert len(mail.outbox) == 2


# --- submitted: commissioners -------------------------------------------------


def _submit(organisation, user, django_capture_on_commit_callbacks):
    monthly_return = kpi_services.monthly_return_get_or_create(
        organisation=organisation, period=dt.date(2018, 11, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        kpi_services.monthly_return_submit(
            monthly_return=monthly_return, version=monthly_return.version, user=user
        )
    return monthly_return


def test_commissioners_hear_when_a_return_is_submitted(
    live, officer, django_capture_on_commit_callbacks
):
    officer.first_name, officer.last_name = "Olive", "Officer"
    officer.save()
    _submit(live["birmingham"], officer, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == ["commissioner@example.org"]
    assert message.subject == (
        "Birmingham Children's Trust: the November 2018 return is waiting for review"
    )
    assert "Olive Officer submitted the monthly return for November 2018" in message.body
    assert "http://testserver/o/birmingham/returns/2018-11/" in message.body
    assert "http://testserver/account/reminders/" in message.body


def test_nothing_is_sent_when_the_submit_is_refused_or_rolled_back(
    live, officer, django_capture_on_commit_callbacks
):
    birmingham = live["birmingham"]
    monthly_return = kpi_services.monthly_return_get_or_create(
        organisation=birmingham, period=dt.date(2018, 11, 1)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(kpi_services.ReturnConflict):
            kpi_services.monthly_return_submit(
                monthly_return=monthly_return, version=monthly_return.version + 5, user=officer
            )
    assert callbacks == []
    assert mail.outbox == []


def test_a_commissioner_who_turned_submissions_off_is_not_told(
    live, officer, commissioner, django_capture_on_commit_callbacks
):
    services.preference_save(user=commissioner, kinds={ReminderKind.RETURN_SUBMITTED: False})
    _submit(live["birmingham"], officer, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_commissioner_of_another_trust_is_not_told(
    live, officer, django_capture_on_commit_callbacks
):
    _user("sandwell-commissioner", "Commissioner", [live["sandwell"]], email="sc@example.org")
    _submit(live["birmingham"], officer, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["commissioner@example.org"]]


def test_a_resubmission_after_reopening_is_told_again_but_one_submission_once(
    live, officer, commissioner, django_capture_on_commit_callbacks
):
    monthly_return = _submit(live["birmingham"], officer, django_capture_on_commit_callbacks)
    services.return_submitted_notify(
        monthly_return_id=monthly_return.pk, version=monthly_return.version
    )
    assert len(mail.outbox) == 1  # the same submission twice: one email
    kpi_services.monthly_return_reopen(
        monthly_return=monthly_return, version=monthly_return.version, user=commissioner,
        reason="TEST figures to check",
    )  # fmt: skip
    monthly_return.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        kpi_services.monthly_return_submit(
            monthly_return=monthly_return, version=monthly_return.version, user=officer
        )
    assert len(mail.outbox) == 2


# --- overdue actions: leads with an account ----------------------------------


@pytest.fixture
def actions(live):
    birmingham = live["birmingham"]
    inspection = inspection_services.inspection_create(
        organisation=birmingham, kind=InspectionKind.FOCUSED_VISIT, title="TEST visit",
        start_date=dt.date(2018, 9, 1),
    )  # fmt: skip
    finding = inspection_services.finding_create(
        inspection=inspection, kind=FindingKind.AREA_FOR_IMPROVEMENT, text="TEST finding"
    )

    def action(number, lead, timescale, status=BRAG.AMBER):
        return inspection_services.action_create(
            finding=finding, number=number, text=f"TEST action {number}", lead=lead,
            timescale=timescale, status=status,
        )  # fmt: skip

    return {
        "overdue": action("1", "VK / GT", dt.date(2018, 10, 1)),
        "also_overdue": action("2", "GT", dt.date(2018, 9, 1), BRAG.RED),
        "blue": action("3", "GT", dt.date(2018, 10, 1), BRAG.BLUE),
        "not_yet": action("4", "GT", dt.date(2018, 12, 1)),
        "someone_else": action("5", "VK", dt.date(2018, 10, 1)),
    }


def test_a_lead_with_an_account_hears_of_their_overdue_actions_once(live, officer, actions):
    services.preference_save(user=officer, kinds={}, lead_initials="gt")

    sent = daily_reminders_send(today=DUE_IN_TWO_DAYS)

    assert sent[ReminderKind.ACTION_OVERDUE] == 1
    [message] = [m for m in _to("officer@example.org") if "action" in m.subject]
    assert message.subject == (
        "Birmingham Children's Trust: 2 actions you lead are past their timescale"
    )
    assert "- Action 1 (finding: TEST finding): TEST action 1" in message.body
    assert "- Action 2 (finding: TEST finding): TEST action 2" in message.body
    assert "Timescale October 2018; status Amber" in message.body
    for number in ("3", "4", "5"):  # Blue, not past its timescale, someone else's
        assert f"TEST action {number}" not in message.body
    assert "http://testserver/o/birmingham/actions/" in message.body

    mail.outbox.clear()
    daily_reminders_send(today=DUE_IN_TWO_DAYS + dt.timedelta(days=1))
    assert [m for m in mail.outbox if "action" in m.subject] == []


def test_a_lead_of_another_trust_with_the_same_initials_hears_nothing(
    live, sandwell_officer, actions
):
    services.preference_save(user=sandwell_officer, kinds={}, lead_initials="GT")
    assert daily_reminders_send(today=DUE_IN_TWO_DAYS)[ReminderKind.ACTION_OVERDUE] == 0


def test_a_lead_who_turned_action_reminders_off_hears_nothing(live, officer, actions):
    services.preference_save(
        user=officer, kinds={ReminderKind.ACTION_OVERDUE: False}, lead_initials="GT"
    )
    assert daily_reminders_send(today=DUE_IN_TWO_DAYS)[ReminderKind.ACTION_OVERDUE] == 0
