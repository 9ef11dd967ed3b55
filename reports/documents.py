"""The annual report and the scrutiny pack as Word documents, built with the
shared building blocks (``reports.docx``) from the same objects the pages
show (``reports.annual.annual_report``, ``reports.scrutiny.scrutiny_pack``):
no figure is worked out here, so the file says what the page says."""

from inspections.models import Grade
from kpis import charts, formatting, rating
from kpis.models import Polarity
from reports import docx
from reports.annual import AGREED, CARRIED, NOT_AGREED, AnnualReport
from reports.scrutiny import NO_FINDINGS, ScrutinyPack
from schedule6.markup import plain


def _target(row) -> str:
    if row.target_not_agreed:
        return "Target not yet agreed"
    return formatting.with_unit(row.target, row.kpi.unit) or None


def _band(row) -> str:
    band = formatting.band(row.lower, row.upper, row.kpi.unit)
    return f"({band})" if band else ""


def annual_report_docx(report: AnnualReport) -> bytes:
    organisation = report.organisation
    doc = docx.document(
        title=f"{organisation.name} — Annual report {report.label}",
        subtitle=f"Service Delivery Contract · contract year 1 April {report.year} to "
        f"{report.end:%B %Y}",
        footer=f"{organisation.name} · Annual report {report.label}",
    )
    docx.heading(doc, "Summary of the Trust's performance")
    if report.notes["performance"]:
        docx.paragraph(doc, report.notes["performance"], italic=True)
    else:
        docx.paragraph(
            doc,
            f"Each KPI's months in {report.label} rated Green (target met) and Amber (target "
            'missed, within tolerance), against the target then in force. "Met or within" '
            "counts the months rated Green or Amber, out of the months rated or missing "
            "against a target.",
            small=True,
        )
        headers = ["KPI", "Measure", "Green", "Amber", "Met or within: the app"]
        if report.has_reported:
            headers += ["Met or within: the trust reported"]
        compare = report.has_reported and not report.common_difference
        if compare:
            headers += ["How the two compare"]
        rows = []
        for line in report.performance:
            cells = [
                docx.Cell(line.kpi.code, bold=True),
                docx.Cell(line.kpi.title, note=Polarity(line.kpi.polarity).label),
                docx.Cell(str(line.green), right=True),
                docx.Cell(str(line.amber), right=True),
                line.app_label or None,
            ]
            if report.has_reported:
                cells += [line.reported_label or None]
            if compare:
                cells += [line.compliance.difference]
            rows.append(cells)
        widths = [1, 3.4, 0.9, 0.9, 1.5] + ([1.5] if report.has_reported else [])
        widths += [2.8] if compare else []
        docx.table(doc, headers, rows, widths=widths)
        if report.has_reported:
            docx.paragraph(
                doc, f"Reported by the trust: {'; '.join(report.reported_sources)}.", muted=True,
                small=True,
            )  # fmt: skip
        if report.common_difference:
            docx.paragraph(
                doc, f"How the two compare, for every KPI: {report.common_difference}", small=True
            )
        docx.paragraph(doc, report.app_summary)
        if report.reported_summary:
            docx.paragraph(doc, report.reported_summary)

    for field, title in (
        ("went_well", "What went well"),
        ("to_improve", "What we still need to improve"),
    ):
        docx.heading(doc, title, level=2)
        text = getattr(report.review, field, "") if report.review else ""
        if text:
            docx.markup(doc, text)
        else:
            words = f"The app holds no words of {organisation.name} for this."
            docx.paragraph(doc, words, italic=True)

    docx.heading(doc, f"Results of audits and surveys carried out in {report.label}")
    docx.heading(doc, "Audits", level=2)
    if report.audits:
        docx.table(
            doc,
            [
                "Months",
                "Service",
                "Kind",
                "Expected",
                "Completed",
                "Good",
                "Requires improvement",
                "Inadequate",
            ],  # fmt: skip
            [
                [
                    (f"{line.activity.period_from:%b %Y} – " if line.activity.months > 1 else "")
                    + f"{line.activity.period:%b %Y}",
                    line.activity.service,
                    line.activity.get_kind_display(),
                    docx.Cell(str(line.activity.expected), right=True),
                    *(
                        docx.Cell(f"{figure.count} ({figure.shown}%)", right=True)
                        for _, figure in line.figures
                    ),
                ]
                for line in report.audits
            ],
            widths=[1.4, 2.4, 1.2, 1, 1.2, 1.2, 1.2, 1.2],
        )
    if report.audit_themes:
        docx.bullets(doc, [f"{t.period:%b %Y}, {t.strand}: {t.theme}" for t in report.audit_themes])
    _trust_words(doc, report, "audits_statement", report.notes["audits"])
    docx.heading(doc, "Surveys", level=2)
    for survey in report.surveys:
        if survey.carried_out:
            docx.paragraph(doc, f"{survey.period:%b %Y}: {survey.title}", bold=True)
            docx.markup(doc, survey.key_messages or survey.results)
        else:
            docx.paragraph(doc, f"{survey.period:%b %Y}: the Trust reports “{survey.statement}”")
    _trust_words(doc, report, "surveys_statement", report.notes["surveys"])

    docx.heading(doc, "Outcomes of rectification plans")
    for progress in report.rectification_plans:
        parts = [f"{progress.plan.title}, dated {progress.plan.dated:%b %Y}: "]
        for value, count in progress.counts:
            if count:
                parts += [docx.brag_cell(value), f" {count}  "]
        docx.runs(doc, parts)
    if report.review and report.review.rectification_statement:
        docx.paragraph(doc, f"The Trust reports: “{report.review.rectification_statement}”")
    if report.notes["rectification"]:
        docx.paragraph(doc, report.notes["rectification"], italic=True)

    docx.heading(doc, "Outcome of Ofsted monitoring visits and inspections")
    if report.inspections:
        docx.table(
            doc,
            ["Date", "Focus of visit", "Outcome"],
            [
                [
                    f"{line.inspection.start_date:%b %Y}",
                    docx.Cell(line.inspection.title, note=line.inspection.get_kind_display()),
                    "\n\n".join(f"{j.area}: {Grade(j.grade).label}" for j in line.judgements)
                    or plain(line.inspection.summary)
                    or "No outcome recorded in the app.",
                ]
                for line in report.inspections
            ],
            widths=[1, 2.5, 5],
        )
    else:
        docx.paragraph(doc, report.notes["inspections"], italic=True)

    docx.heading(doc, f"Performance framework for {report.next_label}")
    if report.next_year_sentence:
        docx.paragraph(doc, report.next_year_sentence, bold=True)
    if report.next_targets:
        docx.table(
            doc,
            ["KPI", "Measure", "Target", "Tolerance", f"For {report.next_label}"],
            [_next_target_row(item, report) for item in report.next_targets],
            widths=[1, 4, 1.2, 1.4, 2.6],
        )
    if report.review and report.review.next_framework:
        docx.paragraph(doc, "The Trust reports:", muted=True, small=True)
        docx.markup(doc, report.review.next_framework)
    return docx.to_bytes(doc)


def _next_target_row(item, report: AnnualReport) -> list:
    shown = item.state in (AGREED, CARRIED)
    unit = item.kpi.unit
    words = {
        AGREED: f"Agreed from {item.target.valid_from:%-d %b %Y}" if item.target else "",
        NOT_AGREED: "Target not yet agreed",
        CARRIED: f"No target entered for {report.next_label}: the {item.carried_from} "
        "target stays in force",
    }.get(item.state, "No target")
    return [
        docx.Cell(item.kpi.code, bold=True),
        item.kpi.title,
        docx.Cell(formatting.with_unit(item.target.value, unit), right=True) if shown else None,
        docx.Cell(formatting.band(item.target.lower, item.target.upper, unit), right=True)
        if shown
        else None,
        words,
    ]


def _trust_words(doc, report: AnnualReport, field: str, empty: str) -> None:
    text = getattr(report.review, field, "") if report.review else ""
    if text:
        docx.paragraph(doc, "The Trust reports:", muted=True, small=True)
        docx.markup(doc, text)
    elif empty:
        docx.paragraph(doc, empty, italic=True)


def scrutiny_pack_docx(pack: ScrutinyPack) -> bytes:
    organisation = pack.organisation
    doc = docx.document(
        title=f"{organisation.name} — KPIs for {pack.month}",
        subtitle="Scrutiny pack for the overview and scrutiny committee",
        footer=f"{organisation.name} · Scrutiny pack · {pack.month}",
    )
    docx.heading(doc, f"1. The KPIs for {pack.month}")
    if pack.not_held:
        docx.paragraph(doc, pack.not_held, italic=True)
    elif pack.rows:
        counts = pack.counts
        docx.runs(
            doc,
            [
                f"Of {len(pack.rows)} KPIs: ",
                docx.status_cell(rating.RED), f" {counts[rating.RED]} · ",
                docx.status_cell(rating.AMBER), f" {counts[rating.AMBER]} · ",
                docx.status_cell(rating.GREEN), f" {counts[rating.GREEN]} · ",
                f"other {counts['other']} (no target, awaiting or missing).",
            ],
        )  # fmt: skip
        docx.table(
            doc,
            [
                "KPI",
                "Indicator",
                "Value",
                "Target (tolerance)",
                "Status",
                "vs last month",
                "Met or within, last 12",
                "Months off",
            ],  # fmt: skip
            [
                [
                    docx.Cell(row.kpi.code, bold=True),
                    row.kpi.title,
                    docx.Cell(formatting.with_unit(row.value, row.kpi.unit) or "—", right=True),
                    docx.Cell(_target(row) or "—", right=True, note=_band(row)),
                    docx.status_cell(row.status, row.kpi.polarity),
                    row.direction.capitalize() if row.direction else None,
                    rating.met_or_within_percent(row.met_12m, row.rated_12m) or None,
                    docx.Cell(str(row.months_off_target) if row.rated_12m else "—", right=True),
                ]
                for row in pack.rows
            ],
            widths=[1.2, 3.2, 1.1, 1.5, 1.5, 1.3, 1.4, 1.1],
        )
    docx.heading(doc, "2. KPIs off track, with what Ofsted found")
    if pack.off_track_note:
        docx.paragraph(doc, pack.off_track_note, italic=True)
    for item in pack.off_track:
        row = item.row
        value = formatting.with_unit(row.value, row.kpi.unit)
        docx.heading(doc, f"{row.kpi.code} {row.kpi.title}", level=2)
        status = docx.runs(
            doc,
            [docx.status_cell(row.status), f" at {value}" if value else "",
             f" ({Polarity(row.kpi.polarity).label})"]
            + ([f", off target for {row.months_off_target} consecutive months"]
               if row.months_off_target > 1 else []),
        )  # fmt: skip
        # The KPI's heading and status stay on the page of its chart.
        status.paragraph_format.keep_with_next = True
        if not item.frame.empty:
            docx.image(
                doc,
                charts.trend_png(item.frame, unit=row.kpi.unit, polarity=row.kpi.polarity),
                caption=f"{row.kpi.code} month by month to {pack.month} against its target "
                "and tolerance.",
            )
        if not item.findings:
            docx.paragraph(doc, NO_FINDINGS.format(code=row.kpi.code), italic=True)
        for finding, actions in item.findings:
            where = (
                f" ({finding.inspection.title}, {finding.inspection.start_date:%b %Y})"
                if finding.inspection
                else ""
            )
            docx.bullets(doc, [f"{finding.get_kind_display()}{where}: {finding.text}"])
            docx.bullets(
                doc,
                [
                    [
                        f"Open action {a.action.reference}: {a.action.text} ",
                        docx.brag_cell(a.action.status),
                    ]
                    + ([" overdue"] if a.overdue else [])
                    + ([f" · lead {a.action.lead}"] if a.action.lead else [])
                    for a in actions
                ]  # fmt: skip
                or ["No open action."],
                level=1,
            )
    docx.heading(doc, "3. Questions for members")
    if pack.questions:
        for number, question in enumerate(pack.questions, start=1):
            asked = docx.Cell(f"{number}. {question.text}", bold=True)
            docx.runs(doc, [asked, f" {question.evidence}"])
    else:
        docx.paragraph(doc, pack.questions_note, italic=True)
    return docx.to_bytes(doc)
