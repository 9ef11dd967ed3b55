from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kpis.access import can_commission, get_organisation_for_user, sees_drafts
from kpis.periods import format_period, label_period, month_start
from kpis.selectors import latest_period
from kpis.url_params import period_or_404
from reports import docx, exports, monthly_docx, selectors


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
