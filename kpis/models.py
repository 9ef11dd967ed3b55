from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from simple_history.models import HistoricalRecords

from kpis.imports.cells import clean_commentary
from kpis.periods import PeriodError, check_period, latest_ahead, month_start
from kpis.units import Unit


def validate_held_month(day):
    """A month the app can hold figures for (``periods.check_period``): the
    admin and every ``full_clean`` refuse a month no page can show."""
    try:
        check_period(month_start(day))
    except PeriodError as error:
        raise ValidationError(str(error), code="period_out_of_range") from None


def validate_planned_month(day):
    """A month a plan may look to: a valid month up to ``periods.YEARS_AHEAD`` ahead."""
    try:
        check_period(month_start(day), latest=latest_ahead())
    except PeriodError as error:
        raise ValidationError(str(error), code="period_out_of_range") from None


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    WITHIN = "within", "Within band"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    MONTH_END = "month_end", "As at month end"
    CUMULATIVE = "cumulative", "Cumulative"


class Source(models.TextChoices):
    FORM = "form", "Form"
    UPLOAD = "upload", "Upload"
    FIXTURE = "fixture", "Fixture"


class ComparatorKind(models.TextChoices):
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
    ENGLAND = "england", "England"
    REGION = "region", "Region"


# Every value is stored with 4 decimal places: enough for the seeds (18.93,
# 66.70, 36.1) and small enough that float comparisons keep exact order
# (see kpis/rating.py).
VALUE_FIELD = {"max_digits": 14, "decimal_places": 4}


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # Performance officers and commissioners who act for this organisation.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organisations"
    )
    # The months the app holds this organisation's returns for. A month
    # outside is "not held": never Missing, never overdue, never questioned.
    held_from = models.DateField(
        null=True,
        blank=True,
        help_text="First month the app holds returns for (blank: any)",
        validators=[validate_planned_month],
    )
    held_until = models.DateField(
        null=True,
        blank=True,
        validators=[validate_planned_month],
        help_text="Last month the app holds returns for (blank: returns still come in monthly)",
    )
    # The local authority the organisation serves, to find it in DfE's
    # statistics (national app): neighbours are listed by the old code, EES
    # files carry both.
    old_la_code = models.CharField(
        max_length=3, blank=True, help_text="DfE's 3-digit LA code, e.g. 330"
    )
    new_la_code = models.CharField(
        max_length=9, blank=True, help_text="ONS 9-character code, e.g. E08000025"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_from__isnull=True)
                | Q(held_until__isnull=True)
                | Q(held_from__lte=F("held_until")),
                name="organisation_held_span_in_order",
                violation_error_message="The held span must start before it ends.",
            ),
        ]

    def __str__(self):
        return self.name

    def holds(self, period) -> bool:
        """Whether the app holds this organisation's return for the month."""
        if self.held_from and period < self.held_from:
            return False
        return not (self.held_until and period > self.held_until)


class KPI(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="kpis")
    code = models.CharField(max_length=20, help_text="As the contract writes it, e.g. KPI1 or PI1")
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    service_area = models.CharField(max_length=100, blank=True)
    precision = models.PositiveSmallIntegerField(
        default=1, help_text="Decimal places the KPI is recorded and shown to"
    )
    order = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(blank=True, help_text="Provenance, e.g. why this polarity")
    # Shown on the KPI's page beside its definition: a reader of the figures
    # needs it (Sandwell PI13's "**": the establishment rose from 184 to 220).
    footnote = models.TextField(
        blank=True, help_text="A footnote the source prints against the KPI, verbatim"
    )
    national_measure = models.ForeignKey(
        "national.Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
        help_text="The DfE published statistic this KPI is compared with",
    )

    class Meta:
        ordering = ["organisation", "order", "code"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="kpi_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Target(models.Model):
    """A target and tolerance band in force from `valid_from` until the next one.

    ``agreed`` False is the explicit "Target not yet agreed" (Sandwell's
    contract KPIs in 2018/19): a row with no figures, so from its month no
    target is in force and the months rate as any month without one.
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets")
    valid_from = models.DateField(validators=[validate_planned_month])
    agreed = models.BooleanField(
        default=True, help_text="Untick for “Target not yet agreed”: no target in force"
    )
    value = models.DecimalField(**VALUE_FIELD, null=True, blank=True)
    lower = models.DecimalField(**VALUE_FIELD, null=True, blank=True)
    upper = models.DecimalField(**VALUE_FIELD, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "valid_from"], name="target_once_per_date"),
            models.CheckConstraint(
                condition=Q(lower__lte=F("value")) & Q(value__lte=F("upper")),
                name="target_within_tolerance",
                violation_error_message="The tolerance band must satisfy lower ≤ target ≤ upper.",
            ),
            models.CheckConstraint(
                condition=Q(
                    agreed=True, value__isnull=False, lower__isnull=False, upper__isnull=False
                )
                | Q(agreed=False, value__isnull=True, lower__isnull=True, upper__isnull=True),
                name="target_agreed_has_band",
                violation_error_message="An agreed target needs a target and both edges of its "
                "band; a target not yet agreed has none.",
            ),
        ]

    def __str__(self):
        if not self.agreed:
            return f"{self.kpi.code} from {self.valid_from}: target not yet agreed"
        return f"{self.kpi.code} from {self.valid_from}: {self.value} ({self.lower}–{self.upper})"


def reading_published():
    """True for a reading whose month's return is submitted or accepted:
    what scrutiny members see (``PUBLISHED_STATES``)."""
    return Exists(
        MonthlyReturn.objects.filter(
            organisation=OuterRef("kpi__organisation"),
            period=OuterRef("period"),
            state__in=PUBLISHED_STATES,
        )
    )


class ReadingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(reading_published())


class Reading(models.Model):
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="readings")
    period = models.DateField(
        help_text="The first day of the month the reading is for",
        validators=[validate_held_month],
    )
    value = models.DecimalField(**VALUE_FIELD)
    numerator = models.DecimalField(**VALUE_FIELD, null=True, blank=True)
    denominator = models.DecimalField(**VALUE_FIELD, null=True, blank=True)
    commentary = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ReadingQuerySet.as_manager()

    class Meta:
        ordering = ["kpi", "period"]
        # One month across every KPI (the home page's latest returns, a
        # month's readings): without it, a scan of every reading at national
        # scale. (kpi, period) is served by the unique constraint's index.
        # The id beside the month lets the admin's deep pages find their ids
        # by an index-only scan (trustmonitor/admin_paging.py).
        indexes = [models.Index(fields=["period", "id"], name="reading_period_id_idx")]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="reading_once_per_month"),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="reading_period_first_of_month",
                violation_error_message="A reading's period is the first day of its month.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.period:%Y-%m}: {self.value}"

    def clean(self):
        # As the return form and the imports keep it (the admin comes this way).
        self.commentary = clean_commentary(self.commentary)
        if self.period and self.period.day != 1:
            raise ValidationError({"period": "A reading's period is the first day of its month."})


class Comparator(models.Model):
    """A benchmark for a KPI: statistical neighbours, England or the region."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=30, choices=ComparatorKind.choices)
    year = models.PositiveSmallIntegerField(help_text="Calendar year the benchmark is reported in")
    value = models.DecimalField(**VALUE_FIELD)
    label = models.CharField(max_length=100, blank=True, help_text="e.g. West Midlands")
    source = models.CharField(max_length=300, blank=True)
    # Imports write comparators from a trust's own sheet: who changed which, and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "kind", "year"], name="comparator_once_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.get_kind_display()} {self.year}: {self.value}"


class ReportedCompliance(models.Model):
    """A trust's own count of the months a KPI met its target or was within
    tolerance, over the 12 months ending at ``until``, as a published report
    prints it (Birmingham's 2018/19 annual report: KPI1 10/12).

    Kept beside, never instead of, the count the app works out from the
    readings it holds: the report may count months the app does not hold.
    """

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="reported_compliance")
    until = models.DateField(
        help_text="First day of the last of the 12 months counted, e.g. 2019-03-01 for the "
        "12 months to 31 March 2019"
    )
    met = models.PositiveSmallIntegerField(help_text="Months met or within tolerance, as printed")
    out_of = models.PositiveSmallIntegerField(help_text="Months counted, as printed (e.g. 12)")
    source = models.CharField(
        max_length=300, help_text="The document and table that print the count"
    )

    class Meta:
        ordering = ["kpi", "until"]
        verbose_name = "reported compliance"
        verbose_name_plural = "reported compliance"
        constraints = [
            models.UniqueConstraint(fields=["kpi", "until"], name="reported_compliance_once"),
            models.CheckConstraint(
                condition=Q(until__day=1), name="reported_compliance_until_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(met__lte=F("out_of")) & Q(out_of__gte=1) & Q(out_of__lte=12),
                name="reported_compliance_met_of_at_most_12",
                violation_error_message="Met must be at most the months counted, 1 to 12.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} 12 months to {self.until:%b %Y}: {self.met}/{self.out_of}"


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"


# A month is published, for scrutiny members to read, once its return is
# submitted (provisional until accepted) or accepted (final).
PUBLISHED_STATES = (ReturnState.SUBMITTED, ReturnState.ACCEPTED)


class MonthlyReturn(models.Model):
    """An organisation's readings for one month, and where they are in review.

    draft → submitted → accepted (locked); a commissioner may reopen an
    accepted return, with a reason. ``version`` rises with every save, so a
    second editor working from an older copy is refused, not overwritten.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="returns")
    period = models.DateField(
        help_text="The first day of the month the return is for",
        validators=[validate_held_month],
    )
    state = models.CharField(max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)
    # A return the trust made before the app, e.g. in a committee paper; the
    # app holds its figures but has no dates of submission or acceptance.
    published_in = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where a return made outside the app was published, e.g. a committee paper",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="return_once_per_month"
            ),
            models.CheckConstraint(condition=Q(period__day=1), name="return_period_first_of_month"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.period:%Y-%m} ({self.get_state_display()})"

    @property
    def publication(self) -> str:
        """How the month's figures stand for their readers: ``final`` once
        accepted, ``provisional`` once submitted, ``draft`` before."""
        return PUBLICATION[self.state]


PUBLICATION = {
    ReturnState.DRAFT: "draft",
    ReturnState.SUBMITTED: "provisional",
    ReturnState.ACCEPTED: "final",
}


class UploadKind(models.TextChoices):
    READINGS = "readings", "Readings"
    TARGETS = "targets", "Targets"


class UploadState(models.TextChoices):
    """Where an upload is in its background work (``kpis.tasks``)."""

    QUEUED = "queued", "Waiting for the worker"
    READING = "reading", "Reading the file"
    CHECKING = "checking", "Checking"
    READY = "ready", "Checked"
    SAVING = "saving", "Saving"
    SAVED = "saved", "Saved"
    FAILED = "failed", "Failed"


# The states the upload's page follows, refreshing itself.
UPLOAD_BUSY = (UploadState.QUEUED, UploadState.READING, UploadState.CHECKING, UploadState.SAVING)


class Upload(models.Model):
    """A file of readings or targets waiting for its uploader to confirm the preview.

    Kept in the database rather than the session so that the preview and the
    confirmation read the same table whichever server process answers. The
    worker reads the file once (``data``, dropped as it is read): what is
    kept is its table (``imports.files.table_to_json``), or why it cannot be
    read, never the file; then the check's result (``checked``), so a
    preview reload never parses or compares anything again.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # Readings (officers) or targets (commissioners): each preview reads only its own kind.
    kind = models.CharField(max_length=10, choices=UploadKind.choices, default=UploadKind.READINGS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=255)
    table = models.JSONField(null=True, blank=True)
    file_error = models.TextField(blank=True, help_text="Why the file cannot be read, if so")
    # The column roles the uploader chose in the preview (ImportMapping.columns),
    # until the upload is confirmed; None while the found mapping stands.
    mapping = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    # The background work: the file as received, until the worker reads it;
    # the state, the row reached of how many (spreadsheet numbers), why the
    # task failed; the check's result (``imports.stored``) and, once saved,
    # what was saved (``summary`` and ``months``).
    data = models.BinaryField(null=True, blank=True, editable=False)
    state = models.CharField(max_length=10, choices=UploadState.choices, default=UploadState.QUEUED)
    step = models.PositiveIntegerField(default=0)
    steps = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    checked = models.JSONField(null=True, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation}, {self.created_at:%Y-%m-%d %H:%M})"

    @property
    def busy(self) -> bool:
        return self.state in UPLOAD_BUSY


class ImportMapping(models.Model):
    """The column roles an officer confirmed for an organisation's own sheet
    (kpis.imports.mapping), applied to its next file with the same headings.

    ``signature`` hashes the heading and sub-heading rows, months stood for
    by a placeholder, so next month's file, a month further on, matches.
    ``columns`` is a list of ``{"index", "role"[, "period"]}``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_mappings"
    )
    signature = models.CharField(max_length=64)
    columns = models.JSONField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "signature"], name="import_mapping_once_per_headings"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} headings {self.signature[:8]} ({self.confirmed_at:%Y-%m-%d})"


class StatusVersion(models.Model):
    """How many times an organisation's ratings may have changed: the version
    in every key of the shared status cache (``kpis.status_cache``).

    Bumped in the same transaction as each write that can change a rating
    (readings, targets, returns, KPIs, comparators), so an app server that
    reads the new version reads the new data too, whichever server wrote it.
    ``key`` is the organisation's id, or 0 for every organisation at once
    (loaddata). No foreign key: the row outlives a deleted organisation, so a
    new one given the same id never meets the old one's cached ratings.
    """

    key = models.PositiveBigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self):
        return f"status version {self.key}: {self.version}"
