"""The ``kpi_status`` table as CSV and JSON: one shape for the command and the page.

The columns are a contract other tools rely on (see README); change them only
with a new contract.
"""

import csv
import io
import json
from decimal import Decimal

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

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Stop a text cell being read as a formula (CSV injection).

    Numbers are left alone: ``-3.5`` is a value, not a formula.
    """
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


def xlsx_bytes(headers: list[str], rows, *, title: str) -> bytes:
    """Any table as a formatted XLSX: bold frozen header, sensible widths.

    Text cells are neutralised like CSV cells; numbers stay numbers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for row in rows:
        values = [
            cell if isinstance(cell, int | float | Decimal) else neutralise(str(cell or ""))
            for cell in row
        ]
        sheet.append(values)
        widths = [max(w, min(60, len(str(v)))) for w, v in zip(widths, values, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width + 2
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
