"""The ILACS comparison as a table for CSV and XLSX (cells neutralised by kpis.exports)."""

from inspections.ofsted import CARE_LEAVERS_FROM, FOUR_POINT_SCALE, Grade
from kpis.exports import Fill

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
