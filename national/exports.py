"""The ``benchmark`` table and the measure page's table as CSV, JSON and XLSX.

The benchmark columns are a contract other tools rely on (see README).
"""

import json
from decimal import Decimal

from kpis.exports import Sheet, workbook_bytes, write_csv
from kpis.formatting import plain
from national.selectors import BENCHMARK_COLUMNS, BenchmarkRow

NUMBER_COLUMNS = ("value", "england", "region", "statistical_neighbours")


def benchmark_records(rows: list[BenchmarkRow]) -> list[dict]:
    """The rows with the contract's keys; numbers as entered (text), blanks as ""."""
    records = []
    for row in rows:
        record = row.as_dict()
        for key in NUMBER_COLUMNS:
            record[key] = plain(record[key])
        for key in ("rank", "quartile"):
            record[key] = "" if record[key] is None else record[key]
        records.append(record)
    return records


def write_benchmark_csv(rows: list[BenchmarkRow], out) -> None:
    records = benchmark_records(rows)
    write_csv(list(BENCHMARK_COLUMNS), ([r[c] for c in BENCHMARK_COLUMNS] for r in records), out)


def _number(text: str):
    if text == "":
        return None
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(text)


def benchmark_json(rows: list[BenchmarkRow]) -> str:
    """JSON list: numbers as JSON numbers, blanks as null; ``year`` is the
    time_period as published (a string: "2025", "201819")."""
    records = []
    for record in benchmark_records(rows):
        for key in NUMBER_COLUMNS:
            record[key] = _number(record[key])
        for key in ("rank", "quartile"):
            record[key] = record[key] if record[key] != "" else None
        records.append(record)
    return json.dumps(records, indent=2, ensure_ascii=False)


def measure_table_rows(table) -> tuple[list[str], list[list]]:
    """The measure page's table (every LA, then England and the regions) as
    headers and rows; numbers stay numbers (Decimal), suppressed cells carry
    their code's meaning."""
    headers = [
        "Area",
        "Level",
        "Old LA code",
        "New LA code",
        "Region",
        "Value",
        "Note",
        "Rank",
        "Of",
        "Quartile",
    ]
    rows = [
        [
            row.area_name,
            row.level_label,
            row.old_la_code,
            row.area_code,
            row.region_name,
            row.value.normalize() if row.value is not None else None,
            row.suppression_label,
            row.rank,
            table.of if row.rank is not None else None,
            row.quartile,
        ]
        for row in table.rows
    ]
    return headers, rows


def write_measure_csv(table, out) -> None:
    headers, rows = measure_table_rows(table)
    write_csv(headers, ([plain(c) if isinstance(c, Decimal) else c for c in r] for r in rows), out)


def measure_xlsx(table) -> bytes:
    headers, rows = measure_table_rows(table)
    return workbook_bytes(
        [Sheet(table.time_period_label[:31], headers, rows)],
        heading=f"{table.measure.title} — {table.time_period_label}",
    )
