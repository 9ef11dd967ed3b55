from django.conf import settings
from django.db import models

from kpis.models import KPI, Organisation


class InspectionKind(models.TextChoices):
    ILACS = "ilacs", "Inspection of local authority children's services (ILACS)"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    FOSTERING_AGENCY = "fostering_agency", "Fostering agency inspection"
    ADOPTION_AGENCY = "adoption_agency", "Adoption agency inspection"
    CHILDRENS_HOME = "childrens_home", "Children's home inspection"
    OTHER = "other", "Other inspection"


class Grade(models.TextChoices):
    """Ofsted's four-point scale, plus the words of interim and home inspections."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
    IMPROVED = "improved_effectiveness", "Improved effectiveness"
    SUSTAINED = "sustained_effectiveness", "Sustained effectiveness"
    DECLINED = "declined_in_effectiveness", "Declined in effectiveness"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "What needs to improve"
    RECOMMENDATION = "recommendation", "Recommendation"
    REQUIREMENT = "requirement", "Statutory requirement"


class BRAG(models.TextChoices):
    BLUE = "blue", "Blue — complete"
    RED = "red", "Red — major issues preventing delivery"
    AMBER = "amber", "Amber — delays or issues, delivery on course"
    GREEN = "green", "Green — on target for delivery"
    NOT_RATED = "not_rated", "Not yet rated"


class PlanKind(models.TextChoices):
    OFSTED = "ofsted", "Ofsted action plan"
    RECTIFICATION = "rectification", "Contract rectification plan"


class Inspection(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="inspections"
    )
    kind = models.CharField(max_length=30, choices=InspectionKind.choices)
    title = models.CharField(max_length=200, help_text="e.g. Sixth monitoring visit")
    setting = models.CharField(
        max_length=200, blank=True, help_text="The home or agency inspected, e.g. Charles House"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    published_date = models.DateField(null=True, blank=True)
    focus = models.TextField(blank=True)
    lead_inspector = models.CharField(max_length=200, blank=True)
    inspectors = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text="Headline, as the letter or report words it")
    letter = models.CharField(
        max_length=300, blank=True, help_text="Where the published letter or report is"
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where this record comes from")

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return f"{self.title} ({self.start_date:%b %Y})"


class Judgement(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=300, help_text="e.g. Overall effectiveness")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "order"]

    def __str__(self):
        return f"{self.area}: {self.get_grade_display()}"


class Finding(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="findings"
    )
    # Blank where the seed quotes a finding without its inspection (the 2023
    # action plan quotes an inspection whose dates it does not give).
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    text = models.TextField(help_text="As the report words it")
    detail = models.TextField(blank=True, help_text="The report's elaboration, if any")
    service_area = models.CharField(max_length=100, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="For statutory requirements")
    kpis = models.ManyToManyField(KPI, blank=True, related_name="findings")
    kpi_link_reason = models.TextField(blank=True, help_text="Why it bears on those KPIs")
    source = models.CharField(max_length=300, blank=True, help_text="Where the text comes from")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "inspection", "kind", "order"]

    def __str__(self):
        return self.text[:80]


class ActionPlan(models.Model):
    """Numbered actions against findings (Ofsted) or against a KPI (rectification)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="action_plans"
    )
    kind = models.CharField(max_length=20, choices=PlanKind.choices, default=PlanKind.OFSTED)
    title = models.CharField(max_length=200)
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_plans"
    )
    kpi = models.ForeignKey(
        KPI, null=True, blank=True, on_delete=models.SET_NULL, related_name="rectification_plans"
    )
    dated = models.DateField(help_text="The plan's date, e.g. March 2023")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-dated"]

    def __str__(self):
        return self.title


class Action(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    number = models.CharField(max_length=10, help_text="As the plan numbers it, e.g. 3")
    text = models.TextField()
    lead = models.CharField(max_length=100, blank=True)
    timescale = models.DateField(
        null=True, blank=True, help_text="First day of the month it is due by"
    )
    timescale_text = models.CharField(max_length=50, blank=True, help_text="As printed")
    status = models.CharField(max_length=20, choices=BRAG.choices, default=BRAG.NOT_RATED)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number}. {self.text[:70]}"


class ActionUpdate(models.Model):
    """A dated progress update; the history of an action is its updates."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    dated = models.DateField(null=True, blank=True)
    dated_text = models.CharField(
        max_length=50, blank=True, help_text="As printed, e.g. mid-April 23"
    )
    text = models.TextField()
    status = models.CharField(max_length=20, choices=BRAG.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "dated", "created_at"]

    def __str__(self):
        return f"{self.dated_text or self.dated}: {self.text[:60]}"
