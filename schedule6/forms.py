from django import forms

from schedule6.models import (
    AnnualReview,
    AuditActivity,
    AuditFinding,
    AuditTheme,
    FailureRule,
    FailureRuleKind,
    SummaryAnalysis,
    Survey,
)

_TEXT = {"rows": 6}


class SummaryAnalysisForm(forms.ModelForm):
    class Meta:
        model = SummaryAnalysis
        fields = [
            "title", "text", "no_failure_statement", "no_action_plans_statement",
            "no_rectification_plans_statement",
        ]  # fmt: skip
        widgets = {
            "text": forms.Textarea(attrs={"rows": 16}),
            "no_failure_statement": forms.Textarea(attrs={"rows": 2}),
            "no_action_plans_statement": forms.Textarea(attrs={"rows": 2}),
            "no_rectification_plans_statement": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"text": "Summary analysis and actions being taken"}


class AuditActivityForm(forms.ModelForm):
    class Meta:
        model = AuditActivity
        fields = [
            "service", "kind", "expected", "completed", "good", "requires_improvement",
            "inadequate",
        ]  # fmt: skip
        labels = {"expected": "Audits expected", "completed": "Audits completed"}


class AuditThemeForm(forms.ModelForm):
    class Meta:
        model = AuditTheme
        fields = ["strand", "theme"]
        widgets = {"theme": forms.Textarea(attrs={"rows": 2})}


class AuditFindingForm(forms.ModelForm):
    class Meta:
        model = AuditFinding
        fields = ["theme", "heading", "text"]
        widgets = {"text": forms.Textarea(attrs=_TEXT)}


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "carried_out", "statement", "title", "results", "analysis", "trends",
            "key_messages", "outcomes",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("statement", "results", "analysis", "trends", "key_messages", "outcomes")
        }
        labels = {"carried_out": "A survey was carried out (untick to record that none was)"}


class FailureRuleForm(forms.ModelForm):
    class Meta:
        model = FailureRule
        fields = ["kind", "months", "margin", "wording"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == FailureRuleKind.MARGIN and cleaned.get("margin") is None:
            self.add_error("margin", forms.ValidationError("A margin rule needs its margin."))
        return cleaned


class AnnualReviewForm(forms.ModelForm):
    class Meta:
        model = AnnualReview
        fields = [
            "went_well", "to_improve", "audits_statement", "surveys_statement",
            "rectification_statement", "next_framework",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 8})
            for name in (
                "went_well", "to_improve", "audits_statement", "surveys_statement",
                "rectification_statement", "next_framework",
            )
        }  # fmt: skip
        labels = {
            "went_well": "What went well",
            "to_improve": "What we still need to improve",
            "audits_statement": "Results of audits",
            "surveys_statement": "Results of surveys",
            "rectification_statement": "Outcomes of rectification plans",
            "next_framework": "Performance framework proposed for the next year",
        }
