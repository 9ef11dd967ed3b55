from django import forms

from national.models import Measure


class NationalMeasureLinkForm(forms.Form):
    """Which national measure a KPI is compared with (blank: none)."""

    measure = forms.ModelChoiceField(
        queryset=Measure.objects.order_by("title"),
        required=False,
        empty_label="None (not compared)",
        label="National measure",
    )


class MeasureYearForm(forms.Form):
    """The measure page's year and sort (GET)."""

    year = forms.CharField(required=False)
    sort = forms.CharField(required=False)
