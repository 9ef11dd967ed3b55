"""The monthly return: the officers' entry form, the commissioners' review."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kpis import plausibility, rating, selectors, services
from kpis.access import (
    can_commission,
    can_enter_returns,
    get_kpi_for_user,
    get_organisation_for_commissioner,
    get_organisation_for_officer,
    get_organisation_for_user,
    sees_drafts,
)
from kpis.formatting import plain, with_unit
from kpis.forms import (
    ReturnFilterForm,
    ReturnForm,
    ReturnPreviewForm,
    ReturnReviewForm,
    TargetsForm,
)
from kpis.imports import cells
from kpis.models import ReturnState
from kpis.periods import contract_years, format_period, latest_ahead
from kpis.url_params import contract_year_or_404, period_or_404


def _return_period(request, organisation, text: str):
    """The month of a return page, or 404 for a month the organisation does
    not report (``selectors.has_return_page``)."""
    month = period_or_404(text)
    extends = can_enter_returns(request.user, organisation)
    if not selectors.has_return_page(organisation=organisation, period=month, extends=extends):
        raise Http404(f"{organisation.name} has no return for {month:%B %Y}.")
    return month


def _initial(entries, monthly_return):
    initial = {"version": monthly_return.version}
    for entry in entries:
        reading, pk = entry["reading"], entry["row"].kpi.pk
        if reading:
            initial[f"value_{pk}"] = plain(reading.value)
            initial[f"numerator_{pk}"] = plain(reading.numerator)
            initial[f"denominator_{pk}"] = plain(reading.denominator)
            initial[f"commentary_{pk}"] = reading.commentary
    return initial


# Two years of months a page: an open span since 2018 is a few pages.
RETURNS_PER_PAGE = 24


@login_required
def return_list(request, slug):
    organisation = get_organisation_for_user(request, slug)
    can_enter = can_enter_returns(request.user, organisation)
    form = ReturnFilterForm(request.GET or None)
    if not form.is_valid():
        form = ReturnFilterForm()  # an unknown state: every month, the picker at All states
    state = form.cleaned_data["state"] if form.is_bound else ""
    periods = form.cleaned_data["months"] if form.is_bound else []
    months = selectors.filter_returns(
        selectors.returns_overview(organisation=organisation), state=state, periods=periods
    )
    paginator = Paginator(months, RETURNS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        # Any page that is not one of the list's, as Django's ListView does.
        raise Http404("No such page of returns") from None
    context = {
        "organisation": organisation,
        "form": form,
        "state_label": selectors.RETURN_FILTERS[state][0] if state else "",
        "periods": periods,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "months": page.object_list,
        "can_enter": can_enter,
        "next_month": selectors.month_after_span(organisation=organisation) if can_enter else None,
    }
    return render(request, "kpis/return_list.html", context)


@login_required
def return_detail(request, slug, period):
    organisation = get_organisation_for_user(request, slug)
    month = _return_period(request, organisation, period)
    monthly_return = selectors.monthly_return(organisation=organisation, period=month)
    drafts = sees_drafts(request.user, organisation)
    entries = selectors.return_entries(organisation=organisation, period=month, drafts=drafts)
    can_edit = (
        can_enter_returns(request.user, organisation) and monthly_return.state == ReturnState.DRAFT
    )
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(entries, monthly_return),
        **_form_kwargs(entries, month),
    )
    saved_draft = False
    if request.method == "POST":
        if not can_edit:
            get_organisation_for_officer(request, slug)  # 403 for the read-only
            messages.error(request, "This return is not a draft: it cannot be changed now.")
            return redirect("return_detail", slug=slug, period=period)
        if form.is_valid():
            monthly_return = services.monthly_return_get_or_create(
                organisation=organisation, period=month
            )
            saved_draft, refusal = _save_or_submit(request, monthly_return, form)
            if refusal is None:
                return redirect("return_detail", slug=slug, period=period)
            if saved_draft:
                # Saved, then the submit refused: the version moved on. The
                # page carries the new one and the saved ratings, with
                # everything typed kept, so one correction submits.
                entries = selectors.return_entries(
                    organisation=organisation, period=month, drafts=drafts
                )
                form = _form_at_version(request.POST, monthly_return, entries, month)
            if isinstance(refusal, services.RedWithoutCommentary):
                # Each refusal on its box, in the linked error summary.
                for kpi, message in refusal.messages.items():
                    form.add_error(f"commentary_{kpi.pk}", message)
            else:
                messages.error(request, str(refusal))
    context = {
        "organisation": organisation,
        "monthly_return": monthly_return,
        "form": form,
        "entries": list(zip(entries, form.rows(), strict=True)),
        "can_edit": can_edit,
        "saved_draft": saved_draft,
        "can_review": can_commission(request.user, organisation),
        "period_text": format_period(month),
        "drafts": drafts,
        "confirm_label": plausibility.CONFIRM_LABEL,
    }
    return render(request, "kpis/return_detail.html", context)


def _form_kwargs(entries, month) -> dict:
    """The KPIs of the form and what its plausibility check reads: each
    KPI's other months and this month's saved values."""
    kpis = [e["row"].kpi for e in entries]
    return {
        "kpis": kpis,
        "histories": selectors.reading_histories(kpis=kpis, period=month),
        "saved": {e["row"].kpi.pk: e["reading"].value for e in entries if e["reading"]},
    }


def _save_or_submit(request, monthly_return, form):
    """Save the draft, then submit it if asked: (whether the draft was saved,
    the refusal or None)."""
    try:
        services.monthly_return_save(
            monthly_return=monthly_return, version=form.cleaned_data["version"],
            entries=form.cleaned_data["entries"], user=request.user,
        )  # fmt: skip
    except services.ReturnError as refusal:
        return False, refusal
    if request.POST.get("action") != "submit":
        messages.success(request, "Draft saved.")
        return True, None
    try:
        services.monthly_return_submit(
            monthly_return=monthly_return, version=monthly_return.version, user=request.user
        )
    except services.ReturnError as refusal:
        return True, refusal
    messages.success(request, "Return submitted to the commissioners.")
    return True, None


def _form_at_version(data, monthly_return, entries, month):
    """The posted form again, claiming the version the save just made."""
    data = data.copy()
    data["version"] = str(monthly_return.version)
    form = ReturnForm(
        data,
        initial=_initial(entries, monthly_return),
        **_form_kwargs(entries, month),
    )
    form.is_valid()
    return form


@login_required
@require_POST
def return_review(request, slug, period):
    """Accept a submitted return, or reopen one with a reason."""
    organisation = get_organisation_for_commissioner(request, slug)
    # Only a submitted or accepted return can be reviewed: one nobody has
    # started is refused by the service without being created.
    monthly_return = selectors.monthly_return(
        organisation=organisation, period=_return_period(request, organisation, period)
    )
    form = ReturnReviewForm(request.POST)
    if not form.is_valid():
        # Not what the page's buttons send: said, and nothing changed.
        messages.error(request, f"Nothing was changed: {_form_errors(form)}")
        return redirect("return_detail", slug=slug, period=period)
    version = form.cleaned_data["version"]
    try:
        if form.cleaned_data["action"] == "accept":
            services.monthly_return_accept(
                monthly_return=monthly_return, version=version, user=request.user
            )
            messages.success(request, "Return accepted: its readings are now locked.")
        else:
            services.monthly_return_reopen(
                monthly_return=monthly_return, version=version, user=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            messages.success(request, "Return reopened as a draft.")
    except services.ReturnError as error:
        messages.error(request, str(error))
    return redirect("return_detail", slug=slug, period=period)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label or name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )


@login_required
@require_POST
def return_preview(request, slug, period):
    """What the typed entry would be: the live status on the return form.

    The browser sends the value, numerator and denominator as typed; the
    import parser derives or checks the value (``cells.parse_entry``), the
    one rating module rates it and ``plausibility`` says whether it is
    unusual, so none of these rules has a second implementation in
    JavaScript. The answer: the value (``shown`` with its unit, ``derived``
    when worked out from the fraction), its status, or the ``error`` and
    the ``field`` it concerns, and ``unusual``, the question to confirm.
    """
    organisation = get_organisation_for_officer(request, slug)
    month = _return_period(request, organisation, period)
    form = ReturnPreviewForm(request.POST, organisation=organisation)
    if not form.is_valid():
        raise Http404("No such KPI for this organisation")
    kpi = form.cleaned_data["kpi"]
    answer = {"value": "", "shown": "", "derived": False, "status": "", "label": "",
              "error": "", "field": "", "unusual": ""}  # fmt: skip
    typed = {name: form.cleaned_data[name] for name in ("value", "numerator", "denominator")}
    try:
        value, _, _ = cells.parse_entry(kpi=kpi, **typed)
    except cells.EntryProblem as problem:
        return JsonResponse(answer | {"error": str(problem), "field": problem.field})
    if value is None:
        return JsonResponse(answer)
    target = selectors.target_in_force(kpi=kpi, period=month)
    status = rating.rate_one(
        value=value,
        target=target.value if target else None,
        lower=target.lower if target else None,
        upper=target.upper if target else None,
        polarity=kpi.polarity,
    )
    saved = selectors.readings(drafts=True, kpi=kpi, period=month).first()
    found = plausibility.unusual(
        kpi=kpi,
        value=value,
        history=selectors.reading_histories(kpis=[kpi], period=month)[kpi.pk],
        saved=saved.value if saved else None,
    )
    return JsonResponse(
        answer
        | {
            "value": plain(value),
            "shown": with_unit(value, kpi.unit),
            "derived": not str(typed["value"]).strip(),
            "status": status,
            "label": rating.STATUS_LABELS[status],
            "unusual": str(found) if found else "",
        }
    )


def _targets_initial(current: dict) -> dict:
    initial = {}
    for kpi_id, target in current.items():
        if not target.agreed:
            initial[f"not_agreed_{kpi_id}"] = True
            continue
        for name, field in (("target", "value"), ("lower", "lower"), ("upper", "upper")):
            initial[f"{name}_{kpi_id}"] = plain(getattr(target, field))
    return initial


@login_required
def targets_edit(request, slug, year):
    """A commissioner sets the contract year's targets and tolerances, or
    marks them not yet agreed, with a reason for a change; everyone who sees
    the organisation reads them."""
    if request.method == "POST":
        organisation = get_organisation_for_commissioner(request, slug)
    else:
        organisation = get_organisation_for_user(request, slug)
    # Targets are set ahead, so a year to come has a page, within reason.
    latest = latest_ahead()
    year = contract_year_or_404(year, latest=latest)
    kpis = list(organisation.kpis.all())
    current = selectors.targets_for_year(organisation=organisation, year=year)
    form = TargetsForm(request.POST or None, initial=_targets_initial(current), kpis=kpis)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.targets_set(
                organisation=organisation, year=year, entries=form.cleaned_data["entries"],
                user=request.user, reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except services.TargetsError as refusal:
            form.add_error("reason", str(refusal))
        else:
            messages.success(request, f"{changed} target{'s' if changed != 1 else ''} saved.")
            return redirect("targets_edit", slug=slug, year=year)
    # What the year would start from: each KPI's target in force at the end
    # of the year before (the "Previous year" column and the copy button).
    earlier = selectors.targets_in_force(organisation=organisation, period=dt.date(year, 3, 1))
    context = {
        "organisation": organisation,
        "form": form,
        "year": year,
        "label": services.year_label(year),
        "previous_label": services.year_label(year - 1),
        "previous_start": dt.date(year - 1, 4, 1),
        "years": [y for y in range(year - 2, year + 3) if y in contract_years(latest=latest)],
        "earlier": earlier,
        "rows": [
            (row, {"current": current.get(row["kpi"].pk), "earlier": earlier.get(row["kpi"].pk)})
            for row in form.rows()
        ],
        "can_edit": can_commission(request.user, organisation),
        "can_copy": not current and bool(earlier),
    }
    return render(request, "kpis/targets.html", context)


@login_required
@require_POST
def targets_copy(request, slug, year):
    """Start a contract year from last year's targets, in one step."""
    organisation = get_organisation_for_commissioner(request, slug)
    year = contract_year_or_404(year, latest=latest_ahead())
    try:
        copied = services.targets_copy_previous_year(
            organisation=organisation, year=year, user=request.user
        )
    except services.TargetsError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"{copied} target{'s' if copied != 1 else ''} copied from "
            f"{services.year_label(year - 1)}: change any that differ, with a reason.",
        )
    return redirect("targets_edit", slug=slug, year=year)


@login_required
def kpi_history(request, slug, code):
    """Who changed this KPI's readings and targets, when, from what, and why."""
    kpi = get_kpi_for_user(request, slug, code)
    context = {
        "organisation": kpi.organisation,
        "kpi": kpi,
        "changes": selectors.kpi_changes(
            kpi=kpi, drafts=sees_drafts(request.user, kpi.organisation)
        ),
    }
    return render(request, "kpis/kpi_history.html", context)
