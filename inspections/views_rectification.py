"""Contract rectification plans (Schedule 6, 4.2.5): a commissioner raises one
against a KPI's Performance Failure (4.2.3), then numbers its actions. The
actions are ordinary actions: their page, updates, BRAG, sign-off, edit and
delete are the action plan's own views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from inspections import selectors, services
from inspections.forms import ActionForm, ReasonForm, RectificationPlanForm
from inspections.models import PlanKind
from inspections.rectification import rectification_chart
from inspections.views import _confirm_delete
from kpis.access import (
    can_commission,
    can_enter_returns,
    get_organisation_for_commissioner,
    get_organisation_for_user,
    get_owned_or_404,
    sees_drafts,
)
from kpis.periods import PeriodError, parse_period
from schedule6.selectors import kpi_month


def _plans(organisation):
    return organisation.action_plans.filter(kind=PlanKind.RECTIFICATION).select_related(
        "kpi", "organisation"
    )


def _get_plan_for_user(request, slug, pk):
    organisation = get_organisation_for_user(request, slug)
    return get_owned_or_404(request, _plans(organisation), organisation, pk=pk)


def _get_plan_for_commissioner(request, slug, pk):
    organisation = get_organisation_for_commissioner(request, slug)
    return get_owned_or_404(request, _plans(organisation), organisation, pk=pk)


def _prefill(request, organisation) -> dict:
    """The failure the button came from (``?kpi=KPI2&period=2018-10``); a
    value that is not one is left out, never an error."""
    initial = {"dated": timezone.localdate()}
    kpi = organisation.kpis.filter(code__iexact=request.GET.get("kpi", "")[:20]).first()
    if kpi is not None:
        initial.update(kpi=kpi.pk, title=f"{kpi.code} rectification plan")
    try:
        initial["failure_period"] = f"{parse_period(request.GET.get('period', '')):%Y-%m}"
    except PeriodError:
        pass
    return initial


def _save_or_errors(form, save):
    """Run the service; its refusals go on the form, which keeps the input."""
    try:
        return save()
    except ValidationError as error:
        form.add_error(None, error)  # a field's refusal goes on that field
        return None


@login_required
def rectification_plan_create(request, slug):
    organisation = get_organisation_for_commissioner(request, slug)
    form = RectificationPlanForm(
        request.POST or None, organisation=organisation, initial=_prefill(request, organisation)
    )
    if request.method == "POST" and form.is_valid():
        plan = _save_or_errors(
            form,
            lambda: services.rectification_plan_create(
                organisation=organisation, user=request.user, **form.cleaned_data
            ),
        )
        if plan is not None:
            messages.success(request, f"Raised {plan.title}. Now add its numbered actions.")
            return redirect("rectification_plan_detail", slug=slug, pk=plan.pk)
    context = {
        "organisation": organisation, "form": form, "rectification": True,
        "heading": "Raise a rectification plan",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def rectification_plan_detail(request, slug, pk):
    plan = _get_plan_for_user(request, slug, pk)
    organisation = plan.organisation
    drafts = sees_drafts(request.user, organisation)
    rows = selectors.plan_actions(plan=plan)
    failure, failed = (None, False)
    if plan.kpi and plan.failure_period:
        failure, failed = kpi_month(kpi=plan.kpi, period=plan.failure_period, drafts=drafts)
    context = {
        "organisation": organisation,
        "plan": plan,
        "failure": failure,
        "failed": failed,
        "rows": rows,
        "counts": selectors.brag_counts(rows),
        "key": selectors.lead_key(organisation=organisation, rows=rows),
        "chart": rectification_chart(plan, drafts=drafts),
        "can_edit": can_commission(request.user, organisation),
        "can_post": can_enter_returns(request.user, organisation),
    }
    return render(request, "inspections/rectification_plan.html", context)


@login_required
def rectification_plan_edit(request, slug, pk):
    plan = _get_plan_for_commissioner(request, slug, pk)
    organisation = plan.organisation
    data = request.POST or None
    form = RectificationPlanForm(data, instance=plan, organisation=organisation)
    reason = ReasonForm(data)
    if request.method == "POST" and all([form.is_valid(), reason.is_valid()]):
        saved = _save_or_errors(
            form,
            lambda: services.rectification_plan_update(
                plan=plan,
                user=request.user,
                reason=reason.cleaned_data["reason"],
                **form.cleaned_data,
            ),  # fmt: skip
        )
        if saved is not None:
            messages.success(request, f"Saved the changes to {plan.title}.")
            return redirect("rectification_plan_detail", slug=slug, pk=plan.pk)
    context = {
        "organisation": organisation, "form": form, "reason_form": reason,
        "heading": f"Edit {plan.title}", "rectification": True,
        "history": plan.history.select_related("history_user")[:20],
    }  # fmt: skip
    return render(request, "inspections/form.html", context)


@login_required
def rectification_plan_delete(request, slug, pk):
    plan = _get_plan_for_commissioner(request, slug, pk)
    return _confirm_delete(
        request, plan, organisation=plan.organisation, heading=f"Delete {plan.title}?",
        delete=lambda **kw: services.rectification_plan_delete(plan=plan, **kw),
        done_url=reverse("action_tracker", args=[slug]),
        back_url=reverse("rectification_plan_detail", args=[slug, pk]),
    )  # fmt: skip


@login_required
def rectification_action_create(request, slug, pk):
    plan = _get_plan_for_commissioner(request, slug, pk)
    initial = {"number": selectors.next_action_number(plan=plan)}
    form = ActionForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = _save_or_errors(
            form,
            lambda: services.rectification_action_create(
                plan=plan,
                user=request.user,
                **data,
                timescale_text=f"{data['timescale']:%b-%y}" if data["timescale"] else "",
            ),  # fmt: skip
        )
        if action is not None:
            messages.success(request, f"Action {action.reference} added.")
            return redirect("rectification_plan_detail", slug=slug, pk=plan.pk)
    context = {
        "organisation": plan.organisation, "form": form, "plan": plan, "rectification": True,
        "heading": f"Add an action to {plan.title}",
    }  # fmt: skip
    return render(request, "inspections/form.html", context)
