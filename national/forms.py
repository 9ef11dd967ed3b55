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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The measures read once, in one plain query: the KPI page's template
        # counts the choices and then lists them, a query each from the
        # field's own iterator (on PostgreSQL, a server-side cursor each).
        field = self.fields["measure"]
        choices = field.iterator(field)
        field.choices = [("", field.empty_label), *map(choices.choice, field.queryset)]


class MeasureYearForm(forms.Form):
    """The measure page's year and sort (GET)."""

    year = forms.CharField(required=False)
    sort = forms.CharField(required=False)
