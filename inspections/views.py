from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from inspections import exports as exports_ilacs
from inspections import selectors, services
from inspections.forms import ActionForm, ActionUpdateForm, FindingForm, InspectionForm
from inspections.models import BRAG, Action, Inspection
from inspections.ofsted import JUDGEMENT_AREAS
from kpis import exports
from kpis.access import (
    can_commission,
    get_organisation_for_commissioner,
    get_organisation_for_user,
    get_owned_or_404,
)
from kpis.url_params import id_param

TRACKER_HEADERS = [
    "Plan", "No.", "Action", "Finding", "Lead", "Timescale", "Status", "Overdue",
    "Latest update", "Update date",
]  # fmt: skip


def _get_inspection_for_user(request, slug, pk) -> Inspection:
    organisation = get_organisation_for_user(request, slug)
    return get_owned_or_404(request, organisation.inspections.all(), organisation, pk=pk)


@login_required
def inspection_list(request, slug):
    organisation = get_organisation_for_user(request, slug)
    ilacs = selectors.ilacs_comparison(organisation=organisation)
    sort = request.GET.get("sort", "position")
    if sort.lstrip("-") not in selectors.NEIGHBOUR_SORT_KEYS:
        sort = "position"
    neighbours = selectors.sort_neighbours(ilacs.neighbours, sort)
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        return _ilacs_export(organisation, ilacs, neighbours, export)
    context = {
        "organisation": organisation,
        "inspections": selectors.inspection_timeline(organisation=organisation),
        "plan_groups": selectors.plan_findings(organisation=organisation),
        "ilacs": ilacs,
        "neighbours": neighbours,
        "sort": sort,
        "sort_choices": [
            choice
            for key, words in selectors.NEIGHBOUR_SORT_LABELS.items()
            for choice in ((key, words[0]), (f"-{key}", words[1]))
        ],
        "ilacs_columns": [(field, short) for field, _, short in JUDGEMENT_AREAS],
        "can_edit": can_commission(request.user, organisation),
    }
    return render(request, "inspections/inspection_list.html", context)


def _ilacs_export(organisation, ilacs, neighbours, export):
    """The neighbours' table as on the page, the trust's own authority first."""
    table = exports_ilacs.neighbour_table(ilacs, neighbours)
    as_at = f"-{ilacs.release.as_at:%Y-%m-%d}" if ilacs.release else ""
    name = f"{organisation.slug}-ilacs-neighbours{as_at}.{export}"
    if export == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        exports.write_csv(exports_ilacs.HEADERS, table, response)
    else:
        response = HttpResponse(
            exports.xlsx_bytes(
                exports_ilacs.HEADERS, table, title="ILACS judgements",
                fills=exports_ilacs.GRADE_FILLS,
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def inspection_detail(request, slug, pk):
    inspection = _get_inspection_for_user(request, slug, pk)
    context = {
        "organisation": inspection.organisation,
        "inspection": inspection,
        "groups": selectors.inspection_findings(inspection=inspection),
        "can_edit": can_commission(request.user, inspection.organisation),
    }
    return render(request, "inspections/inspection_detail.html", context)


def _tracker_filters(request, organisation):
    params = request.GET
    finding = params.get("finding", "")
    return {
        "status": params.get("status", "") if params.get("status") in BRAG.values else "",
        "lead": params.get("lead", "").strip()[:50],
        "finding": id_param(finding),
        "overdue": params.get("overdue") == "1",
    }


@login_required
def action_tracker(request, slug):
    organisation = get_organisation_for_user(request, slug)
    filters = _tracker_filters(request, organisation)
    rows = selectors.action_tracker(organisation=organisation, **filters)
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        return _tracker_export(organisation, rows, export)
    context = {
        "organisation": organisation,
        "rows": rows,
        "filters": filters,
        "counts": selectors.brag_counts(
            selectors.action_tracker(organisation=organisation) if any(filters.values()) else rows
        ),
        "brag": BRAG.choices,
        "leads": selectors.tracker_leads(organisation=organisation),
        "findings": organisation.findings.filter(actions__isnull=False).distinct(),
        "query": request.GET.urlencode(),
        "can_edit": can_commission(request.user, organisation),
    }
    return render(request, "inspections/action_tracker.html", context)


def _tracker_export(organisation, rows, export):
    table = [
        [
            row.action.plan.title, row.action.number, row.action.text,
            row.action.finding.text if row.action.finding else "", row.action.lead,
            row.action.timescale_text, row.action.get_status_display(),
            "yes" if row.overdue else "", row.latest_update.text if row.latest_update else "",
            (row.latest_update.dated_text or row.latest_update.dated) if row.latest_update else "",
        ]
        for row in rows
    ]  # fmt: skip
    name = f"{organisation.slug}-actions-{timezone.localdate():%Y-%m-%d}.{export}"
    if export == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        exports.write_csv(TRACKER_HEADERS, table, response)
    else:
        response = HttpResponse(
            exports.xlsx_bytes(
                TRACKER_HEADERS, table, title="Actions", fills={"Status": exports.BRAG_FILLS}
            ),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def inspection_create(request, slug):
    organisation = get_organisation_for_commissioner(request, slug)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        inspection = services.inspection_create(organisation=organisation, **form.cleaned_data)
        messages.success(request, f"Recorded {inspection}.")
        return redirect("inspection_detail", slug=slug, pk=inspection.pk)
    context = {"organisation": organisation, "form": form, "heading": "Record an inspection"}
    return render(request, "inspections/form.html", context)


@login_required
def finding_create(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    inspection = get_owned_or_404(request, organisation.inspections.all(), organisation, pk=pk)
    form = FindingForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.finding_create(inspection=inspection, **form.cleaned_data)
        messages.success(request, "Finding recorded.")
        return redirect("inspection_detail", slug=slug, pk=inspection.pk)
    context = {
        "organisation": organisation, "inspection": inspection, "form": form,
        "heading": f"Add a finding to {inspection}",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def action_create(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    findings = organisation.findings.exclude(inspection=None)
    finding = get_owned_or_404(request, findings, organisation, pk=pk)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.action_create(
            finding=finding, **data,
            timescale_text=f"{data['timescale']:%b-%y}" if data["timescale"] else "",
        )  # fmt: skip
        messages.success(request, "Action added.")
        return redirect("inspection_detail", slug=slug, pk=finding.inspection_id)
    context = {
        "organisation": organisation, "form": form, "finding": finding,
        "heading": "Add an action", "inspection": finding.inspection,
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def action_update(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    actions = Action.objects.filter(plan__organisation=organisation)
    action = get_owned_or_404(request, actions, organisation, pk=pk)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        services.action_update_post(action=action, author=request.user, **form.cleaned_data)
        messages.success(request, f"Update posted to action {action.number}.")
        return redirect("action_tracker", slug=slug)
    updates = list(action.updates.order_by("-dated", "-created_at"))
    context = {
        "organisation": organisation, "form": form, "action": action, "updates": updates,
        "heading": f"Post an update to action {action.number}",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)
