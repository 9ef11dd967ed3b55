"""What the Trust (and, for the failure rule, the commissioner) records for the
contract's monthly monitoring report (Schedule 6, para 4.2) beyond readings
and inspections: the summary analysis (4.2.1), the Performance Failure rule
(4.2.3), audit activity, themes and findings (4.2.6) and surveys (4.2.7).

Text is kept as the Trust wrote it, with simple markup (``schedule6.markup``):
blank lines between paragraphs, ``- `` for a list item (indented for a
sub-item), ``**bold**``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from kpis.models import Organisation, validate_held_month
from kpis.periods import contract_year_label, label_period


class SummaryAnalysis(models.Model):
    """4.2.1: the Trust's summary analysis of a month, and its own words for
    the sections it has nothing to report in (entered with the return)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="summary_analyses"
    )
    period = models.DateField(
        help_text="The first day of the month it reports on", validators=[validate_held_month]
    )
    title = models.CharField(max_length=200, help_text="e.g. Performance Summary Quarter Three")
    text = models.TextField(
        help_text="The analysis and the actions being taken. Blank line between paragraphs, "
        "'- ' for a list item, **bold**."
    )
    no_failure_statement = models.TextField(
        blank=True, help_text="4.2.3 in the Trust's words, where no Performance Failure arose"
    )
    no_action_plans_statement = models.TextField(
        blank=True, help_text="4.2.4 in the Trust's words, where it has no action plan"
    )
    no_rectification_plans_statement = models.TextField(
        blank=True, help_text="4.2.5 in the Trust's words, where it has no rectification plan"
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where this text comes from")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "summary analyses"
        ordering = ["organisation", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period"], name="one_summary_analysis_per_month"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="summary_analysis_first_of_month"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.period:%b %Y}: {self.title}"


class FailureRuleKind(models.TextChoices):
    CONSECUTIVE = "consecutive", "Red or Missing in consecutive months"
    MARGIN = "margin", "Red beyond the tolerance by more than a margin"


class FailureRule(models.Model):
    """4.2.3: what the contract calls a Performance Failure, for one
    organisation and contract year. Evaluated on the rating engine's statuses."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="failure_rules"
    )
    contract_year = models.PositiveSmallIntegerField(
        help_text="The year the contract year starts in (2018 for 2018/19)",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    kind = models.CharField(max_length=20, choices=FailureRuleKind.choices)
    months = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Consecutive months off target (Red or Missing) that make a failure",
    )
    margin = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="For a margin rule: how far beyond the tolerance bound, in the KPI's unit",
    )
    wording = models.TextField(blank=True, help_text="The contract's definition, verbatim")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-contract_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contract_year"], name="one_failure_rule_per_year"
            ),
            models.CheckConstraint(
                condition=~Q(kind="margin") | Q(margin__isnull=False),
                name="failure_rule_margin_given",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.contract_year}/{(self.contract_year + 1) % 100:02d}"

    def clean(self):
        if self.kind == FailureRuleKind.MARGIN and self.margin is None:
            raise ValidationError({"margin": "A margin rule needs its margin."})

    @property
    def description(self) -> str:
        if self.kind == FailureRuleKind.MARGIN:
            return (
                f"a KPI rated Red more than {self.margin.normalize():f} beyond its tolerance bound"
            )
        if self.months == 1:
            return "a KPI rated Red or Missing"
        return f"a KPI rated Red or Missing for {self.months} consecutive months"


class AuditKind(models.TextChoices):
    AUDIT = "audit", "Audits"
    MODERATION = "moderation", "Moderations"


def _count(**extra):
    return models.PositiveIntegerField(**extra)


def _printed(label):
    return models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=f"{label} as the report prints it, where it does",
    )


class AuditActivity(models.Model):
    """4.2.6: case-file audits (or moderations) expected and completed in a
    month or a quarter, and how they were graded. Percentages are worked out
    from the counts; where the Trust's report prints one that differs, the
    printed figure is kept beside it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_activity"
    )
    period_from = models.DateField(help_text="First month covered (first day)")
    period = models.DateField(help_text="Last month covered (first day)")
    service = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AuditKind.choices)
    expected = _count(help_text="Audits expected (the report's Target)")
    completed = _count(help_text="Audits completed (Actual)")
    good = _count()
    requires_improvement = _count()
    inadequate = _count()
    completed_printed = _printed("Completed %")
    good_printed = _printed("Good %")
    requires_improvement_printed = _printed("Requires improvement %")
    inadequate_printed = _printed("Inadequate %")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "audit activity"
        ordering = ["organisation", "period", "period_from", "service", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_from", "period", "service", "kind"],
                name="one_audit_count_per_service_and_span",
            ),
            models.CheckConstraint(
                condition=Q(period__gte=F("period_from")), name="audit_span_in_order"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1) & Q(period_from__day=1),
                name="audit_span_first_of_month",
            ),
        ]

    def __str__(self):
        span = f"{self.period_from:%b %Y}–{self.period:%b %Y}"
        return f"{self.service} {self.get_kind_display()} {span}"

    def clean(self):
        if self.period and self.period_from and self.period < self.period_from:
            raise ValidationError({"period": "The last month cannot be before the first."})
        graded = (self.good or 0) + (self.requires_improvement or 0) + (self.inadequate or 0)
        if self.completed is not None and graded > self.completed:
            raise ValidationError(
                f"Good, Requires improvement and Inadequate add up to {graded}, "
                f"more than the {self.completed} completed."
            )

    @property
    def ungraded(self) -> int:
        """Completed audits the table gives no grade (Sandwell's October 2018
        prints 53 completed and grades 52)."""
        return self.completed - self.good - self.requires_improvement - self.inadequate

    @property
    def months(self) -> int:
        return (
            (self.period.year - self.period_from.year) * 12
            + (self.period.month - self.period_from.month)
            + 1
        )


class AuditTheme(models.Model):
    """4.2.6: the theme of a month's audits, for one strand of audit activity."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_themes"
    )
    period = models.DateField(help_text="The month (first day)")
    strand = models.CharField(max_length=200, help_text="e.g. Adoption - IFA and VAA audits")
    theme = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "order", "period"]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="audit_theme_first_of_month")
        ]

    def __str__(self):
        return f"{self.period:%b %Y} {self.strand}: {self.theme[:60]}"


class AuditFinding(models.Model):
    """4.2.6: what the audits of a month or quarter found, under a theme and
    a heading (What is working well, What we need to improve, …), verbatim."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_findings"
    )
    period_from = models.DateField(help_text="First month covered (first day)")
    period = models.DateField(help_text="Last month covered (first day)")
    theme = models.CharField(max_length=300, blank=True, help_text="Blank: across every theme")
    heading = models.CharField(max_length=300)
    text = models.TextField(help_text="Blank line between paragraphs, '- ' or '1. ' items")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "period", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__gte=F("period_from")), name="audit_finding_span_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.theme or 'All themes'}: {self.heading}"

    @property
    def title(self) -> str:
        """``Theme: Heading``, as the report heads it (no theme: the heading)."""
        return f"{self.theme}: {self.heading}" if self.theme else self.heading

    @property
    def span_label(self) -> str:
        """``Dec 2018``, or ``Oct 2018 – Dec 2018`` for a quarter's findings."""
        if self.period_from != self.period:
            return f"{label_period(self.period_from)} – {label_period(self.period)}"
        return label_period(self.period)


class Survey(models.Model):
    """4.2.7: a survey's findings for a month, or the Trust's record that
    none was carried out (``carried_out`` false, ``statement`` its words)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    period = models.DateField(help_text="The month reported on (first day)")
    carried_out = models.BooleanField(default=True)
    statement = models.TextField(
        blank=True, help_text="Where none was carried out: the Trust's words"
    )
    title = models.CharField(max_length=300, blank=True)
    results = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    trends = models.TextField(blank=True, help_text="Performance trends")
    key_messages = models.TextField(blank=True)
    outcomes = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "period", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="survey_first_of_month"),
            models.CheckConstraint(
                condition=(Q(carried_out=True) & ~Q(title=""))
                | (Q(carried_out=False) & ~Q(statement="")),
                name="survey_titled_or_none_stated",
            ),
        ]

    # The parts of a survey's findings, in the order the report heads them.
    PARTS = (
        ("results", "Results"),
        ("analysis", "Analysis"),
        ("trends", "Performance trends"),
        ("key_messages", "Key messages"),
        ("outcomes", "Outcomes"),
    )

    def __str__(self):
        return self.title if self.carried_out else self.statement[:80]

    @property
    def parts(self) -> list[tuple[str, str]]:
        """(heading, text) of each part the Trust filled in."""
        return [(label, getattr(self, name)) for name, label in self.PARTS if getattr(self, name)]

    def clean(self):
        if self.carried_out and not self.title.strip():
            raise ValidationError({"title": "A survey carried out needs its title."})
        if not self.carried_out and not self.statement.strip():
            raise ValidationError(
                {"statement": "Say in the Trust's words that no survey was carried out."}
            )


class AnnualReview(models.Model):
    """The Trust's own words for its annual report on a contract year (the
    Service Delivery Contract's annual report; Birmingham's 2018/19 is seed
    004): what went well, what still needs to improve, the results of its
    audits and surveys, the outcome of rectification plans, and the
    performance framework it proposes for the next year. Figures (months met,
    inspections, plans, targets) are worked out elsewhere, never typed here."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="annual_reviews"
    )
    contract_year = models.PositiveSmallIntegerField(
        help_text="The year the contract year starts in (2018 for 2018/19)",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    went_well = models.TextField(blank=True, help_text="What went well in the year")
    to_improve = models.TextField(blank=True, help_text="What still needs to improve")
    audits_statement = models.TextField(
        blank=True, help_text="Results of the audits carried out in the year, in the Trust's words"
    )
    surveys_statement = models.TextField(
        blank=True, help_text="Results of the surveys carried out in the year, in the Trust's words"
    )
    rectification_statement = models.TextField(
        blank=True, help_text="Outcomes of rectification plans, in the Trust's words"
    )
    next_framework = models.TextField(
        blank=True, help_text="The performance framework proposed for the next contract year"
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where this text comes from")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "-contract_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contract_year"], name="one_annual_review_per_year"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {contract_year_label(self.contract_year)}"
