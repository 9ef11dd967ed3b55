"""The ILACS comparison and the action tracker as tables for CSV and XLSX
(cells neutralised by kpis.exports)."""

import io

from inspections.ofsted import CARE_LEAVERS_FROM, FOUR_POINT_SCALE, Grade
from inspections.selectors import lead_parts
from kpis.exports import BRAG_FILLS, Fill, _cell, write_csv

HEADERS = [
    "Local authority", "LA code", "Statistical neighbour", "Closeness", "Inspection date",
    "Publication date", "Inspection type", "Overall effectiveness", "Impact of leaders",
    "Help and protection", "Children in care", "Care leavers", "Authority status",
]  # fmt: skip
JUDGED_WITH_CHILDREN_IN_CARE = "Judged with children in care (before 2023)"
OWN_AUTHORITY = "This trust's authority"
NO_JUDGEMENT = "No ILACS judgement in Ofsted's file"

# The chips' colours (static/css/trustmonitor.css), keyed by the grade's words.
_GRADE_COLOURS = {
    Grade.OUTSTANDING: Fill("00703C", "FFFFFF"),
    Grade.GOOD: Fill("85994B"),
    Grade.REQUIRES_IMPROVEMENT: Fill("FFDD00"),
    Grade.INADEQUATE: Fill("D4351C", "FFFFFF"),
}
GRADE_FILLS = {
    heading: {Grade(g).label: _GRADE_COLOURS[g] for g in FOUR_POINT_SCALE}
    for heading in HEADERS[7:12]
}


def _judgements(inspection) -> list:
    if inspection is None:
        return [NO_JUDGEMENT, "", "", "", "", "", "", "", ""]
    grades = [
        Grade(getattr(inspection, field)).label
        for field in ("overall_effectiveness", "impact_of_leaders", "help_and_protection")
    ]
    grades.append(Grade(inspection.children_in_care).label)
    if inspection.inspection_date < CARE_LEAVERS_FROM:
        grades.append(JUDGED_WITH_CHILDREN_IN_CARE)
    else:
        grades.append(Grade(inspection.care_leavers).label)
    return [
        inspection.inspection_date, inspection.published_date,
        inspection.get_inspection_type_display(), *grades, inspection.get_la_status_display(),
    ]  # fmt: skip


def neighbour_table(ilacs, neighbours) -> list[list]:
    rows = []
    if ilacs.latest:
        rows.append([ilacs.la_name, ilacs.la_code, "", OWN_AUTHORITY, *_judgements(ilacs.latest)])
    for n in neighbours:
        rows.append([n.la_name, n.la_code, n.position, n.closeness, *_judgements(n.inspection)])
    return rows


# --- The action tracker as CSV and XLSX ---------------------------------------------

TRACKER_HEADERS = [
    "Ref.", "Finding no.", "No.", "Plan", "Action", "Finding", "Lead", "Who leads",
    "Timescale", "Status", "Overdue", "Proposed complete", "Signed off", "Latest update",
    "Update date",
]  # fmt: skip
NOT_IN_KEY = "not in the key of leads"


def _who(entry: str, key) -> str:
    """Each lead of an entry with who the key says they are, e.g.
    "GT: Name, Role; LH: not in the key of leads"."""
    known = {k.initials: k.lead for k in key}
    words = []
    for part in lead_parts(entry):
        lead = known.get(part)
        who = ", ".join(w for w in (lead.name, lead.role) if w) if lead else ""
        words.append(f"{part}: {who or NOT_IN_KEY}")
    return "; ".join(words)


def tracker_table(rows, key, *, dates: bool) -> list[list]:
    """One row per action, in the tracker's order. ``dates``: timescales as
    dates (XLSX, formatted Mmm-yy) rather than the words the plan prints."""

    def timescale(action):
        if dates and action.timescale:
            return action.timescale
        return action.timescale_text

    def number(text):
        return int(text) if text.isdigit() else text

    table = []
    for row in rows:
        a, update = row.action, row.latest_update
        table.append([
            a.reference, a.finding_place, number(a.number), a.plan.title, a.text,
            a.finding.text if a.finding else "", a.lead, _who(a.lead, key), timescale(a),
            a.get_status_display(), "yes" if row.overdue else "",
            "yes" if a.completion_proposed else "",
            f"{a.signed_off_by} {a.signed_off_at:%-d %b %Y}" if a.signed_off_at else "",
            update.text if update else "",
            (update.dated_text or update.dated) if update else "",
        ])  # fmt: skip
    return table


def tracker_csv(rows, key, out) -> None:
    write_csv(TRACKER_HEADERS, tracker_table(rows, key, dates=False), out)


def tracker_xlsx(organisation, rows, key, *, today) -> bytes:
    """A title row naming the trust and the date, the header, then the
    actions with an autofilter; numbers are numbers, timescales dates shown
    "Mmm-yy"; a second sheet is the key of leads."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    title = f"Action tracker: {organisation.name}, as at {today:%-d %B %Y}"
    workbook.properties.title = title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(TRACKER_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    timescale_col = TRACKER_HEADERS.index("Timescale") + 1
    status_col = TRACKER_HEADERS.index("Status") + 1
    for values in tracker_table(rows, key, dates=True):
        sheet.append([_cell(v) for v in values])
        current = sheet.max_row
        sheet.cell(row=current, column=timescale_col).number_format = "mmm-yy"
        update_date = sheet.cell(row=current, column=len(TRACKER_HEADERS))
        if hasattr(update_date.value, "isoformat"):
            update_date.number_format = "d mmm yyyy"
        status = sheet.cell(row=current, column=status_col)
        if fill := BRAG_FILLS.get(status.value):
            status.fill = PatternFill("solid", start_color=fill.background)
            status.font = Font(bold=True, color=fill.text)
        for cell in sheet[current]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.auto_filter.ref = (
        f"A2:{sheet.cell(row=2, column=len(TRACKER_HEADERS)).column_letter}{max(sheet.max_row, 2)}"
    )
    sheet.freeze_panes = "A3"
    widths = {"Action": 60, "Finding": 40, "Latest update": 50, "Who leads": 30, "Plan": 20}
    for index, header in enumerate(TRACKER_HEADERS, start=1):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = widths.get(header, max(10, len(header) + 2))
    leads = workbook.create_sheet("Key of leads")
    leads.append(["Lead", "Name", "Role"])
    for cell in leads[1]:
        cell.font = Font(bold=True)
    for entry in key:
        lead = entry.lead
        leads.append([_cell(entry.initials), _cell(lead.name if lead else NOT_IN_KEY),
                      _cell(lead.role if lead else "")])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
