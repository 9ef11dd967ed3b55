"""DfE's published statistics: measures by year and area, and statistical neighbours.

A measure is one indicator column of an explore-education-statistics (EES)
open-data CSV, narrowed by filter columns, for England, each region and each
local authority. A statistical-neighbour model lists, for every local
authority, its ten nearest neighbours by DfE's old 3-digit LA code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Polarity(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class GeographicLevel(models.TextChoices):
    NATIONAL = "national", "National"
    REGIONAL = "regional", "Regional"
    LOCAL_AUTHORITY = "local_authority", "Local authority"


class Suppression(models.TextChoices):
    """The EES symbols that stand where a number would (never read as 0)."""

    CONFIDENTIAL = "c", "Suppressed to protect confidentiality"
    NOT_AVAILABLE = "x", "Not available"
    NOT_APPLICABLE = "z", "Not applicable"
    LOW_RELIABILITY = "u", "Low reliability"
    LOW = "low", "Rounds to zero, but is not zero"


class MeasureUnit(models.TextChoices):
    """The same words as kpis.models.Unit, so a KPI and a measure can be compared."""

    PERCENT = "percent", "%"
    DAYS = "days", "days"
    COUNT = "count", "count"
    RATE_PER_10K = "rate_per_10k", "per 10,000"
    AVERAGE = "average", "average"


# EES values are published to at most a few decimal places; 6 keeps any of
# them exact without float noise.
MEASURE_VALUE_FIELD = {"max_digits": 20, "decimal_places": 6}


class Measure(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    indicator = models.CharField(
        max_length=100, help_text="The EES indicator column, e.g. vacancy_rate_fte"
    )
    filters = models.JSONField(
        default=dict, blank=True, help_text="Filter columns and the value each must have (--where)"
    )
    polarity = models.CharField(
        max_length=10,
        choices=Polarity.choices,
        blank=True,
        help_text="Blank: no rank or quartile band is worked out",
    )
    unit = models.CharField(
        max_length=20,
        choices=MeasureUnit.choices,
        blank=True,
        help_text="Set it to compare with KPIs in the same unit (blank: never compared)",
    )
    source = models.CharField(max_length=300, help_text="The file it was imported from")
    time_identifier = models.CharField(
        max_length=100, blank=True, help_text="As published, e.g. Reporting year"
    )
    year_note = models.CharField(
        max_length=100,
        blank=True,
        help_text="Which date or span each year's figure is for, e.g. as at 30 September",
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    time_period = models.CharField(max_length=20, help_text="As published, e.g. 2025 or 201819")
    year = models.PositiveSmallIntegerField(help_text="For ordering: the year the period ends in")
    geographic_level = models.CharField(max_length=20, choices=GeographicLevel.choices)
    # As published: a shared service is one row with both codes, e.g.
    # "940 / 941" and "E06000061 / E06000062" (North and West Northamptonshire).
    area_code = models.CharField(
        max_length=30, help_text="E92000001, a region code or the LA's new 9-character code"
    )
    old_la_code = models.CharField(max_length=20, blank=True)
    area_name = models.CharField(max_length=200)
    region_code = models.CharField(max_length=9, blank=True)
    value = models.DecimalField(**MEASURE_VALUE_FIELD, null=True, blank=True)
    suppression = models.CharField(max_length=3, choices=Suppression.choices, blank=True)

    class Meta:
        ordering = ["measure", "year", "geographic_level", "area_name"]
        indexes = [
            # Every area of one level in one year: the benchmark's ranks and
            # quartiles, and the measure page.
            models.Index(
                fields=["measure", "geographic_level", "year"], name="measurevalue_level_year_idx"
            ),
            # One LA's series by its old code (neighbours are listed by it).
            models.Index(fields=["measure", "old_la_code"], name="measurevalue_old_la_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "geographic_level", "area_code", "time_period"],
                name="measurevalue_once_per_area_period",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(suppression=""),
                name="measurevalue_value_or_suppression",
                violation_error_message="A suppressed value has no number.",
            ),
        ]

    def __str__(self):
        shown = self.value if self.value is not None else self.suppression or "blank"
        return f"{self.measure.slug} {self.time_period} {self.area_name}: {shown}"


class NeighbourModel(models.Model):
    """One of DfE's statistical-neighbour models, e.g. the April 2021 groupings."""

    name = models.CharField(max_length=100, unique=True)
    source = models.CharField(max_length=300, help_text="The file it was imported from")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self):
        return self.name


class Neighbour(models.Model):
    model = models.ForeignKey(NeighbourModel, on_delete=models.CASCADE, related_name="neighbours")
    la_code = models.CharField(max_length=3, help_text="DfE's old 3-digit LA code")
    la_name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(help_text="1 (nearest) to 10")
    neighbour_code = models.CharField(max_length=3, help_text="The neighbour's old 3-digit LA code")
    closeness = models.CharField(max_length=50, blank=True, help_text='e.g. "Very close"')

    class Meta:
        ordering = ["model", "la_code", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "la_code", "position"], name="neighbour_once_per_position"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=10),
                name="neighbour_position_1_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.model.name}: {self.la_code} #{self.position} {self.neighbour_code}"


class LoadState(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Loading"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class NationalLoad(models.Model):
    """One background load of DfE's files (``national.demo``), with its
    progress: the page reads this row while the worker writes it."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=LoadState.choices, default=LoadState.QUEUED)
    step = models.PositiveSmallIntegerField(default=0)
    steps = models.PositiveSmallIntegerField()
    # One line per step done, as the command prints them.
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-pk"]

    def __str__(self):
        return f"National load {self.pk}: {self.get_state_display()}"

    @property
    def in_progress(self) -> bool:
        return self.state in (LoadState.QUEUED, LoadState.RUNNING)
