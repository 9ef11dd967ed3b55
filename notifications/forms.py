from django import forms

from notifications.models import ReminderKind, ReminderPreference


class ReminderPreferenceForm(forms.ModelForm):
    """A box for each kind the user can receive (``kinds``), and their lead
    initials when they can lead actions."""

    class Meta:
        model = ReminderPreference
        fields = [*ReminderKind.values, "lead_initials"]
        labels = {
            **{kind.value: kind.label for kind in ReminderKind},
            "lead_initials": "Your initials as action plans name leads",
        }

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [*ReminderKind.values, "lead_initials"]:
            wanted = name in kinds or (
                name == "lead_initials" and ReminderKind.ACTION_OVERDUE in kinds
            )
            if not wanted:
                del self.fields[name]
        if "lead_initials" in self.fields:
            self.fields["lead_initials"].help_text = (
                "As the action tracker's Lead column names you, e.g. GT. "
                "Leave blank if you lead no actions."
            )
