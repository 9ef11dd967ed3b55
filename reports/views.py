from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kpis.access import can_commission, get_organisation_for_user, sees_drafts
from kpis.periods import (
    contract_year,
    contract_year_label,
    contract_years,
    format_period,
    label_period,
    month_start,
)
from kpis.selectors import latest_period
from kpis.url_params import contract_year_or_404, period_or_404
from reports import annual, documents, docx, exports, monthly_docx, scrutiny, selectors


def _css_string(text: str) -> str:
    r"""Text for a CSS string (the printed page header): every character but
    ASCII letters and digits as a six-digit CSS escape, so nothing can close
    the string or the ``<style>`` element. Spaces too, since CSS swallows one
    space after an escape.

    >>> _css_string("Children's Trust")
    'Children\\000027s\\000020Trust'
    """
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in text)


@login_required
def monthly_report_latest(request, slug):
    """The report for the latest month with a reading (this month if none)."""
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    period = latest_period(organisation, drafts=drafts) or month_start(timezone.localdate())
    return redirect("monthly_report", slug=organisation.slug, period=format_period(period))


@login_required
def monthly_report(request, slug, period):
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    report = selectors.monthly_report(
        organisation=organisation, period=period_or_404(period), drafts=drafts
    )
    export = request.GET.get("format")
    if export in {"csv", "xlsx", "docx"}:
        name = f"{organisation.slug}-monthly-report-{format_period(report.period)}.{export}"
        if export == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            exports.write_report_csv(report, response)
        elif export == "docx":
            response = HttpResponse(
                monthly_docx.report_docx(
                    report,
                    off_target=selectors.off_target_frames(report, drafts=drafts),
                    rectification=selectors.rectification_frames(report, drafts=drafts),
                    drafts=drafts,
                    today=timezone.localdate(),
                ),
                content_type=docx.DOCX_CONTENT_TYPE,
            )
        else:
            response = HttpResponse(
                exports.report_xlsx(report), content_type=exports.XLSX_CONTENT_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        "organisation": organisation,
        "report": report,
        "drafts": drafts,
        # Officers record the Trust's parts with the return; commissioners the rule.
        "can_record": drafts,
        "can_commission": can_commission(request.user, organisation),
        "sections": report.sections,
        "rectification_charts": selectors.rectification_charts(report, drafts=drafts),
        "no_narrative": selectors.NO_NARRATIVE,
        "counts_other": selectors.COUNTS_OTHER,
        "off_target_intro": selectors.OFF_TARGET_INTRO,
        "spc_heading": selectors.SPC_HEADING,
        "spc_too_few": selectors.SPC_TOO_FEW,
        "no_outcome": selectors.NO_OUTCOME,
        "produced": report.produced_note(timezone.localdate()),
        "print_header": _css_string(
            f"{organisation.name} · Monthly monitoring report · {label_period(report.period)}"
        ),
    }
    return render(request, "reports/monthly_report.html", context)


def _docx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=docx.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def annual_report(request, slug, year):
    """The annual report on a contract year: a page that prints as the committee paper."""
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    year = contract_year_or_404(year)
    report = annual.annual_report(organisation=organisation, year=year, drafts=drafts)
    if request.GET.get("format") == "docx":
        return _docx(
            documents.annual_report_docx(report), f"{organisation.slug}-annual-report-{year}.docx"
        )
    years = contract_years()
    context = {
        "organisation": organisation,
        "report": report,
        "drafts": drafts,
        # The Trust's words: its officers and commissioners write them.
        "can_record": drafts,
        "previous_year": year - 1 if year - 1 in years else None,
        "next_year": year + 1 if year + 1 in years else None,
        "print_header": _css_string(f"{organisation.name} · Annual report {report.label}"),
    }
    return render(request, "reports/annual_report.html", context)


@login_required
def scrutiny_pack_latest(request, slug):
    """The pack for the latest month with readings the reader sees."""
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    period = latest_period(organisation, drafts=drafts) or month_start(timezone.localdate())
    return redirect("scrutiny_pack", slug=organisation.slug, period=format_period(period))


@login_required
def scrutiny_pack(request, slug, period):
    """The pack members take into a meeting: the dashboard's table, the
    off-track KPIs' charts with their findings and open actions, the questions."""
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    pack = scrutiny.scrutiny_pack(
        organisation=organisation, period=period_or_404(period), drafts=drafts
    )
    if request.GET.get("format") == "docx":
        name = f"{organisation.slug}-scrutiny-pack-{format_period(pack.period)}.docx"
        return _docx(documents.scrutiny_pack_docx(pack), name)
    context = {
        "organisation": organisation,
        "pack": pack,
        "drafts": drafts,
        "charts": scrutiny.off_track_charts(pack),
        "contract_year": contract_year(pack.period),
        "contract_year_label": contract_year_label(contract_year(pack.period)),
        "print_header": _css_string(f"{organisation.name} · Scrutiny pack · {pack.month}"),
    }
    return render(request, "reports/scrutiny_pack.html", context)
