"""The monthly report as files to attach to committee papers.

CSV carries the KPI table (4.2.2), through ``kpis.exports.write_csv``. XLSX
carries every section: a contents sheet, the KPI table with RAG fills, the
actions and the inspections. Every text cell in both is neutralised, so a
commentary such as ``=cmd`` stays text in a spreadsheet.
"""

from decimal import Decimal

from kpis.exports import BRAG_FILLS, STATUS_FILLS, Sheet, workbook_bytes, write_csv
from kpis.formatting import plain
from kpis.models import Polarity, Unit
from kpis.periods import format_period, label_period
from reports.selectors import MonthlyReport

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
    "Status",
    "Overdue at month end",
    "Updates dated in the month",
]
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
            _number(line.row.target),
            _number(line.row.lower),
            _number(line.row.upper),
            Polarity(line.row.kpi.polarity).label,
            line.status_label,
            (line.row.direction or "").capitalize(),
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
                    action.get_status_display(),
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


def report_xlsx(report: MonthlyReport) -> bytes:
    sections = [
        [section.number, section.heading, section.summary] for section in report.sections.values()
    ]
    return workbook_bytes(
        [
            Sheet(f"Report {format_period(report.period)}", SECTION_HEADERS, sections),
            Sheet("KPIs", KPI_HEADERS, kpi_rows(report), fills={"Status": STATUS_FILLS}),
            Sheet("Actions", ACTION_HEADERS, _action_rows(report), fills={"Status": BRAG_FILLS}),
            Sheet("Inspections", INSPECTION_HEADERS, _inspection_rows(report)),
        ],
        heading=f"{report.organisation.name}: monthly monitoring report, "
        f"{label_period(report.period)}",
    )
