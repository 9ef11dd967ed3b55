"""The national statistics pages: the measures, and LAIT's "All LAs" view of one."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from kpis.access import get_kpi_for_commissioner, get_measure_for_user, require_national_loader
from national import demo, exports, selectors, services
from national.forms import MeasureYearForm, NationalMeasureLinkForm
from trustmonitor.progress import progress_context
from trustmonitor.security import log_event


def _table(request, slug):
    measure = get_measure_for_user(request, slug)
    form = MeasureYearForm(request.GET)
    form.is_valid()
    table = selectors.measure_table(measure=measure, time_period=form.cleaned_data.get("year"))
    return table, form.cleaned_data.get("sort") or "area"


@login_required
def measure_list(request):
    return render(request, "national/measure_list.html", {"measures": selectors.measures()})


@login_required
def measure_detail(request, slug):
    table, sort = _table(request, slug)
    context = {
        "measure": table.measure,
        "table": table,
        "rows": selectors.sort_measure_rows(table.rows, sort),
        "sort": sort,
        "sort_choices": [
            choice
            for key, words in selectors.MEASURE_SORT_LABELS.items()
            if key != "rank" or table.measure.polarity  # no rank without polarity
            for choice in ((key, words[0]), (f"-{key}", words[1]))
        ],
    }
    return render(request, "national/measure_detail.html", context)


def _download_name(table, extension):
    return f"{slugify(table.measure.slug)}-{table.time_period or 'none'}.{extension}"


@login_required
def measure_csv(request, slug):
    table, _ = _table(request, slug)
    out = io.StringIO()
    exports.write_measure_csv(table, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(table, "csv")}"'
    return response


@login_required
def measure_xlsx(request, slug):
    table, _ = _table(request, slug)
    response = HttpResponse(
        exports.measure_xlsx(table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(table, "xlsx")}"'
    return response


@login_required
@require_POST
def kpi_national_link(request, slug, code):
    """A commissioner links a KPI to a national measure, or unlinks it."""
    kpi = get_kpi_for_commissioner(request, slug, code)
    form = NationalMeasureLinkForm(request.POST)
    if form.is_valid():
        measure = form.cleaned_data["measure"]
        services.kpi_national_measure_set(kpi=kpi, measure=measure, user=request.user)
        if measure:
            messages.success(request, f"{kpi.code} is now compared with “{measure.title}”.")
        else:
            messages.success(request, f"{kpi.code} is no longer compared with a national measure.")
    else:
        messages.error(request, "Choose one of the national measures listed.")
    return redirect("kpi_detail", slug=kpi.organisation.slug, code=kpi.code)


@login_required
@require_http_methods(["GET", "POST"])
def national_load(request):
    """Load DfE's files (data/dfe/) in the background and follow its progress."""
    require_national_loader(request)
    if request.method == "POST":
        demo.national_load_start(user=request.user)
        log_event("national_load_started", user=request.user)
        messages.success(request, "The load is queued: this page follows its progress.")
        return redirect("national_load")
    loads = selectors.national_loads()
    in_progress = any(load.in_progress for load in loads)
    context = {"loads": loads, "in_progress": in_progress, "steps": demo.STEPS}
    return render(request, "national/load.html", context | progress_context(busy=in_progress))
