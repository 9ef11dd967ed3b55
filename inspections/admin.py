from django.contrib import admin

from inspections.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    AuthorityInspection,
    Finding,
    Inspection,
    Judgement,
    Lead,
    OutcomesRelease,
)
from trustmonitor.admin_a11y import TabularInline


class JudgementInline(TabularInline):
    model = Judgement
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "setting", "start_date", "published_date"]
    list_filter = ["organisation", "kind"]
    search_fields = ["title", "setting", "focus", "summary"]
    date_hierarchy = "start_date"
    inlines = [JudgementInline]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "inspection", "kind", "due_date"]
    list_filter = ["organisation", "kind", "service_area"]
    search_fields = ["text", "detail"]
    filter_horizontal = ["kpis"]
    list_select_related = ["organisation", "inspection"]


class ActionUpdateInline(TabularInline):
    model = ActionUpdate
    extra = 0
    readonly_fields = ["created_at"]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "dated", "inspection", "kpi", "failure_period"]
    list_filter = ["organisation", "kind"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["reference", "__str__", "plan", "lead", "timescale_text", "status"]
    list_filter = ["plan__organisation", "status", "plan"]
    search_fields = ["text", "lead"]
    list_select_related = ["plan"]
    inlines = [ActionUpdateInline]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["initials", "name", "role", "organisation"]
    list_filter = ["organisation"]


@admin.register(OutcomesRelease)
class OutcomesReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "as_at", "published_on", "file_name", "imported_at"]


@admin.register(AuthorityInspection)
class AuthorityInspectionAdmin(admin.ModelAdmin):
    """Read here, changed only by importing Ofsted's file again."""

    list_display = [
        "la_name", "la_code", "new_la_code", "inspection_date", "inspection_type",
        "overall_effectiveness", "latest_row", "history_row",
    ]  # fmt: skip
    list_filter = ["overall_effectiveness", "inspection_type", "region", "la_status"]
    search_fields = ["la_name", "la_code", "new_la_code"]
    date_hierarchy = "inspection_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
