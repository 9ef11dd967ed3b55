"""Reminders: what each person wants emailed, what was sent, which daily runs
have been enqueued. Data and invariants only."""

from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    RETURN_DUE = "return_due", "A return is due in a few days"
    RETURN_OVERDUE = "return_overdue", "A return is overdue"
    RETURN_SUBMITTED = "return_submitted", "A return has been submitted for review"
    ACTION_OVERDUE = "action_overdue", "An action I lead is overdue"


class ReminderPreference(models.Model):
    """One row per person who changed a setting; without a row every kind is on.
    Each boolean is named as its ``ReminderKind`` value."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    return_due = models.BooleanField(default=True)
    return_overdue = models.BooleanField(default=True)
    return_submitted = models.BooleanField(default=True)
    action_overdue = models.BooleanField(default=True)
    # Action plans name leads by initials ("GT", "JoR"); this says which are
    # this person's, so an overdue action reaches its lead.
    lead_initials = models.CharField(
        max_length=10,
        blank=True,
        help_text="As action plans name you as a lead, e.g. GT",
    )

    def __str__(self):
        return f"Reminders for {self.user}"

    def wants(self, kind: str) -> bool:
        return getattr(self, kind)


class SentReminder(models.Model):
    """A reminder that was sent: the unique constraint is what makes a second
    run of the daily job send nothing new."""

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    # What it was about, e.g. "organisation:3", "return:12:v4", "action:57".
    object_key = models.CharField(max_length=50)
    # The month it was about: the return's month, or the action's timescale.
    period = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "object_key", "period"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.object_key}, {self.period})"


class DailyRun(models.Model):
    """A daily job enqueued for a day: the scheduler enqueues a job only by
    creating this row, so a restart or a second scheduler enqueues it once."""

    job = models.CharField(max_length=200)
    day = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="daily_run_once")]

    def __str__(self):
        return f"{self.job} on {self.day}"
