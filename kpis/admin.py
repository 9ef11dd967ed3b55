from django.contrib import admin
from django.db.models import Q

from kpis.models import KPI, Comparator, Organisation, Reading, ReportedCompliance, Target
from trustmonitor.admin_a11y import TabularInline
from trustmonitor.admin_paging import LateRowPaginator, year_list_filter


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist over a table that grows with the nation (720,000 readings
    at national scale): one count (the filtered one), pages fetched by id,
    and an ordering the table's own indexes serve rather than the related
    KPI's ordering, which would sort every row after a join."""

    show_full_result_count = False
    paginator = LateRowPaginator


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "old_la_code", "new_la_code", "held_from", "held_until"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]


class TargetInline(TabularInline):
    model = Target
    extra = 0


@admin.register(KPI)
class KPIAdmin(LargeTableAdmin):
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
    ordering = ["organisation_id", "order", "code"]
    inlines = [TargetInline]


class KPISearch:
    """Search by the KPI: its code exactly (``PI1``, any case) or a word of its
    title. The KPIs are found first (thousands of rows), then their rows by
    the (kpi, …) index, instead of a LIKE over every row after a join."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        kpis = KPI.objects.filter(Q(code__iexact=term) | Q(title__icontains=term))
        return queryset.filter(kpi__in=list(kpis.values_list("pk", flat=True))), False


@admin.register(Target)
class TargetAdmin(KPISearch, LargeTableAdmin):
    list_display = ["kpi", "valid_from", "value", "lower", "upper"]
    list_filter = ["kpi__organisation", "valid_from"]
    search_fields = ["kpi__code", "kpi__title"]
    list_select_related = ["kpi__organisation"]
    ordering = ["kpi_id", "valid_from"]
    autocomplete_fields = ["kpi"]


@admin.register(Reading)
class ReadingAdmin(KPISearch, LargeTableAdmin):
    list_display = ["kpi", "period", "value", "source", "entered_by", "entered_at"]
    # By year rather than a date hierarchy, whose years come from a DISTINCT
    # over every reading; commentary is read on the KPI's own pages, not
    # searched here (a LIKE over every reading's text).
    list_filter = ["kpi__organisation", "source", year_list_filter("period"), "period"]
    search_fields = ["kpi__code", "kpi__title"]
    list_select_related = ["kpi__organisation", "entered_by"]
    ordering = ["-period", "-id"]
    autocomplete_fields = ["kpi"]
    readonly_fields = ["entered_at"]


@admin.register(Comparator)
class ComparatorAdmin(KPISearch, LargeTableAdmin):
    list_display = ["kpi", "kind", "year", "value", "label"]
    list_filter = ["kpi__organisation", "kind", "year"]
    search_fields = ["kpi__code", "kpi__title"]
    list_select_related = ["kpi__organisation"]
    ordering = ["kpi_id", "year", "kind"]
    autocomplete_fields = ["kpi"]


@admin.register(ReportedCompliance)
class ReportedComplianceAdmin(admin.ModelAdmin):
    list_display = ["kpi", "until", "met", "out_of", "source"]
    list_filter = ["kpi__organisation", "until"]
    search_fields = ["kpi__code", "kpi__title", "source"]
    list_select_related = ["kpi__organisation"]
    autocomplete_fields = ["kpi"]
