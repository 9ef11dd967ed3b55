from django import forms

from inspections.models import (
    BRAG,
    Action,
    ActionPlan,
    ActionUpdate,
    Finding,
    FindingKind,
    Grade,
    Inspection,
    InspectionKind,
    Lead,
    PlanKind,
)
from inspections.ofsted import FOUR_POINT_SCALE
from kpis.periods import PeriodError, latest_ahead, parse_period

# ISO, as a date input reads it (the locale's format would show an edited date blank).
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


class ReasonForm(forms.Form):
    """Why a record is changed or deleted: kept in its history."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        label="Reason for the change",
        help_text="Kept in the history with your name and the time",
        error_messages={"required": "Say why, for the history."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why, for the history.", code="required")
        return reason


class SignOffForm(forms.Form):
    """A commissioner's decision on a proposal of complete. One form for both
    buttons, so a note typed before "Sign off" is kept, not dropped; turning
    the proposal down needs one (the view checks)."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        label="Note for the history",
        help_text="Kept with your name and the time. Needed to turn the proposal down.",
    )


_INTERIM = [(g.value, g.label) for g in Grade if g not in FOUR_POINT_SCALE]


class JudgementForm(forms.Form):
    area = forms.CharField(max_length=300, required=False, help_text="e.g. Overall effectiveness")
    grade = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("Ofsted's four-point scale", [(g.value, g.label) for g in FOUR_POINT_SCALE]),
            ("Monitoring and interim inspections", _INTERIM),
        ],
        label="Judgement",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        area, grade = cleaned.get("area", "").strip(), cleaned.get("grade")
        if area and not grade:
            self.add_error("grade", forms.ValidationError("Choose the judgement.", code="no_grade"))
        if grade and not area:
            self.add_error("area", forms.ValidationError("Name the area judged.", code="no_area"))
        cleaned["area"] = area
        return cleaned


class BaseJudgementFormSet(forms.BaseFormSet):
    def __init__(self, *args, kind=None, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        if self.kind == InspectionKind.ILACS:
            for form in self.forms:
                grade = form.cleaned_data.get("grade")
                if grade and grade not in FOUR_POINT_SCALE:
                    form.add_error(
                        "grade",
                        forms.ValidationError(
                            "An ILACS judgement is on Ofsted's four-point scale.",
                            code="not_four_point",
                        ),
                    )

    def judgements(self) -> list[tuple[str, str]]:
        """(area, grade) of each filled row, in order."""
        return [
            (form.cleaned_data["area"], form.cleaned_data["grade"])
            for form in self.forms
            if form.cleaned_data.get("area")
        ]


JudgementFormSet = forms.formset_factory(
    JudgementForm, formset=BaseJudgementFormSet, extra=2, max_num=20, validate_max=True
)


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
        help_texts = {
            "number": "Its number under the finding, as the plan prints it, e.g. 3",
            "lead": "As the plan prints it; separate leads with a slash, e.g. LH / GT",
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.timescale and not self.is_bound:
            self.initial["timescale"] = f"{self.instance.timescale:%b-%y}"
        plan = plan or (self.instance.plan if self.instance.plan_id else None)
        if plan is not None and plan.kind == PlanKind.RECTIFICATION:
            self.fields["number"].help_text = (
                "Its number in the plan, e.g. 2: the failure is the plan's item 1, so "
                "action 2 is 1.2"
            )

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if not number.isdigit():
            raise forms.ValidationError(
                "A whole number, as the plan prints it under the finding (e.g. 3).",
                code="malformed_number",
            )
        return str(int(number))

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
        self.fields["status"].help_text = (
            "Blue (complete) needs a commissioner's sign-off: from anyone else it is a "
            "proposal, and the status stays until a commissioner signs it off."
        )


class ActionUpdateEditForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["dated", "text"]
        widgets = {"dated": _DATE, "text": forms.Textarea(attrs={"rows": 3})}
        labels = {"dated": "Date of the update", "text": "Progress"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dated"].required = True


class LeadForm(forms.ModelForm):
    class Meta:
        model = Lead
        fields = ["initials", "name", "role"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_initials(self):
        initials = self.cleaned_data["initials"].strip()
        taken = self.organisation.leads.filter(initials=initials).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"The key already has {initials}.", code="lead_taken")
        return initials


class RectificationPlanForm(forms.ModelForm):
    """A rectification plan against a KPI's Performance Failure in a month;
    the service checks that the month was one."""

    failure_period = forms.CharField(
        label="Month of the Performance Failure",
        help_text="As the monthly report's 4.2.3 lists it, e.g. 2018-10 or Oct-18",
    )

    class Meta:
        model = ActionPlan
        fields = ["kpi", "failure_period", "title", "dated", "lead"]
        widgets = {"dated": _DATE}
        labels = {"kpi": "KPI that failed", "dated": "Date of the plan", "lead": "Plan lead"}
        help_texts = {
            "title": "e.g. KPI2 rectification plan",
            "dated": "Not before the month of the failure",
            "lead": "As the plan names them, e.g. initials in the key of leads",
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = organisation.kpis.all()
        self.fields["kpi"].required = True
        self.fields["kpi"].empty_label = "Choose the KPI"
        if self.instance.pk and self.instance.failure_period and not self.is_bound:
            self.initial["failure_period"] = f"{self.instance.failure_period:%Y-%m}"

    def clean_failure_period(self):
        try:
            return parse_period(self.cleaned_data["failure_period"].strip())
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="malformed_period") from None
