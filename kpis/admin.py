from django.contrib import admin

from kpis.models import KPI, Comparator, Organisation, Reading, ReportedCompliance, Target
from trustmonitor.admin_a11y import TabularInline


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "old_la_code", "new_la_code", "held_from", "held_until"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]


class TargetInline(TabularInline):
    model = Target
    extra = 0


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "organisation",
        "polarity",
        "unit",
        "frequency",
        "service_area",
    ]
    list_filter = ["organisation", "polarity", "unit", "frequency", "service_area"]
    search_fields = ["code", "title", "definition"]
    list_select_related = ["organisation"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["kpi", "valid_from", "value", "lower", "upper"]
    list_filter = ["kpi__organisation", "valid_from"]
    search_fields = ["kpi__code", "kpi__title"]
    list_select_related = ["kpi__organisation"]
    autocomplete_fields = ["kpi"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["kpi", "period", "value", "source", "entered_by", "entered_at"]
    list_filter = ["kpi__organisation", "source", "period"]
    search_fields = ["kpi__code", "kpi__title", "commentary"]
    date_hierarchy = "period"
    list_select_related = ["kpi__organisation", "entered_by"]
    autocomplete_fields = ["kpi"]
    readonly_fields = ["entered_at"]


@admin.register(Comparator)
class ComparatorAdmin(admin.ModelAdmin):
    list_display = ["kpi", "kind", "year", "value", "label"]
    list_filter = ["kpi__organisation", "kind", "year"]
    search_fields = ["kpi__code", "kpi__title"]
    list_select_related = ["kpi__organisation"]
    autocomplete_fields = ["kpi"]


@admin.register(ReportedCompliance)
class ReportedComplianceAdmin(admin.ModelAdmin):
    list_display = ["kpi", "until", "met", "out_of", "source"]
    list_filter = ["kpi__organisation", "until"]
    search_fields = ["kpi__code", "kpi__title", "source"]
    list_select_related = ["kpi__organisation"]
    autocomplete_fields = ["kpi"]
