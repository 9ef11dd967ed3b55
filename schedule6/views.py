"""Forms for what the Trust records for its Schedule 6 report. Officers of
the trust (and its commissioners) enter the month's summary analysis, audits
and surveys with the return; the commissioners set the failure rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from kpis.access import get_organisation_for_commissioner, get_organisation_for_officer
from kpis.periods import contract_year_label, format_period, label_period
from kpis.url_params import contract_year_or_404, period_or_404
from schedule6 import services
from schedule6.forms import (
    AnnualReviewForm,
    AuditActivityForm,
    AuditFindingForm,
    AuditThemeForm,
    FailureRuleForm,
    SummaryAnalysisForm,
    SurveyForm,
)
from schedule6.models import (
    AnnualReview,
    AuditActivity,
    AuditFinding,
    AuditTheme,
    FailureRule,
    SummaryAnalysis,
    Survey,
)


def _form_page(request, *, organisation, form, heading, back, done, paragraph):
    if request.method == "POST" and form.is_valid():
        services.record_save(instance=form.instance, user=request.user)
        messages.success(request, done)
        return redirect(back)
    context = {
        "organisation": organisation, "form": form, "heading": heading, "back": back,
        "paragraph": paragraph,
    }  # fmt: skip
    return render(request, "schedule6/form.html", context)


def _report_url(organisation, period):
    return reverse("monthly_report", args=[organisation.slug, format_period(period)])


@login_required
def summary_analysis_edit(request, slug, period):
    organisation = get_organisation_for_officer(request, slug)
    month = period_or_404(period)
    instance = SummaryAnalysis.objects.filter(
        organisation=organisation, period=month
    ).first() or SummaryAnalysis(organisation=organisation, period=month)
    return _form_page(
        request,
        organisation=organisation,
        form=SummaryAnalysisForm(request.POST or None, instance=instance),
        heading=f"Summary analysis for {label_period(month)}",
        back=_report_url(organisation, month) + "#s-summary",
        done=f"Summary analysis for {label_period(month)} saved.",
        paragraph="4.2.1",
    )


def _create(request, slug, period, *, model, form_class, what, paragraph, anchor, span=False):
    organisation = get_organisation_for_officer(request, slug)
    month = period_or_404(period)
    fields = {"period_from": month, "period": month} if span else {"period": month}
    instance = model(organisation=organisation, **fields)
    return _form_page(
        request,
        organisation=organisation,
        form=form_class(request.POST or None, instance=instance),
        heading=f"Record {what} for {label_period(month)}",
        back=_report_url(organisation, month) + anchor,
        done=f"{what[0].upper()}{what[1:]} for {label_period(month)} recorded.",
        paragraph=paragraph,
    )


@login_required
def audit_activity_create(request, slug, period):
    return _create(
        request, slug, period, model=AuditActivity, form_class=AuditActivityForm,
        what="audit activity", paragraph="4.2.6", anchor="#s-audits", span=True,
    )  # fmt: skip


@login_required
def audit_theme_create(request, slug, period):
    return _create(
        request, slug, period, model=AuditTheme, form_class=AuditThemeForm,
        what="an audit theme", paragraph="4.2.6", anchor="#s-audits",
    )  # fmt: skip


@login_required
def audit_finding_create(request, slug, period):
    return _create(
        request, slug, period, model=AuditFinding, form_class=AuditFindingForm,
        what="audit findings", paragraph="4.2.6", anchor="#s-audits", span=True,
    )  # fmt: skip


@login_required
def survey_create(request, slug, period):
    return _create(
        request, slug, period, model=Survey, form_class=SurveyForm,
        what="a survey", paragraph="4.2.7", anchor="#s-surveys",
    )  # fmt: skip


@login_required
def failure_rule_edit(request, slug, year):
    organisation = get_organisation_for_commissioner(request, slug)
    year = contract_year_or_404(year)
    instance = FailureRule.objects.filter(
        organisation=organisation, contract_year=year
    ).first() or FailureRule(organisation=organisation, contract_year=year)
    label = contract_year_label(year)
    return _form_page(
        request,
        organisation=organisation,
        form=FailureRuleForm(request.POST or None, instance=instance),
        heading=f"Performance Failure rule for {label}",
        back=reverse("dashboard", args=[organisation.slug]),
        done=f"Performance Failure rule for {label} saved.",
        paragraph="4.2.3",
    )


@login_required
def annual_review_edit(request, slug, year):
    """The Trust's own words for its annual report: its officers (and
    commissioners) write them, as they do the monthly summary analysis."""
    organisation = get_organisation_for_officer(request, slug)
    year = contract_year_or_404(year)
    instance = AnnualReview.objects.filter(
        organisation=organisation, contract_year=year
    ).first() or AnnualReview(organisation=organisation, contract_year=year)
    label = contract_year_label(year)
    return _form_page(
        request,
        organisation=organisation,
        form=AnnualReviewForm(request.POST or None, instance=instance),
        heading=f"The Trust's words for the annual report {label}",
        back=reverse("annual_report", args=[organisation.slug, year]),
        done=f"The Trust's words for the annual report {label} saved.",
        paragraph=None,
    )
