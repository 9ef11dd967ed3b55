"""The monthly report as files to attach to committee papers.

CSV carries the KPI table (4.2.2), through ``kpis.exports.write_csv``. XLSX
carries every section: a contents sheet, the Trust's summary analysis, the
KPI table with RAG fills, the actions (BRAG as at the month end), the audits
and their findings, the surveys and the inspections. Every text cell in both is neutralised, so a
commentary such as ``=cmd`` stays text in a spreadsheet.
"""

from decimal import Decimal

from inspections.models import BRAG
from kpis.exports import BRAG_FILLS, STATUS_FILLS, Sheet, workbook_bytes, write_csv
from kpis.formatting import plain
from kpis.models import Unit
from kpis.periods import format_period, label_period
from reports import selectors
from reports.selectors import MonthlyReport
from schedule6.markup import plain as plain_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KPI_HEADERS = [
    "KPI",
    "Indicator",
    "Month",
    "Value",
    "Unit",
    "Target",
    "Tolerance lower",
    "Tolerance upper",
    # Which way is better, in the words every page uses, so that "16, target
    # 25: Green" reads true in the file too.
    "Which way is better",
    "Status",
    "Direction vs last month",
    "Met or within, last 12 months",
    "Months off target",
    "Variation (SPC)",
    "Assurance (SPC)",
    "Commentary",
]
SECTION_HEADERS = ["Paragraph", "Heading", "In this report"]
ACTION_HEADERS = [
    "Plan",
    "Kind",
    "No.",
    "Action",
    "Lead",
    "Timescale",
    "Status at month end",
    "Status from",
    "Overdue at month end",
    "Updates dated in the month",
]
SUMMARY_HEADERS = ["Title", "Summary analysis and actions", "Source"]
AUDIT_HEADERS = [
    "From", "To", "Service", "Kind", "Expected", "Completed", "Completed %", "Good", "Good %",
    "Requires improvement", "Requires improvement %", "Inadequate", "Inadequate %",
    "Note",
]  # fmt: skip
FINDING_HEADERS = ["From", "To", "Theme", "Heading", "Findings"]
SURVEY_HEADERS = [
    "Month", "Carried out", "Title or statement", "Results", "Analysis", "Performance trends",
    "Key messages", "Outcomes",
]  # fmt: skip
INSPECTION_HEADERS = [
    "Inspection",
    "Kind",
    "Setting",
    "Start",
    "End",
    "Judgements",
    "Summary",
    "In the month",
]


def _number(value: Decimal | None) -> Decimal | None:
    """A stored value as entered (``24.0000`` → ``24``): a number in XLSX, plain text in CSV."""
    return None if value is None else Decimal(plain(value))


def _unit(unit: str) -> str:
    return Unit(unit).label if unit in Unit.values else unit


def kpi_rows(report: MonthlyReport) -> list[list]:
    return [
        [
            line.row.kpi.code,
            line.row.kpi.title,
            format_period(report.period),
            _number(line.row.value),
            _unit(line.row.kpi.unit),
            # As the page says it: a blank would read as "no target set".
            selectors.TARGET_NOT_AGREED if line.row.target_not_agreed else _number(line.row.target),
            _number(line.row.lower),
            _number(line.row.upper),
            line.polarity_label,
            line.status_label,
            line.direction_label,
            line.row.met_or_within_12m,
            line.row.months_off_target if line.row.rated_12m else None,
            line.spc.variation_label,
            line.spc.assurance_label,
            line.commentary,
        ]
        for line in report.indicators
    ]


def write_report_csv(report: MonthlyReport, out) -> None:
    write_csv(KPI_HEADERS, kpi_rows(report), out)


def _action_rows(report: MonthlyReport) -> list[list]:
    rows = []
    for progress in [*report.action_plans, *report.rectification_plans]:
        updates = {}
        for action, update in progress.updates:
            updates.setdefault(action.pk, []).append(
                f"{update.dated_text or update.dated}: {update.text}"
            )
        for row in progress.rows:
            action = row.action
            rows.append(
                [
                    progress.plan.title,
                    progress.plan.get_kind_display(),
                    action.reference,
                    action.text,
                    action.lead,
                    action.timescale_text,
                    BRAG(row.status).label,
                    "Dated update" if row.from_history else "Recorded now",
                    "Yes" if row.overdue else "",
                    "\n".join(updates.get(action.pk, [])),
                ]
            )
    return rows


def _inspection_rows(report: MonthlyReport) -> list[list]:
    return [
        [
            line.inspection.title,
            line.inspection.get_kind_display(),
            line.inspection.setting,
            line.inspection.start_date,
            line.inspection.end_date,
            "; ".join(f"{j.area}: {j.get_grade_display()}" for j in line.judgements),
            line.inspection.summary,
            "Yes" if line.in_month else "",
        ]
        for line in report.inspections
    ]


def _summary_rows(report: MonthlyReport) -> list[list]:
    summary = report.summary_analysis
    if summary is None:
        return []
    return [[summary.title, plain_text(summary.text), summary.source]]


def _audit_rows(report: MonthlyReport) -> list[list]:
    rows = []
    for span in report.audits.spans if report.audits else []:
        for line in span.lines:
            a = line.activity
            notes = [
                f"{label} {figure.printed}% as the Trust printed it; "
                f"{figure.worked_out}% from the counts"
                for label, figure in line.differences
            ]
            if a.ungraded:
                notes.append(f"{a.ungraded} of the {a.completed} completed have no grade")
            rows.append(
                [
                    format_period(span.period_from), format_period(span.period), a.service,
                    a.get_kind_display(), a.expected,
                    *[
                        value
                        for _, figure in line.figures
                        for value in (figure.count, figure.shown)
                    ],
                    "; ".join(notes),
                ]
            )  # fmt: skip
    return rows


def _finding_rows(report: MonthlyReport) -> list[list]:
    findings = report.audits.findings if report.audits else []
    return [
        [
            format_period(f.period_from), format_period(f.period), f.theme, f.heading,
            plain_text(f.text),
        ]
        for f in findings
    ]  # fmt: skip


def _survey_rows(report: MonthlyReport) -> list[list]:
    return [
        [
            format_period(s.period), "Yes" if s.carried_out else "No",
            s.title if s.carried_out else s.statement, s.results, s.analysis, s.trends,
            s.key_messages, s.outcomes,
        ]
        for s in report.surveys
    ]  # fmt: skip


def report_xlsx(report: MonthlyReport) -> bytes:
    sections = [
        [section.number, section.heading, section.summary] for section in report.sections.values()
    ]
    return workbook_bytes(
        [
            Sheet(f"Report {format_period(report.period)}", SECTION_HEADERS, sections),
            Sheet("Summary analysis", SUMMARY_HEADERS, _summary_rows(report)),
            Sheet("KPIs", KPI_HEADERS, kpi_rows(report), fills={"Status": STATUS_FILLS}),
            Sheet(
                "Actions",
                ACTION_HEADERS,
                _action_rows(report),
                fills={"Status at month end": BRAG_FILLS},
            ),
            Sheet("Audits", AUDIT_HEADERS, _audit_rows(report)),
            Sheet("Audit findings", FINDING_HEADERS, _finding_rows(report)),
            Sheet("Surveys", SURVEY_HEADERS, _survey_rows(report)),
            Sheet("Inspections", INSPECTION_HEADERS, _inspection_rows(report)),
        ],
        heading=f"{report.organisation.name}: monthly monitoring report, "
        f"{label_period(report.period)}",
    )
