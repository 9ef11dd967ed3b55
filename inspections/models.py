from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

# Grade is Ofsted's scale, kept in inspections.ofsted; imported from here too.
from inspections.ofsted import JUDGEMENT_AREAS, AuthorityStatus, Grade, IlacsType, judgement_areas
from kpis.models import KPI, Organisation, validate_held_month, validate_planned_month

# The reason on the first history row of a record loaded from a document
# (fixtures load without history): its state before the app's first change.
BEFORE_HISTORY = "As loaded, before its first change in the app"


class InspectionKind(models.TextChoices):
    ILACS = "ilacs", "Inspection of local authority children's services (ILACS)"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    FOSTERING_AGENCY = "fostering_agency", "Fostering agency inspection"
    ADOPTION_AGENCY = "adoption_agency", "Adoption agency inspection"
    CHILDRENS_HOME = "childrens_home", "Children's home inspection"
    # Schedule 6 para 4.2.8 names these besides Ofsted's; a Direction is not an
    # inspection, but it is reported with them and has a date and a summary.
    YOUTH_JUSTICE = "youth_justice", "Youth justice inspection (HMI Probation)"
    DIRECTION = "direction", "Direction from the Secretary of State"
    OTHER = "other", "Other inspection"


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


# The words on a BRAG chip, where the full label is too long (its title).
BRAG_SHORT = {
    BRAG.BLUE: "Blue: complete",
    BRAG.RED: "Red",
    BRAG.AMBER: "Amber",
    BRAG.GREEN: "Green",
    BRAG.NOT_RATED: "Not yet rated",
}


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
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]

    def __str__(self):
        return f"{self.title} ({self.start_date:%b %Y})"


class Judgement(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=300, help_text="e.g. Overall effectiveness")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

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
    history = HistoricalRecords(m2m_fields=[kpis])

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
    # A rectification plan answers one Performance Failure: its KPI's month.
    failure_period = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the month of the Performance Failure it rectifies",
        validators=[validate_held_month],
    )
    lead = models.CharField(max_length=100, blank=True, help_text="Who leads the plan")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

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
    # The plan numbers actions 1, 2, 3 under each finding; "action 3" is
    # ambiguous across a plan, so each action also carries its finding's
    # place: finding 4's third action is "4.3", unique within the plan.
    reference = models.CharField(
        max_length=20, help_text="Its number within the plan, e.g. 4.3 (finding 4's third action)"
    )
    text = models.TextField()
    lead = models.CharField(max_length=100, blank=True)
    timescale = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the month it is due by",
        validators=[validate_planned_month],
    )
    timescale_text = models.CharField(max_length=50, blank=True, help_text="As printed")
    status = models.CharField(max_length=20, choices=BRAG.choices, default=BRAG.NOT_RATED)
    # Blue needs a commissioner's sign-off: a lead or officer proposes it.
    completion_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completion_proposed_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"], name="one_action_number_per_plan"
            ),
        ]

    def __str__(self):
        return f"{self.reference}. {self.text[:70]}"

    @property
    def finding_place(self) -> int | None:
        """The finding's number in the plan ("4" of "4.3"); None without one."""
        head, dot, _ = self.reference.partition(".")
        return int(head) if dot and head.isdigit() else None

    @property
    def completion_proposed(self) -> bool:
        return self.completion_proposed_at is not None


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
    # An officer's or lead's "complete": Blue only once a commissioner signs off.
    proposes_complete = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "dated", "created_at"]

    def __str__(self):
        return f"{self.dated_text or self.dated}: {self.text[:60]}"


class Lead(models.Model):
    """One entry of an organisation's key of leads: the initials an action
    plan prints (a lead as a whole, e.g. "GT" or "Chair Corporate Parenting
    Board") and who that is. Commissioners keep it; nothing invents it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="leads")
    initials = models.CharField(max_length=100, help_text="As the plan prints it, e.g. GT")
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="e.g. Head of Service")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "initials"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "initials"], name="one_key_entry_per_lead"
            ),
        ]

    def __str__(self):
        return self.initials


# --- Ofsted's published inspection outcomes for every local authority ------------


class OutcomesRelease(models.Model):
    """One import of Ofsted's "Local authority inspection outcomes" file.

    Re-importing replaces the release and every row of it.
    """

    title = models.CharField(max_length=300, help_text="As the file's heading words it")
    as_at = models.DateField(help_text="The date the judgements are as at, e.g. 31 March 2025")
    published_on = models.DateField(null=True, blank=True, help_text="The cover's 'Published on'")
    file_name = models.CharField(max_length=300)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_at"]

    def __str__(self):
        return self.title


def _grade_field(**extra):
    return models.CharField(max_length=30, choices=Grade.choices, **extra)


class AuthorityInspection(models.Model):
    """A local authority's graded ILACS inspection, as Ofsted's file gives it.

    One row per authority and inspection date. ``latest_row`` is set when the
    sheet of latest judgements lists it (then it is the authority's latest),
    ``history_row`` when the ILACS history does: the rows as a spreadsheet
    numbers them, so each judgement can be found in the file.
    """

    release = models.ForeignKey(
        OutcomesRelease, on_delete=models.CASCADE, related_name="authority_inspections"
    )
    la_code = models.CharField(max_length=3, help_text="DfE's old 3-digit LA code, e.g. 330")
    new_la_code = models.CharField(max_length=9, help_text="ONS area code, e.g. E08000025")
    la_name = models.CharField(max_length=100)
    la_status = models.CharField(
        max_length=20, choices=AuthorityStatus.choices, default=AuthorityStatus.CURRENT
    )
    region = models.CharField(max_length=100, help_text="Ofsted region")
    inspection_type = models.CharField(
        max_length=20,
        choices=IlacsType.choices,
        blank=True,
        help_text="Blank when only the sheet of latest judgements (which has no type) lists it",
    )
    inspection_date = models.DateField()
    published_date = models.DateField()
    overall_effectiveness = _grade_field()
    impact_of_leaders = _grade_field()
    help_and_protection = _grade_field()
    children_in_care = _grade_field(
        help_text="Before 2023: children in care and care leavers, then one judgement"
    )
    care_leavers = _grade_field(blank=True, help_text="Judged apart from 1 January 2023")
    latest_row = models.PositiveIntegerField(null=True, blank=True)
    history_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["la_name", "-inspection_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "new_la_code", "inspection_date"],
                name="one_authority_inspection_per_date",
            ),
            models.UniqueConstraint(
                fields=["release", "new_la_code"],
                condition=models.Q(latest_row__isnull=False),
                name="one_latest_judgement_per_authority",
            ),
            models.CheckConstraint(
                condition=models.Q(latest_row__isnull=False) | models.Q(history_row__isnull=False),
                name="authority_inspection_from_a_sheet",
            ),
            models.CheckConstraint(
                condition=models.Q(published_date__gte=models.F("inspection_date")),
                name="authority_inspection_published_after",
            ),
        ]
        indexes = [models.Index(fields=["la_code", "inspection_date"])]

    def __str__(self):
        return f"{self.la_name} ILACS {self.inspection_date:%d %b %Y}"

    @property
    def is_latest(self) -> bool:
        return self.latest_row is not None

    def judgements(self) -> list[tuple[str, str]]:
        """(area, grade) in Ofsted's order, worded as this inspection judged them."""
        return [
            (short, getattr(self, field))
            for field, _, short in judgement_areas(self.inspection_date)
        ]

    def judgement_cells(self) -> list[tuple[str, str]]:
        """(column, grade) for every column of a table; care leavers is blank
        before 2023, when it was judged with children in care."""
        return [(short, getattr(self, field)) for field, _, short in JUDGEMENT_AREAS]


# Every judgement field, for code that reads them all (exports, tests).
AUTHORITY_JUDGEMENT_FIELDS = tuple(field for field, _, _ in JUDGEMENT_AREAS)
