from django import forms

from kpis import rating, selectors
from kpis.periods import PeriodError, format_period, label_period, parse_period


class DashboardFilterForm(forms.Form):
    """The dashboard's month picker, filters and sort, all from the query string."""

    period = forms.ChoiceField(label="Month", required=False)
    service_area = forms.ChoiceField(label="Service area", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *rating.STATUS_LABELS.items()],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Latest month with data")] + [
            (format_period(p), label_period(p)) for p in selectors.available_periods(organisation)
        ]
        areas = sorted(set(organisation.kpis.values_list("service_area", flat=True)) - {""})
        self.fields["service_area"].choices = [("", "All areas")] + [(a, a) for a in areas]

    def clean_period(self):
        text = self.cleaned_data["period"]
        if not text:
            return None
        try:
            return parse_period(text)
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="malformed_period") from None

    def clean_sort(self):
        sort = self.cleaned_data["sort"]
        return sort if sort.lstrip("-") in selectors.SORT_KEYS else "order"

    @staticmethod
    def defaults() -> dict:
        return {"period": None, "service_area": "", "status": "", "sort": "order"}
