from django import forms

from inspections.models import BRAG, Action, ActionUpdate, Finding, FindingKind, Inspection
from kpis.periods import PeriodError, latest_ahead, parse_period

_DATE = forms.DateInput(attrs={"type": "date"})


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "kind", "title", "setting", "start_date", "end_date", "published_date",
            "focus", "lead_inspector", "inspectors", "summary", "letter",
        ]  # fmt: skip
        widgets = {"start_date": _DATE, "end_date": _DATE, "published_date": _DATE,
                   "focus": forms.Textarea(attrs={"rows": 3}),
                   "summary": forms.Textarea(attrs={"rows": 4})}  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                forms.ValidationError(
                    "The last day cannot be before the first day.", code="end_before_start"
                ),
            )
        return cleaned


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["kind", "text", "detail", "service_area", "due_date", "kpis", "kpi_link_reason"]
        widgets = {"due_date": _DATE, "text": forms.Textarea(attrs={"rows": 3}),
                   "detail": forms.Textarea(attrs={"rows": 3}),
                   "kpis": forms.CheckboxSelectMultiple,
                   "kpi_link_reason": forms.Textarea(attrs={"rows": 2})}  # fmt: skip
        labels = {"kpis": "KPIs it bears on"}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpis"].queryset = organisation.kpis.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == FindingKind.REQUIREMENT and not cleaned.get("due_date"):
            self.add_error(
                "due_date",
                forms.ValidationError(
                    "A statutory requirement needs the date it is due by.", code="requirement_due"
                ),
            )
        return cleaned


class ActionForm(forms.ModelForm):
    timescale = forms.CharField(
        required=False, help_text="The month it is due by, e.g. 2023-07 or Jul-23"
    )

    class Meta:
        model = Action
        fields = ["number", "text", "lead", "timescale", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean_timescale(self):
        text = self.cleaned_data["timescale"].strip()
        if not text:
            return None
        try:
            return parse_period(text, latest=latest_ahead())
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="malformed_period") from None


class ActionUpdateForm(forms.ModelForm):
    status = forms.ChoiceField(choices=BRAG.choices, label="Status after this update")

    class Meta:
        model = ActionUpdate
        fields = ["dated", "text", "status"]
        widgets = {"dated": _DATE, "text": forms.Textarea(attrs={"rows": 3})}
        labels = {"dated": "Date of the update", "text": "Progress"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated"].required = True
