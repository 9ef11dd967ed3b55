from django import forms

from kpis import plausibility, rating, selectors
from kpis.imports import cells
from kpis.periods import PeriodError, format_period, label_period, parse_period


def _sort_choices():
    """Each of the dashboard's sorts and its reverse; "order" is "code"."""
    choices = []
    for key, (ascending, descending) in selectors.SORT_LABELS.items():
        choices += [("order" if key == "code" else key, ascending), (f"-{key}", descending)]
    return choices


class DashboardFilterForm(forms.Form):
    """The dashboard's month picker, filters and sort, all from the query string."""

    period = forms.ChoiceField(label="Month", required=False)
    service_area = forms.ChoiceField(label="Service area", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *rating.STATUS_LABELS.items()],
    )
    # Lenient (clean_sort): an unknown sort is the contract order, the
    # other filters kept.
    sort = forms.CharField(
        label="Sort by", required=False, widget=forms.Select(choices=_sort_choices())
    )

    def __init__(self, *args, organisation, drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Latest month with data")] + [
            (format_period(p), label_period(p))
            for p in selectors.available_periods(organisation, drafts=drafts)
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


class ReturnFilterForm(forms.Form):
    """The returns list's filter by state, from the query string."""

    state = forms.ChoiceField(
        label="State",
        required=False,
        initial="",
        choices=[
            ("", "All states"),
            *((key, label) for key, (label, _) in selectors.RETURN_FILTERS.items()),
        ],
    )
    # The months an upload saved, comma-separated (``2019-01,2019-02``): where
    # the officer lands after saving a file of several months.
    months = forms.CharField(required=False, max_length=2_000, widget=forms.HiddenInput)

    def clean_months(self):
        text = self.cleaned_data["months"].strip()
        if not text:
            return []
        try:
            return sorted({parse_period(part.strip()) for part in text.split(",")}, reverse=True)
        except PeriodError as error:
            raise forms.ValidationError(str(error), code="malformed_period") from None


def clean_reading_value(raw, kpi):
    """A value as typed, through the one parser the imports use."""
    try:
        return cells.parse_value(raw, kpi)
    except ValueError as error:
        # Said as the form has it (a box, not a file's layouts) where it differs.
        message = getattr(error, "on_form", str(error))
        raise forms.ValidationError(message, code="bad_value") from None


class ReturnReviewForm(forms.Form):
    """A commissioner's accept or reopen: the version they read and, to
    reopen, a reason (kept whole in the return and its history)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("accept", "Accept"), ("reopen", "Reopen")])
    reason = forms.CharField(required=False, max_length=2_000)


class ReturnPreviewForm(forms.Form):
    """What the return form's live status chip sends: a KPI of the
    organisation, by id, and the value, numerator and denominator typed."""

    kpi = forms.ModelChoiceField(queryset=None)
    value = forms.CharField(required=False, strip=False)
    numerator = forms.CharField(required=False, strip=False)
    denominator = forms.CharField(required=False, strip=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = organisation.kpis.all()


class ReturnForm(forms.Form):
    """Every KPI of the organisation for one month: value, numerator,
    denominator and commentary. Cleaning only; the service saves."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, kpis, histories=None, saved=None, **kwargs):
        """``histories``: each KPI's readings of the other months, by id
        (``selectors.reading_histories``); ``saved``: the month's saved
        values, by id. An unusual value (``plausibility``) needs its tick."""
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        self.histories = histories or {}
        self.saved = saved or {}
        self.unusual: dict[int, plausibility.Unusual] = {}
        for kpi in self.kpis:
            self.fields[f"value_{kpi.pk}"] = forms.CharField(
                label=f"{kpi.code} value", required=False, max_length=40
            )
            self.fields[f"numerator_{kpi.pk}"] = forms.CharField(
                label=f"{kpi.code} numerator", required=False, max_length=40
            )
            self.fields[f"denominator_{kpi.pk}"] = forms.CharField(
                label=f"{kpi.code} denominator", required=False, max_length=40
            )
            self.fields[f"commentary_{kpi.pk}"] = forms.CharField(
                label=f"{kpi.code} commentary", required=False, widget=forms.Textarea
            )
            self.fields[f"confirm_{kpi.pk}"] = forms.BooleanField(
                label=f"{kpi.code}: {plausibility.CONFIRM_LABEL}", required=False
            )

    def rows(self):
        """Bound fields per KPI, for the template."""
        return [
            {
                "kpi": kpi,
                "value": self[f"value_{kpi.pk}"],
                "numerator": self[f"numerator_{kpi.pk}"],
                "denominator": self[f"denominator_{kpi.pk}"],
                "commentary": self[f"commentary_{kpi.pk}"],
                "confirm": self[f"confirm_{kpi.pk}"],
                "unusual": self.unusual.get(kpi.pk),
            }
            for kpi in self.kpis
        ]

    def clean(self):
        cleaned = super().clean()
        entries = {}
        for kpi in self.kpis:
            entry = _clean_entry(self, kpi)
            if entry is not None:
                entries[kpi] = entry
        cleaned["entries"] = entries
        return cleaned


def _clean_entry(form, kpi):
    """Value, numerator and denominator of one KPI, through the import rules;
    a refusal is put on the field it concerns."""
    raw = {
        name: form.cleaned_data.get(f"{name}_{kpi.pk}", "")
        for name in ("value", "numerator", "denominator")
    }
    try:
        value, numerator, denominator = cells.parse_entry(kpi=kpi, **raw)
    except cells.EntryProblem as problem:
        form.add_error(
            f"{problem.field}_{kpi.pk}", forms.ValidationError(str(problem), code="bad_entry")
        )
        return None
    found = plausibility.unusual(
        kpi=kpi, value=value, history=form.histories.get(kpi.pk, []), saved=form.saved.get(kpi.pk)
    )
    if found is not None:
        form.unusual[kpi.pk] = found
        if not form.cleaned_data.get(f"confirm_{kpi.pk}"):
            message = f"{found} Correct it, or tick “{plausibility.CONFIRM_LABEL}” to keep it."
            form.add_error(f"value_{kpi.pk}", forms.ValidationError(message, code="unusual"))
            return None
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "commentary": cells.clean_commentary(form.cleaned_data.get(f"commentary_{kpi.pk}", "")),
    }


NOT_AGREED_AND_FIGURES = "Either give the target and its band or tick “Not yet agreed”, not both."


class TargetsForm(forms.Form):
    """A contract year's target and tolerance band, or "Target not yet
    agreed", for every KPI; and the reason for the change (the service says
    when one is needed)."""

    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=2_000,
        help_text="Needed when changing or removing a target this year already has; "
        "kept in each target's history.",
    )

    def __init__(self, *args, kpis, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            for name in ("target", "lower", "upper"):
                self.fields[f"{name}_{kpi.pk}"] = forms.CharField(
                    label=f"{kpi.code} {name}", required=False, max_length=40
                )
            self.fields[f"not_agreed_{kpi.pk}"] = forms.BooleanField(
                label=f"{kpi.code} not yet agreed", required=False
            )

    def rows(self):
        return [
            {
                "kpi": kpi,
                "fields": [self[f"{n}_{kpi.pk}"] for n in ("target", "lower", "upper")],
                "not_agreed": self[f"not_agreed_{kpi.pk}"],
            }
            for kpi in self.kpis
        ]

    def clean(self):
        cleaned = super().clean()
        entries = {}
        for kpi in self.kpis:
            texts = {
                n: cleaned.get(f"{n}_{kpi.pk}", "").strip() for n in ("target", "lower", "upper")
            }
            if cleaned.get(f"not_agreed_{kpi.pk}"):
                if any(texts.values()):
                    self.add_error(f"not_agreed_{kpi.pk}", forms.ValidationError(
                        NOT_AGREED_AND_FIGURES, code="not_agreed_with_figures"))  # fmt: skip
                else:
                    entries[kpi] = {"agreed": False}
                continue
            if not any(texts.values()):
                entries[kpi] = None  # no row this year
                continue
            values = {}
            for name, text in texts.items():
                if not text:
                    self.add_error(f"{name}_{kpi.pk}", forms.ValidationError(
                        "Give the target and both edges of the tolerance band, or none.",
                        code="incomplete_band"))  # fmt: skip
                    break
                try:
                    values[name] = clean_reading_value(text, kpi)
                except forms.ValidationError as error:
                    self.add_error(f"{name}_{kpi.pk}", error)
                    break
            else:
                if not values["lower"] <= values["target"] <= values["upper"]:
                    error = forms.ValidationError(
                        "The band must satisfy lower ≤ target ≤ upper.", code="band_order"
                    )
                    self.add_error(f"target_{kpi.pk}", error)
                else:
                    entries[kpi] = values
        cleaned["entries"] = entries
        return cleaned
