"""The monthly monitoring report as a Word document: a committee paper the
clerk can edit.

It prints the same ``MonthlyReport`` as the page, section by section
(4.2.1–4.2.8), with the page's words: every sentence is a selector's value
or constant (``reports.selectors``, ``schedule6``), never typed again here.
The KPI table's statuses are RAG cells (the word on its colour); each KPI
off target this month, and each rectification plan's KPI, gets its trend
chart as a PNG (``kpis.charts.trend_png``: the page's series, drawn without
a browser). The building blocks are ``reports.docx``.
"""

import datetime as dt

import pandas as pd
from django.utils.text import Truncator

from kpis import charts, rating
from kpis.exports import STATUS_FILLS
from kpis.periods import label_period
from kpis.templatetags.kpi_extras import publication_text
from reports import docx
from reports import selectors as s
from reports.selectors import IndicatorLine, MonthlyReport, PlanProgress, day_label
from schedule6.markup import plain

KPI_HEADERS = [
    "KPI", "Indicator", "Value", "Target", "Tolerance", "Status", "vs last month",
    "Met or within, last 12", "Months off target", "Trust commentary",
]  # fmt: skip
# Relative widths on a landscape page: the commentary gets the room when
# there is any (Sandwell's run to paragraphs), else the indicator's title.
KPI_WIDTHS = [1.4, 2.8, 1.3, 1.5, 1.8, 1.7, 1.9, 1.6, 1.6, 8.4]
KPI_WIDTHS_NO_COMMENTARY = [1.4, 6.4, 1.3, 1.5, 1.8, 1.7, 1.9, 1.6, 1.6, 3.6]
SPC_HEADERS = [
    "KPI", "Readings", "Latest reading", "Variation", "Assurance", "Signals on the latest reading",
]  # fmt: skip
FAILURE_HEADERS = [
    "KPI", "Indicator", "Value", "Tolerance", "Status", "Months off target", "Trust commentary",
]  # fmt: skip
OVERDUE_HEADERS = ["No.", "Action", "Lead", "Timescale", "Status"]
UPDATE_HEADERS = ["Date", "No.", "Update", "Status given"]
INSPECTION_HEADERS = ["Dates", "Inspection", "Outcome"]
OFF_TARGET_CHARTS = "KPIs off target in {month}, month by month"
CHART_CAPTION = (
    "{code} {title}, month by month to {month}: each reading marked by its status, "
    "the target line and the tolerance band (green zone: target met; amber: within tolerance)."
)
RECTIFICATION_CAPTION = "{code} month by month to {month}, the KPI this plan rectifies."
# Portrait text is 17 cm across, landscape 25.7 cm.
CHART_WIDTH_CM, CHART_HEIGHT_CM = 16, 7.5


def report_docx(
    report: MonthlyReport,
    *,
    off_target: list[tuple[IndicatorLine, pd.DataFrame]],
    rectification: list[tuple[PlanProgress, pd.DataFrame | None]],
    drafts: bool,
    today: dt.date,
) -> bytes:
    """The report as .docx bytes. ``off_target`` and ``rectification`` are
    ``selectors.off_target_frames`` and ``selectors.rectification_frames``:
    the months each chart draws."""
    name, month = report.organisation.name, report.month
    doc = docx.document(
        title=f"{name}: monthly monitoring report, {month}",
        subtitle="Service Delivery Contract, Schedule 6, paragraph 4.2",
        footer=f"{name} · Monthly monitoring report · {month}",
    )
    _return(doc, report, drafts)
    sections = report.sections
    _summary(doc, report, sections["summary"])
    _indicators(doc, report, sections["indicators"], off_target)
    _failures(doc, report, sections["failures"])
    _plans(doc, report, sections["action_plans"], [(p, None) for p in report.action_plans])
    _plans(doc, report, sections["rectification_plans"], rectification, actions_listed=True)
    _audits(doc, report, sections["audits"])
    _surveys(doc, report, sections["surveys"])
    _inspections(doc, report, sections["inspections"])
    docx.paragraph(doc, report.produced_note(today), muted=True, small=True)
    return docx.to_bytes(doc)


def _heading(doc, section) -> bool:
    """The section's heading, and its sentence when it holds nothing; True
    when there is content to write."""
    docx.heading(doc, section.heading, number=section.number)
    if section.empty:
        docx.paragraph(doc, section.empty, italic=True)
    return not section.empty


def _return(doc, report: MonthlyReport, drafts: bool) -> None:
    parts = [docx.Cell("Return:", bold=True), " ", docx.Cell(report.return_state_label, bold=True)]
    if report.return_flag:
        fill = STATUS_FILLS[
            rating.STATUS_LABELS[rating.RED if report.return_month.overdue else rating.AMBER]
        ]
        parts += [" ", docx.Cell(report.return_flag, fill=fill)]
    parts.append(f" {report.return_summary}")
    note = publication_text(report.return_month.monthly_return, drafts)
    if note:
        parts.append(f" {note}")
    docx.runs(doc, parts)


def _status_run(status: str) -> docx.Cell:
    return docx.Cell(
        rating.STATUS_LABELS.get(status, status),
        fill=STATUS_FILLS.get(rating.STATUS_LABELS.get(status, "")),
        bold=True,
    )


def _summary(doc, report: MonthlyReport, section) -> None:
    if not _heading(doc, section):
        return
    parts = [report.counts_intro]
    for index, (status, label, count) in enumerate(report.count_parts):
        chip = _status_run(status) if status != "other" else docx.Cell(label, bold=True)
        parts += [" ", chip, f" {count}", " ·" if index < len(report.count_parts) - 1 else ""]
    parts.append(f" {s.COUNTS_OTHER}.")
    docx.runs(doc, parts)
    docx.paragraph(doc, report.direction_sentence)
    if report.off_target:
        docx.paragraph(doc, s.OFF_TARGET_INTRO)
        items = []
        for line in report.off_target:
            item = [
                f"{line.row.kpi.code} {line.row.kpi.title}: ",
                _status_run(line.row.status),
                f" at {line.value_text} ({line.polarity_label}){line.off_target_run}.",
            ]
            if line.commentary:
                item.append(f" Trust: “{_plain(line.commentary)}”")
            items.append(item)
        docx.bullets(doc, items)
    else:
        docx.paragraph(doc, report.on_target_sentence)
    if report.summary_analysis:
        docx.heading(doc, report.summary_analysis.title, level=2)
        docx.paragraph(doc, report.summary_analysis_note, muted=True, small=True)
        docx.markup(doc, report.summary_analysis.text)
    else:
        docx.paragraph(doc, s.NO_NARRATIVE, italic=True)


def _plain(text: str) -> str:
    """A commentary on one line without markup, as the page's summary quotes it."""
    return " ".join(plain(text).split())


def _kpi_row(line: IndicatorLine) -> list:
    return [
        docx.Cell(line.row.kpi.code, bold=True),
        line.row.kpi.title,
        docx.Cell(line.value_text or "—", right=True),
        docx.Cell(line.target_text or "—", right=True),
        docx.Cell(line.tolerance_text or "—", right=True),
        docx.status_cell(line.row.status, line.row.kpi.polarity),
        line.direction_label or None,
        line.met_text or None,
        docx.Cell(line.months_off_text or "—", right=True),
        line.commentary or None,
    ]


def _indicators(doc, report: MonthlyReport, section, off_target) -> None:
    """The KPI table and SPC signals on landscape pages (the table is ten
    columns wide), then the charts on portrait ones, three to a page."""
    if section.empty:
        _heading(doc, section)
        return
    docx.page_layout(doc, landscape=True)
    _heading(doc, section)
    widths = (
        KPI_WIDTHS
        if any(line.commentary for line in report.indicators)
        else KPI_WIDTHS_NO_COMMENTARY
    )
    docx.table(doc, KPI_HEADERS, [_kpi_row(line) for line in report.indicators], widths=widths)
    docx.paragraph(doc, report.kpi_legend, muted=True, small=True)
    _spc(doc, report)
    docx.page_layout(doc, landscape=False)
    if off_target:
        docx.heading(doc, OFF_TARGET_CHARTS.format(month=report.month), level=2)
    for line, frame in off_target:
        png = charts.trend_png(
            frame, unit=line.row.kpi.unit, polarity=line.row.kpi.polarity,
            width_cm=CHART_WIDTH_CM, height_cm=CHART_HEIGHT_CM,
        )  # fmt: skip
        caption = CHART_CAPTION.format(
            code=line.row.kpi.code, title=line.row.kpi.title, month=report.month
        )
        docx.image(doc, png, width_cm=CHART_WIDTH_CM, caption=caption)


def _spc(doc, report: MonthlyReport) -> None:
    docx.heading(doc, s.SPC_HEADING, level=2)
    if report.spc_empty:
        docx.paragraph(doc, report.spc_empty, italic=True)
        return
    rows = []
    for line in report.indicators:
        spc = line.spc
        if spc.has_limits:
            tail = [
                spc.variation_label,
                spc.assurance_label or None,
                "; ".join(spc.signals) or "None",
            ]
        else:
            tail = [s.SPC_TOO_FEW, "", ""]
        rows.append(
            [
                docx.Cell(line.row.kpi.code, bold=True),
                docx.Cell(str(spc.readings), right=True),
                label_period(spc.latest) if spc.latest else None,
                *tail,
            ]
        )
    docx.table(doc, SPC_HEADERS, rows, widths=[1, 1, 1.4, 2.4, 2.4, 5])
    docx.paragraph(doc, f"{report.spc_note} SPC help page.", muted=True, small=True)


def _failures(doc, report: MonthlyReport, section) -> None:
    if _heading(doc, section):
        rows = [
            [
                docx.Cell(line.row.kpi.code, bold=True),
                line.row.kpi.title,
                docx.Cell(line.value_text or "—", right=True),
                docx.Cell(line.tolerance_text or "—", right=True),
                docx.status_cell(line.row.status, line.row.kpi.polarity),
                docx.Cell(str(line.row.months_off_target), right=True),
                line.commentary or None,
            ]
            for line in report.failures
        ]
        docx.table(doc, FAILURE_HEADERS, rows, widths=[1.1, 3, 1.3, 1.4, 1.7, 1.2, 4.5])
    elif report.failure_statement:
        docx.paragraph(doc, report.failure_statement)
    docx.paragraph(doc, report.failure_note, muted=True, small=True)


def _plans(doc, report: MonthlyReport, section, plans, *, actions_listed=False) -> None:
    if not _heading(doc, section):
        return
    for progress, frame in plans:
        docx.heading(doc, f"{progress.plan.title} ({progress.details})", level=2)
        parts = [progress.actions_intro]
        for value, count in progress.counts:
            if count:
                parts += [" ", docx.brag_cell(value, short=True), f" {count}"]
        docx.runs(doc, parts)
        if actions_listed and progress.rows:
            # As the page: a rectification plan's every action, BRAG as at the month end.
            docx.table(
                doc,
                [*OVERDUE_HEADERS[:-1], report.status_at_heading],
                [
                    [
                        row.action.reference,
                        row.action.text,
                        row.action.lead or "—",
                        row.action.timescale_text or "—",
                        docx.brag_cell(row.status),
                    ]
                    for row in progress.rows
                ],
                widths=[0.8, 5, 2, 1.6, 2.4],
            )
        if progress.overdue:
            docx.runs(
                doc,
                [docx.Cell(progress.overdue_count, bold=True), f" at {report.month_end_label}:"],
            )
            docx.table(
                doc,
                OVERDUE_HEADERS,
                [
                    [
                        row.action.reference,
                        _words(row.action.text, 30),
                        row.action.lead,
                        row.action.timescale_text,
                        docx.brag_cell(row.status),
                    ]
                    for row in progress.overdue
                ],
                widths=[0.8, 5, 2, 1.6, 2.4],
            )
        else:
            docx.paragraph(doc, report.no_overdue_sentence)
        if progress.updates:
            docx.paragraph(doc, report.updates_intro, bold=True)
            docx.table(
                doc,
                UPDATE_HEADERS,
                [
                    [
                        day_label(update.dated),
                        action.reference,
                        update.text,
                        docx.brag_cell(update.status) if update.status else None,
                    ]
                    for action, update in progress.updates
                ],
                widths=[1.5, 0.8, 6.5, 2.4],
            )
        else:
            docx.paragraph(doc, report.no_updates_sentence)
        if frame is not None:
            kpi = progress.plan.kpi
            png = charts.trend_png(
                frame,
                unit=kpi.unit,
                polarity=kpi.polarity,
                width_cm=CHART_WIDTH_CM,
                height_cm=CHART_HEIGHT_CM,
            )
            docx.image(
                doc,
                png,
                width_cm=CHART_WIDTH_CM,
                caption=RECTIFICATION_CAPTION.format(code=progress.kpi_code, month=report.month),
            )
    docx.paragraph(doc, report.status_note, muted=True, small=True)


def _words(text: str, count: int) -> str:
    """The first ``count`` words, as the page's overdue table shows them."""
    return Truncator(text).words(count, truncate=" …")


def _audits(doc, report: MonthlyReport, section) -> None:
    if not _heading(doc, section):
        return
    audits = report.audits
    for span in audits.spans:
        docx.heading(doc, span.heading, level=2)
        rows = [
            [
                docx.Cell(line.service_label, bold=True),
                docx.Cell(str(line.activity.expected), right=True),
                *(docx.Cell(figure.text, right=True) for _, figure in line.figures),
            ]
            for line in span.lines
        ]
        docx.table(doc, list(audits.columns), rows, widths=[3, 1.4, 1.8, 1.8, 2.2, 1.8])
        docx.paragraph(doc, span.note, muted=True, small=True)
    if audits.themes:
        docx.heading(doc, report.audit_themes_heading, level=2)
        docx.bullets(doc, [f"{theme.strand}: {theme.theme}" for theme in audits.themes])
    if audits.findings:
        docx.heading(doc, "Findings", level=2)
        for finding in audits.findings:
            docx.heading(doc, f"{finding.title} ({finding.span_label})", level=3)
            docx.markup(doc, finding.text)


def _surveys(doc, report: MonthlyReport, section) -> None:
    if not _heading(doc, section):
        return
    for survey, statement in report.survey_lines:
        if not survey.carried_out:
            docx.paragraph(doc, statement)
            continue
        docx.heading(doc, survey.title, level=2)
        for label, text in survey.parts:
            docx.paragraph(doc, label, bold=True)
            docx.markup(doc, text)


def _inspections(doc, report: MonthlyReport, section) -> None:
    if _heading(doc, section):
        docx.paragraph(doc, report.inspections_intro)
        rows = []
        for line in report.inspections:
            dates = line.dates_text + (f"\n\nIn {report.month}" if line.in_month else "")
            inspection = line.inspection.title + (
                f" — {line.setting_text}" if line.setting_text else ""
            )
            if line.judgements:
                outcome = "\n\n".join(f"{j.area}: {j.get_grade_display()}" for j in line.judgements)
            else:
                outcome = line.outcome_text or s.NO_OUTCOME
            rows.append([dates, f"{inspection}\n\n{line.inspection.get_kind_display()}", outcome])
        docx.table(doc, INSPECTION_HEADERS, rows, widths=[2.2, 4.5, 6])
    docx.paragraph(doc, report.ofsted_plans_sentence)
    if report.named_inspections_note:
        docx.paragraph(doc, report.named_inspections_note, italic=True)
