"""Admin changelists that stay fast on national-scale tables.

Django's changelist counts the whole table on every page (twice, unless
``show_full_result_count`` is off), fetches a deep page by OFFSET over full
rows, and builds the date drill-down with a DISTINCT over every row. At
720,000 readings each of those costs seconds (docs/performance.md). The
pieces here keep every changelist to index work:

- ``LateRowPaginator`` finds a page's ids by an index-only scan, then fetches
  just those rows, so page 7,000 reads 100 rows, not 700,100.
- ``YearListFilter`` offers years from the column's MIN and MAX (two index
  probes) instead of a DISTINCT over the table.
"""

from django.contrib import admin
from django.core.paginator import Page, Paginator
from django.db.models import Max, Min


class LateRowPaginator(Paginator):
    """Pages whose rows are fetched by primary key after the page's ids are
    found, so the OFFSET runs over an index rather than over full rows."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


def year_list_filter(field: str, title: str = "year"):
    """A list filter by calendar year of the date ``field``."""

    class YearListFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_year"

        def lookups(self, request, model_admin):
            span = model_admin.model._default_manager.aggregate(first=Min(field), last=Max(field))
            if span["first"] is None:
                return []
            years = range(span["last"].year, span["first"].year - 1, -1)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{f"{field}__year": int(value)})
            return queryset

    YearListFilter.title = title
    return YearListFilter
