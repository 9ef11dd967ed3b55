import hashlib

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.text import slugify

from inspections import selectors as inspection_selectors
from kpis import charts, exports, selectors, spc, status_cache
from kpis.access import (
    can_commission,
    commissioned_organisations,
    draft_organisations,
    get_kpi_for_user,
    get_organisation_for_user,
    sees_drafts,
    visible_organisations,
)
from kpis.forms import DashboardFilterForm
from kpis.periods import contract_year, contract_year_label, contract_years, format_period
from kpis.url_params import contract_year_or_404
from national import charts as national_charts
from national import selectors as national_selectors
from national.forms import NationalMeasureLinkForm
from schedule6 import selectors as schedule6_selectors

READINGS_TEMPLATE = "kpis/_readings_table.html"


@login_required
def home(request):
    summaries = status_cache.organisation_summaries(
        organisations=visible_organisations(request.user),
        drafts_of=draft_organisations(request.user),
    )
    commissioned = commissioned_organisations(request.user)
    context = {
        "summaries": summaries,
        # A commissioner's own work first: the returns waiting for them.
        "commissions": commissioned is not None,
        "review_queue": (
            selectors.review_queue(organisations=commissioned) if commissioned is not None else []
        ),
    }
    return render(request, "kpis/home.html", context)


@login_required
def dashboard(request, slug):
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    form = DashboardFilterForm(request.GET or None, organisation=organisation, drafts=drafts)
    filters = form.cleaned_data if form.is_valid() else form.defaults()
    table = status_cache.status_table(
        organisation=organisation, period=filters["period"], drafts=drafts
    )
    rows = selectors.filter_rows(
        table.rows, service_area=filters["service_area"], status=filters["status"]
    )
    return_state = (
        selectors.return_month(organisation=organisation, period=table.period)
        if table.period
        else None
    )
    context = {
        "organisation": organisation,
        "judgements": inspection_selectors.current_judgements(organisation=organisation),
        "form": form,
        "table": table,
        "rows": selectors.sort_rows(rows, filters["sort"]),
        "sort": filters["sort"],
        "counts": table.counts(),
        "questions": selectors.member_questions(table=table, return_state=return_state),
        "can_commission": can_commission(request.user, organisation),
        "return_month": return_state,
        "drafts": drafts,
        "contract_year": contract_year(table.period or timezone.localdate()),
        "contract_year_label": contract_year_label(
            contract_year(table.period or timezone.localdate())
        ),
        "national": national_selectors.national_comparisons(rows=table.rows, period=table.period),
    }
    return render(request, "kpis/dashboard.html", context)


@login_required
def dashboard_csv(request, slug):
    organisation = get_organisation_for_user(request, slug)
    drafts = sees_drafts(request.user, organisation)
    form = DashboardFilterForm(request.GET or None, organisation=organisation, drafts=drafts)
    period = form.cleaned_data["period"] if form.is_valid() else None
    table = status_cache.status_table(organisation=organisation, period=period, drafts=drafts)
    if table.period is None:
        # No month to export (no KPIs, or none this reader may see): the
        # dashboard offers no download then either.
        raise Http404(f"No readings for {organisation.name} yet")
    name = f"{slugify(organisation.slug)}-kpi-status-{format_period(table.period)}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    exports.write_status_csv(table, response)
    return response


@login_required
def kpi_detail(request, slug, code):
    kpi = get_kpi_for_user(request, slug, code)
    drafts = sees_drafts(request.user, kpi.organisation)
    # The page's ratings, its questions' month and return, read once and
    # kept in the status cache; the inspections are read fresh.
    trend = status_cache.kpi_trend(kpi=kpi, drafts=drafts)
    frame, analysis = trend.frame, trend.analysis
    events = inspection_selectors.inspection_events(
        organisation=kpi.organisation, kpi=kpi, near=selectors.trend_span(frame)
    )
    view = "spc" if request.GET.get("view") == "spc" else "trend"
    # The chart and the readings table: worked out of the ratings (and the
    # inspections the trend view marks), kept beside them.
    drawing = status_cache.kpi_drawing(
        kpi=kpi,
        trend=trend,
        parts=(view, _digest(events) if view == "trend" else ""),
        work=lambda: _drawing(kpi, trend, view=view, events=events),
    )
    findings = inspection_selectors.kpi_findings(kpi=kpi)
    commissions = can_commission(request.user, kpi.organisation)  # the page asks twice
    failures, other_plans = inspection_selectors.failures_with_plans(
        schedule6_selectors.kpi_failures(organisation=kpi.organisation, rows=trend.rows),
        inspection_selectors.rectification_plans(kpi=kpi),
    )
    context = {
        "organisation": kpi.organisation,
        "kpi": kpi,
        "view": view,
        "analysis": analysis,
        "variation": spc.variation(analysis, kpi.polarity),
        "assurance": spc.assurance(
            analysis, kpi.polarity, frame["target"].iloc[-1] if len(frame) else None
        ),
        "rows": trend.rows,
        # Performance Failures (4.2.3), newest first, each with its plans.
        "failures": failures,
        "other_plans": other_plans,
        "can_commission": commissions,
        "comparators": trend.comparators,
        "targets": trend.targets,
        "has_agreed_target": any(t.agreed for t in trend.targets),
        "figure": drawing["figure"],
        "readings": drawing["readings"],
        "findings": findings,
        "questions": selectors.kpi_questions(
            kpi=kpi, trend=trend, findings=[finding for finding, _ in findings]
        ),
        # The trend chart draws the inspections inside its months; the page
        # names the others in words instead of stretching the axis to them.
        "events": charts.split_events(events, selectors.trend_span(frame) or []),
        "publications": trend.publications,
        **_national_context(kpi, commissions=commissions),
    }
    return render(request, "kpis/kpi_detail.html", context)


def _drawing(kpi, trend: selectors.KpiTrend, *, view: str, events: list[dict]) -> dict:
    """The KPI page's chart (the figure's JSON data) and readings table (HTML)."""
    frame, analysis = trend.frame, trend.analysis
    signals = {}
    if view == "spc" and analysis.count:
        months = selectors.spc_months(frame)
        point_signals = spc.point_signals(analysis, kpi.polarity)
        figure = charts.spc_figure(months, analysis, point_signals, unit=kpi.unit)
        # The chart's signals in words, for the readings table beside it.
        signals = dict(zip(months, point_signals, strict=True)) if analysis.has_limits else {}
    else:  # the trend view, or no readings to chart yet
        figure = charts.trend_figure(
            frame,
            events=events,
            unit=kpi.unit,
            polarity=kpi.polarity,
            comparators=[
                {
                    "label": f"{c.label or c.get_kind_display()} ({c.year})",
                    "kind": c.kind,
                    "value": c.value,
                }
                for c in trend.comparators
            ],
        )
    readings = get_template(READINGS_TEMPLATE).render(
        {"kpi": kpi, "rows": trend.rows, "signals": signals, "publications": trend.publications}
    )
    return {"figure": charts.figure_json(figure), "readings": readings}


def _digest(events: list[dict]) -> str:
    """A short fingerprint of the inspections a chart marks: a cache key's part."""
    return hashlib.blake2b(repr(events).encode(), digest_size=12).hexdigest()


def _national_context(kpi, *, commissions: bool) -> dict:
    """The KPI page's national comparison panel, and the commissioners' form
    that links the KPI to a measure (``commissions``: the reader may)."""
    panel = national_selectors.kpi_national_panel(kpi=kpi)
    figure = None
    if panel and panel.rows:
        figure = national_charts.benchmark_figure(
            panel.rows,
            unit=panel.measure.unit,
            la_label=panel.la_name,
            region_label=panel.region_name,
        )
    link_form = None
    if commissions:
        link_form = NationalMeasureLinkForm(initial={"measure": kpi.national_measure_id})
    return {"national": panel, "national_figure": figure, "national_form": link_form}


@login_required
def spc_help(request):
    """The SPC rules, the run length in force and a worked example."""
    example = spc.analyse(spc.WORKED_EXAMPLE)
    signals = spc.point_signals(example, spc.WORKED_EXAMPLE_POLARITY)
    context = {
        "run_length": spc.run_length(),
        "minimum": spc.MIN_POINTS,
        "example": example,
        "points": [
            {
                "number": i + 1,
                "value": v,
                "high": sorted(example.high[i]),
                "low": sorted(example.low[i]),
                "signal": signals[i],
            }
            for i, v in enumerate(example.values)
        ],  # fmt: skip
        "polarity": spc.WORKED_EXAMPLE_POLARITY,
        "target": spc.WORKED_EXAMPLE_TARGET,
        "variation": spc.VARIATION_LABELS.get(
            spc.variation(example, spc.WORKED_EXAMPLE_POLARITY), ""
        ),
        "assurance": spc.ASSURANCE_LABELS.get(
            spc.assurance(example, spc.WORKED_EXAMPLE_POLARITY, spc.WORKED_EXAMPLE_TARGET), ""
        ),
    }
    return render(request, "kpis/spc_help.html", context)


@login_required
def compliance(request, slug, year):
    """Every KPI's status in every month of a contract year: printable."""
    organisation = get_organisation_for_user(request, slug)
    year = contract_year_or_404(year)
    years = contract_years()
    table = selectors.compliance_table(
        organisation=organisation, year=year, drafts=sees_drafts(request.user, organisation)
    )
    context = {
        "organisation": organisation,
        "year": year,
        "label": contract_year_label(year),
        "previous_year": year - 1 if year - 1 in years else None,
        "next_year": year + 1 if year + 1 in years else None,
        "months": table.months,
        "rows": table.rows,
        "sources": table.reported_sources,
        "not_held": selectors.NOT_HELD_MONTH,
        "any_not_held": table.any_not_held,
        "held_span": selectors.held_span_label(organisation),
    }
    return render(request, "kpis/compliance.html", context)
