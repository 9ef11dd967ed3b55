from django.contrib import admin

from national.models import Measure, MeasureValue, Neighbour, NeighbourModel
from trustmonitor.admin_a11y import TabularInline


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "indicator", "polarity", "unit", "source", "imported_at"]
    list_filter = ["polarity", "unit"]
    search_fields = ["slug", "title", "indicator"]
    readonly_fields = ["imported_at"]


@admin.register(MeasureValue)
class MeasureValueAdmin(admin.ModelAdmin):
    list_display = [
        "measure",
        "time_period",
        "geographic_level",
        "area_name",
        "value",
        "suppression",
    ]
    list_filter = ["measure", "geographic_level", "year", "suppression"]
    search_fields = ["area_name", "area_code", "old_la_code"]
    list_select_related = ["measure"]


class NeighbourInline(TabularInline):
    model = Neighbour
    extra = 0


@admin.register(NeighbourModel)
class NeighbourModelAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "imported_at"]
    readonly_fields = ["imported_at"]


@admin.register(Neighbour)
class NeighbourAdmin(admin.ModelAdmin):
    list_display = ["model", "la_code", "la_name", "position", "neighbour_code", "closeness"]
    list_filter = ["model", "closeness"]
    search_fields = ["la_code", "la_name", "neighbour_code"]
    list_select_related = ["model"]
