from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections import exports as exports_ilacs
from inspections import selectors, services
from inspections.forms import (
    ActionForm,
    ActionUpdateEditForm,
    ActionUpdateForm,
    FindingForm,
    InspectionForm,
    JudgementFormSet,
    LeadForm,
    ReasonForm,
    SignOffForm,
)
from inspections.models import BRAG, Action, ActionUpdate, Inspection, PlanKind
from inspections.ofsted import JUDGEMENT_AREAS
from kpis import exports
from kpis.access import (
    can_commission,
    can_enter_returns,
    get_organisation_for_commissioner,
    get_organisation_for_officer,
    get_organisation_for_user,
    get_owned_or_404,
)
from kpis.url_params import id_param


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
        "sort": params.get("sort", "") if params.get("sort") in selectors.TRACKER_SORTS else "",
    }


@login_required
def action_tracker(request, slug):
    organisation = get_organisation_for_user(request, slug)
    filters = _tracker_filters(request, organisation)
    rows = selectors.action_tracker(organisation=organisation, **filters)
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        return _tracker_export(organisation, rows, export)
    counts = selectors.brag_counts(
        selectors.action_tracker(organisation=organisation)
        if any(v for k, v in filters.items() if k != "sort")
        else rows
    )
    context = {
        "organisation": organisation,
        "rows": rows,
        "filters": filters,
        "counts": counts,
        "total": sum(counts.values()),
        "filter_words": selectors.tracker_filter_words(organisation=organisation, filters=filters),
        "key": selectors.lead_key(organisation=organisation, rows=rows),
        "sorts": selectors.TRACKER_SORTS.items(),
        "brag": BRAG.choices,
        "leads": selectors.tracker_leads(organisation=organisation),
        "findings": organisation.findings.filter(actions__isnull=False).distinct(),
        "query": request.GET.urlencode(),
        "can_edit": can_commission(request.user, organisation),
        "can_post": can_enter_returns(request.user, organisation),
    }
    return render(request, "inspections/action_tracker.html", context)


def _tracker_export(organisation, rows, export):
    name = f"{organisation.slug}-actions-{timezone.localdate():%Y-%m-%d}.{export}"
    key = selectors.lead_key(organisation=organisation, rows=rows)
    if export == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        exports_ilacs.tracker_csv(rows, key, response)
    else:
        response = HttpResponse(
            exports_ilacs.tracker_xlsx(organisation, rows, key, today=timezone.localdate()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _judgement_formset(request, *, initial=None, kind=None):
    """The judgements' rows; a POST without them (a client that sends only
    the inspection's fields) leaves the judgements as they are."""
    data = request.POST if "judgements-TOTAL_FORMS" in request.POST else None
    return JudgementFormSet(
        data, prefix="judgements", initial=initial, kind=request.POST.get("kind", kind)
    )


def _judgements_valid(formset) -> bool:
    return not formset.is_bound or formset.is_valid()


def _judgements_posted(formset):
    return formset.judgements() if formset.is_bound else None


@login_required
def inspection_create(request, slug):
    organisation = get_organisation_for_commissioner(request, slug)
    form = InspectionForm(request.POST or None)
    judgements = _judgement_formset(request)
    if request.method == "POST" and form.is_valid() and _judgements_valid(judgements):
        inspection = services.inspection_create(
            organisation=organisation, user=request.user,
            judgements=_judgements_posted(judgements) or (), **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, f"Recorded {inspection}.")
        return redirect("inspection_detail", slug=slug, pk=inspection.pk)
    context = {
        "organisation": organisation, "form": form, "formset": judgements,
        "heading": "Record an inspection",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


def _get_inspection_for_commissioner(request, slug, pk) -> Inspection:
    organisation = get_organisation_for_commissioner(request, slug)
    return get_owned_or_404(request, organisation.inspections.all(), organisation, pk=pk)


@login_required
def inspection_edit(request, slug, pk):
    inspection = _get_inspection_for_commissioner(request, slug, pk)
    data = request.POST or None
    form = InspectionForm(data, instance=inspection)
    initial = [{"area": j.area, "grade": j.grade} for j in inspection.judgements.all()]
    judgements = _judgement_formset(request, initial=initial, kind=inspection.kind)
    reason = ReasonForm(data)
    if request.method == "POST" and all(
        [form.is_valid(), _judgements_valid(judgements), reason.is_valid()]
    ):
        services.inspection_update(
            inspection=inspection, user=request.user, reason=reason.cleaned_data["reason"],
            judgements=_judgements_posted(judgements), **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, f"Saved the changes to {inspection}.")
        return redirect("inspection_detail", slug=slug, pk=inspection.pk)
    context = {
        "organisation": inspection.organisation, "inspection": inspection, "form": form,
        "formset": judgements, "reason_form": reason, "heading": f"Edit {inspection}",
        "history": inspection.history.select_related("history_user")[:20],
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


def _confirm_delete(request, obj, *, organisation, delete, done_url, heading, back_url):
    """The delete's own page: what goes with it, a reason, then the POST."""
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and reason.is_valid():
        delete(user=request.user, reason=reason.cleaned_data["reason"])
        messages.success(request, f"{heading.removesuffix('?')}: done.")
        return redirect(done_url)
    context = {
        "organisation": organisation, "heading": heading, "object": obj,
        "summary": selectors.deletion_summary(obj), "reason_form": reason, "back_url": back_url,
    }  # fmt: skip
    return render(request, "inspections/confirm_delete.html", context)


@login_required
def inspection_delete(request, slug, pk):
    inspection = _get_inspection_for_commissioner(request, slug, pk)
    return _confirm_delete(
        request, inspection, organisation=inspection.organisation, heading=f"Delete {inspection}?",
        delete=lambda **kw: services.inspection_delete(inspection=inspection, **kw),
        done_url=reverse("inspection_list", args=[slug]),
        back_url=reverse("inspection_detail", args=[slug, pk]),
    )  # fmt: skip


def _get_finding_for_commissioner(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    return get_owned_or_404(request, organisation.findings.all(), organisation, pk=pk)


def _finding_url(finding):
    slug = finding.organisation.slug
    if finding.inspection_id:
        return reverse("inspection_detail", args=[slug, finding.inspection_id])
    return reverse("inspection_list", args=[slug])


@login_required
def finding_edit(request, slug, pk):
    finding = _get_finding_for_commissioner(request, slug, pk)
    organisation = finding.organisation
    form = FindingForm(request.POST or None, instance=finding, organisation=organisation)
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), reason.is_valid()]):
        services.finding_update(
            finding=finding, user=request.user, reason=reason.cleaned_data["reason"],
            **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, "Saved the changes to the finding.")
        return redirect(_finding_url(finding) + f"#finding-{finding.pk}")
    context = {
        "organisation": organisation, "inspection": finding.inspection, "form": form,
        "reason_form": reason, "heading": "Edit a finding",
        "history": finding.history.select_related("history_user")[:20],
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def finding_delete(request, slug, pk):
    finding = _get_finding_for_commissioner(request, slug, pk)
    return _confirm_delete(
        request, finding, organisation=finding.organisation, heading="Delete this finding?",
        delete=lambda **kw: services.finding_delete(finding=finding, **kw),
        done_url=_finding_url(finding), back_url=_finding_url(finding) + f"#finding-{pk}",
    )  # fmt: skip


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
        try:
            action = services.action_create(
                finding=finding, user=request.user, **data,
                timescale_text=f"{data['timescale']:%b-%y}" if data["timescale"] else "",
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Action {action.reference} added.")
            return redirect("inspection_detail", slug=slug, pk=finding.inspection_id)
    context = {
        "organisation": organisation, "form": form, "finding": finding,
        "heading": "Add an action", "inspection": finding.inspection,
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def action_update(request, slug, pk):
    """A progress update: the organisation's officers and commissioners."""
    organisation = get_organisation_for_officer(request, slug)
    actions = Action.objects.filter(plan__organisation=organisation)
    action = get_owned_or_404(request, actions, organisation, pk=pk)
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        update = services.action_update_post(
            action=action, author=request.user, **form.cleaned_data
        )
        if update.proposes_complete:
            messages.success(
                request,
                f"Update posted to action {action.reference}. It is proposed complete; "
                "it becomes Blue when a commissioner signs it off.",
            )
        else:
            messages.success(request, f"Update posted to action {action.reference}.")
        return redirect("action_detail", slug=slug, pk=action.pk)
    updates = list(action.updates.order_by("-dated", "-created_at"))
    context = {
        "organisation": organisation, "form": form, "action": action, "updates": updates,
        "heading": f"Post an update to action {action.reference}",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


def _actions(organisation):
    return Action.objects.filter(plan__organisation=organisation).select_related(
        "plan", "finding__inspection", "signed_off_by", "completion_proposed_by"
    )


@login_required
def action_detail(request, slug, pk):
    organisation = get_organisation_for_user(request, slug)
    action = get_owned_or_404(request, _actions(organisation), organisation, pk=pk)
    context = {
        "organisation": organisation,
        "action": action,
        "overdue": selectors.is_overdue(
            timescale=action.timescale, status=action.status, today=timezone.localdate()
        ),
        "key": selectors.lead_key(
            organisation=organisation, rows=[selectors.ActionRow(action, None, False)]
        ),
        "brag_history": selectors.brag_history(action=action),
        "updates": action.updates.select_related("author").order_by("dated", "created_at"),
        "can_edit": can_commission(request.user, organisation),
        "can_post": can_enter_returns(request.user, organisation),
        "sign_off_form": SignOffForm(),
    }
    return render(request, "inspections/action_detail.html", context)


@login_required
def action_edit(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    action = get_owned_or_404(request, _actions(organisation), organisation, pk=pk)
    form = ActionForm(request.POST or None, instance=action)
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), reason.is_valid()]):
        data = form.cleaned_data
        try:
            services.action_update(
                action=action, user=request.user, reason=reason.cleaned_data["reason"], **data,
                timescale_text=f"{data['timescale']:%b-%y}" if data["timescale"] else "",
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the changes to action {action.reference}.")
            return redirect("action_detail", slug=slug, pk=action.pk)
    context = {
        "organisation": organisation, "form": form, "reason_form": reason,
        "heading": f"Edit action {action.reference}",
        "history": action.history.select_related("history_user")[:20],
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def action_delete(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    action = get_owned_or_404(request, _actions(organisation), organisation, pk=pk)
    return _confirm_delete(
        request, action, organisation=organisation, heading=f"Delete action {action.reference}?",
        delete=lambda **kw: services.action_delete(action=action, **kw),
        done_url=reverse("rectification_plan_detail", args=[slug, action.plan_id])
        if action.plan.kind == PlanKind.RECTIFICATION
        else reverse("action_tracker", args=[slug]),
        back_url=reverse("action_detail", args=[slug, pk]),
    )  # fmt: skip


@require_POST
@login_required
def action_sign_off(request, slug, pk):
    """A commissioner signs a proposal of complete off (Blue) or turns it down."""
    organisation = get_organisation_for_commissioner(request, slug)
    action = get_owned_or_404(request, _actions(organisation), organisation, pk=pk)
    form = SignOffForm(request.POST)
    note = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    if request.POST.get("decision") == "decline":
        if not note:
            messages.error(request, "Say why the action is not complete, for the history.")
            return redirect("action_detail", slug=slug, pk=pk)
        services.completion_decline(action=action, user=request.user, reason=note)
        messages.success(request, f"Action {action.reference} is not signed off; its status stays.")
    else:
        reason = f"Signed off as complete: {note}" if note else "Signed off as complete"
        services.action_sign_off(action=action, user=request.user, reason=reason)
        messages.success(request, f"Action {action.reference} signed off as complete (Blue).")
    return redirect("action_detail", slug=slug, pk=pk)


def _get_update_for_commissioner(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    updates = ActionUpdate.objects.filter(action__plan__organisation=organisation)
    return organisation, get_owned_or_404(
        request, updates.select_related("action"), organisation, pk=pk
    )


@login_required
def progress_update_edit(request, slug, pk):
    organisation, update = _get_update_for_commissioner(request, slug, pk)
    form = ActionUpdateEditForm(request.POST or None, instance=update)
    reason = ReasonForm(request.POST or None)
    if request.method == "POST" and all([form.is_valid(), reason.is_valid()]):
        services.progress_update_edit(
            update=update, user=request.user, reason=reason.cleaned_data["reason"],
            **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, "Saved the changes to the update.")
        return redirect("action_detail", slug=slug, pk=update.action_id)
    context = {
        "organisation": organisation, "form": form, "reason_form": reason,
        "action": update.action, "heading": f"Edit an update to action {update.action.reference}",
        "history": update.history.select_related("history_user")[:20],
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def progress_update_delete(request, slug, pk):
    organisation, update = _get_update_for_commissioner(request, slug, pk)
    url = reverse("action_detail", args=[slug, update.action_id])
    return _confirm_delete(
        request, update, organisation=organisation,
        heading=f"Delete this update to action {update.action.reference}?",
        delete=lambda **kw: services.progress_update_delete(update=update, **kw),
        done_url=url, back_url=url,
    )  # fmt: skip


@login_required
def lead_list(request, slug):
    """The organisation's key of leads: members read it, commissioners keep it."""
    organisation = get_organisation_for_user(request, slug)
    context = {
        "organisation": organisation,
        "key": selectors.lead_key(organisation=organisation),
        "extra": organisation.leads.exclude(
            initials__in=selectors.tracker_leads(organisation=organisation)
        ),
        "can_edit": can_commission(request.user, organisation),
    }
    return render(request, "inspections/lead_list.html", context)


@login_required
def lead_edit(request, slug, pk=None):
    organisation = get_organisation_for_commissioner(request, slug)
    lead = get_owned_or_404(request, organisation.leads.all(), organisation, pk=pk) if pk else None
    initial = {"initials": request.GET.get("initials", "")[:100]} if lead is None else None
    form = LeadForm(request.POST or None, instance=lead, initial=initial, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.lead_save(
            organisation=organisation, user=request.user, lead=lead, **form.cleaned_data
        )
        messages.success(request, f"Saved {form.cleaned_data['initials']} in the key of leads.")
        return redirect("lead_list", slug=slug)
    heading = f"Edit {lead} in the key of leads" if lead else "Add to the key of leads"
    context = {"organisation": organisation, "form": form, "heading": heading}
    return render(request, "inspections/form.html", context)


@login_required
def lead_delete(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    lead = get_owned_or_404(request, organisation.leads.all(), organisation, pk=pk)
    url = reverse("lead_list", args=[slug])
    heading = f"Delete the key of leads' entry for {lead}?"
    return _confirm_delete(
        request, lead, organisation=organisation, heading=heading,
        delete=lambda **kw: services.lead_delete(lead=lead, **kw), done_url=url, back_url=url,
    )  # fmt: skip
