"""The ``kpi_status`` table as CSV and JSON: one shape for the command and the page.

The columns are a contract other tools rely on (see README); change them only
with a new contract.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from kpis import rating
from kpis.formatting import plain
from kpis.periods import format_period
from kpis.selectors import StatusTable

CSV_COLUMNS = [
    "kpi",
    "title",
    "period",
    "value",
    "target",
    "lower",
    "upper",
    "polarity",
    "status",
    "met_or_within_12m",
]

# Spreadsheet programs run a cell that starts with one of these as a formula:
# the full-width forms too (＝＋－＠), which some read as their ASCII twins.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# Control characters a spreadsheet or a terminal could act on (an escape
# sequence, NUL, DEL, C1), but not the tab and line breaks text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def neutralise(cell: str) -> str:
    """Stop a text cell being read as a formula (CSV injection), and drop
    control characters it should never have held.

    Numbers are left alone: ``-3.5`` is a value, not a formula.
    """
    cell = _CONTROL.sub("", cell)
    if cell.startswith(_FORMULA_PREFIXES):
        try:
            Decimal(cell)
        except ArithmeticError:
            return "'" + cell
    return cell


def status_records(table: StatusTable) -> list[dict]:
    """The table's rows with the contract's keys, values as entered (text)."""
    return [
        {
            "kpi": row.kpi.code,
            "title": row.kpi.title,
            "period": format_period(row.period),
            "value": plain(row.value),
            "target": plain(row.target),
            "lower": plain(row.lower),
            "upper": plain(row.upper),
            "polarity": row.kpi.polarity,
            "status": row.status,
            "met_or_within_12m": row.met_or_within_12m,
            # Beyond the CSV contract; JSON carries them.
            "direction": row.direction,
            "months_off_target": row.months_off_target,
            "variation": row.variation,
            "assurance": row.assurance,
        }
        for row in table.rows
    ]


def write_status_csv(table: StatusTable, out) -> None:
    records = status_records(table)
    write_csv(CSV_COLUMNS, ([r[c] for c in CSV_COLUMNS] for r in records), out)


def write_csv(headers: list[str], rows, out) -> None:
    """Any table as CSV, every text cell neutralised."""
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise("" if cell is None else str(cell)) for cell in row])


def xlsx_bytes(headers: list[str], rows, *, title: str, fills: dict | None = None) -> bytes:
    """One table as a formatted XLSX (see ``workbook_bytes``)."""
    return workbook_bytes([Sheet(title, headers, list(rows), fills=fills or {})])


@dataclass(frozen=True)
class Fill:
    """A cell's background and text colour, as RGB hex without ``#``."""

    background: str
    text: str = "0B0C0C"


# The chips' GOV.UK colours (static/css/trustmonitor.css), keyed by the word the
# cell holds: the colour never stands alone.
STATUS_FILLS = {
    rating.STATUS_LABELS[rating.GREEN]: Fill("00703C", "FFFFFF"),
    rating.STATUS_LABELS[rating.AMBER]: Fill("FFDD00"),
    rating.STATUS_LABELS[rating.RED]: Fill("D4351C", "FFFFFF"),
    rating.STATUS_LABELS[rating.NO_TARGET]: Fill("F3F2F1"),
    rating.STATUS_LABELS[rating.AWAITING]: Fill("FFFFFF"),
    rating.STATUS_LABELS[rating.MISSING]: Fill("0B0C0C", "FFFFFF"),
}
BRAG_FILLS = {
    "Blue — complete": Fill("1D70B8", "FFFFFF"),
    "Red — major issues preventing delivery": Fill("D4351C", "FFFFFF"),
    "Amber — delays or issues, delivery on course": Fill("FFDD00"),
    "Green — on target for delivery": Fill("00703C", "FFFFFF"),
    "Not yet rated": Fill("F3F2F1"),
}


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list]
    # Header → {cell text → Fill}: cells of that column holding that text are filled.
    fills: dict[str, dict[str, Fill]] = field(default_factory=dict)


def workbook_bytes(sheets: list[Sheet], *, heading: str = "") -> bytes:
    """Tables as one formatted XLSX: per sheet a bold header row, frozen;
    column widths from the contents; cells of a filled column coloured by the
    word they hold. Text cells are neutralised; numbers and dates stay so.

    ``heading`` goes in the document's title property, not in a cell, so that
    row 1 of every sheet is its header.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = heading or None
    edge = Side(style="thin", color="0B0C0C")
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.append(spec.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [len(header) for header in spec.headers]
        fills = {spec.headers.index(h): f for h, f in spec.fills.items() if h in spec.headers}
        for row in spec.rows:
            values = [_cell(value) for value in row]
            sheet.append(values)
            widths = [
                max(width, min(60, max(len(line) for line in str(v).split("\n"))))
                for width, v in zip(widths, values, strict=True)
            ]
            for index, colours in fills.items():
                cell = sheet.cell(row=sheet.max_row, column=index + 1)
                if fill := colours.get(cell.value):
                    cell.fill = PatternFill("solid", start_color=fill.background)
                    cell.font = Font(bold=True, color=fill.text)
                    cell.border = Border(left=edge, right=edge, top=edge, bottom=edge)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) or hasattr(value, "isoformat"):
        return value
    return neutralise(str(value))


def status_json(table: StatusTable) -> str:
    """JSON list: numbers as JSON numbers, blanks as null."""

    def number(text: str):
        if text == "":
            return None
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() else float(text)

    records = []
    for record in status_records(table):
        for key in ("value", "target", "lower", "upper"):
            record[key] = number(record[key])
        record["met_or_within_12m"] = record["met_or_within_12m"] or None
        records.append(record)
    return json.dumps(records, indent=2, ensure_ascii=False)
