"""Sandwell's Appendix 1, as the performance team keeps it: a test-data builder.

``SEED_TSV`` is the "Appendix 1 - Performance Dataset" of the seed
``seeds/003_63a1f8a883f4fd17.txt`` (lines 1250–1269), copied character for
character, tabs and all, but for the tabs that end each line (empty cells). The builders lay it out as the workbook behind that
page: two title rows, the heading row, the ``PLNO`` / ``DESCRIPTION OF KPI``
sub-heading row, PI numbers ``1.00``…``15.00`` (numbers formatted ``0.00``),
percentages as real numbers with a % format (``83.0%`` is 0.83 formatted
``0.0%``, ``82.30%`` is 0.823 formatted ``0.00%``), other figures as plain
numbers shown with their printed decimals, text where the page prints text
("No available comparator data", the arrows, N/A), and the ``**`` footnote.

``python -m tests.kpis.imports.appendix`` rewrites
``docs/examples/sandwell_appendix1_jan19_from_seed.xlsx`` from it.
"""

import csv
import datetime as dt
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

SEED_TSV = """\
Sandwell Childrens Trust Social Care Monthly Performance Statistics
Jan-19
SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS		Frequency Calculated	Service Area	Better Performance 3?	Statistical Neighbour Average (where available)	England Average (where available)	West Midlands Average (where available)	Jan-18	Feb-18	Mar-18	Apr-18	May-18	Jun-18	Jul-18	Aug-18	Sep-18	Oct-18	Nov-18	Dec-18	Change From November	Previous Three Month Average	Direction vs SN	Direction vs Eng	Direction vs Wmids
PLNO	DESCRIPTION OF KPI
1.00	Percentage of contacts to MASH referral timeliness	Monthly	Front Door	High	No available comparator data	No available comparator data	No available comparator data	83.0%	74.0%	78.9%	81.7%	70.1%	82.8%	69.4%	57.5%	73.5%	73.8%	75.4%	66.6%	▼	▼	N/A	NA	NA
2.00	Rate of Children on a Child Protection Plan per 10,000 CYP population	As at Month End	Front Door	Low	57.9	43.3	45.3	106.7	107.1	103.8	99.9	99.3	89.2	83	80.9	77.8	71.8	68	69.2	▲	▼	▲	▲	▲
3.00	Percentage of Initial Child Protection Conference (ICPC) in 15 working days	Monthly	Child Protection	High	81.5%	76.9%	77.0%	85.8%	88.9%	87.9%	92.3%	83.1%	80.6%	67.6%	71.7%	59.6%	75.7%	86.1%	82.1%	▼	▲	▲	▲	▲
4.00	Out of the total number of open Single Assessments, the percentage of assessments completed within 45 working days	Monthly	Single Assessment Service	High	82.30%	82.70%	84.60%	86.8%	93.2%	86.9%	86.2%	80.3%	86.7%	89.6%	84.5%	72.0%	71.9%	84.5%	85.9%	▲	▲	▲	▲	◄
5.00	Number of Children in need, including LAC & Children on Child Protection plan who have been unallocated for longer than five working days	As at Month End	Children in Need	Low	No available comparator data	No available comparator data	No available comparator data	46	45	61	17	12	7	38	8	13	26	25	17	▼	▼	N/A	NA	NA
6.00	Percentage of young people with Child Protection Plans where 2 weekly visits have taken place	As at Month End	Child Protection	High	No available comparator data	No available comparator data	No available comparator data	66.8%	73.8%	75.4%	78.1%	78.8%	76.6%	73.5%	69.3%	82.3%	77.8%	85.3%	88.8%	▲	▲	N/A	NA	NA
7.00	% CP Plans in place and completed within six monthly intervals	As at Month End	Child Protection	High	No available comparator data	No available comparator data	No available comparator data	86.7%	90.6%	91.2%	94.3%	96.1%	95.3%	95.8%	96.9%	95.7%	92.0%	92.5%	92.5%	◄	◄	N/A	NA	NA
8.00	Percentage of 4 weekly supervisions on Child Protection cases	As at Month End	Child Protection	High	No available comparator data	No available comparator data	No available comparator data	53.5%	67.2%	60.8%	69.2%	61.5%	59.8%	36.0%	58.6%	69.9%	69.6%	58.4%	44.3%	▼	▼	N/A	NA	NA
9.00	% of Missing children return interviews within 72 hours	Monthly	Missing Children	High	No available comparator data	No available comparator data	No available comparator data	42.4%	39.1%	54.2%	92.3%	71.0%	57.9%	51.9%	71.4%	50.0%	76.2%	91.3%	60.6%	▼	▲	N/A	NA	NA
10.00	% Children in Need Visited in the last 20 working days	As at Month End	Children in Need	High	No available comparator data	No available comparator data	No available comparator data	63.4%	57.8%	62.7%	64.0%	71.1%	65.9%	47.4%	55.7%	64.3%	75.6%	77.7%	71.8%	▼	▼	N/A	NA	NA
11.00	Percentage Looked After Children visited in timescale according to statutory requirements.	As at Month End	Looked After Children	High	No available comparator data	No available comparator data	No available comparator data	87.8%	88.3%	87.1%	92.3%	87.6%	88.5%	89.0%	88.6%	90.5%	88.8%	89.9%	85.7%	▼	▼	N/A	NA	NA
12.00	% LAC reviews within timescales -	Cumulative	Looked After Children	High	No available comparator data	No available comparator data	No available comparator data	66.70%	68.40%	77.90%	70.00%	76.70%	74.70%	83.90%	78.70%	79.00%	79.10%	81.5%	73.5%	▼	▼	N/A	NA	NA
13.00	Vacancy rate of social workers **	As at Month End	Workforce	Low	20%	17%	19.20%	16.1%	26.8%	32.3%	30.3%	29.0%	32.1%	32.6%	30.1%	34.4%	32.8%	31.3%	28.8%	▼	▼	▲	▲	▲
14.00	Average overall caseloads across Children's Services	As at Month End	Caseloads	Low	19.1	17.8	18.7	18.93	19.15	19.89	20.04	19.96	20.90	20.19	19.40	18.80	19.07	19.20	18.80	◄	◄	◄	▲	◄
15.00	Number of random monthly case file audits rated RI and above	Monthly	Quality Assurance	High	No available comparator data	No available comparator data	No available comparator data	50.9%	64.7%	55.6%	66.0%	40.0%	44.1%	61.7%	46.4%	54.8%	59.3%	42.9%	48.9%	▲	▼	N/A	NA	NA
** PI 13 PLEASE NOTE ESTABLISHMENT WAS INCREASED IN FEBRUARY 2018 TO 220 STAFF FROM 184
"""

EXAMPLE = (
    Path(__file__).resolve().parents[3] / "docs/examples/sandwell_appendix1_jan19_from_seed.xlsx"
)
MONTHS = [dt.date(2018, month, 1) for month in range(1, 13)]
FIRST_MONTH_COLUMN = 8  # column I, 0-based
_PERCENT = re.compile(r"(-?\d+)(?:\.(\d+))?%")
_NUMBER = re.compile(r"(-?\d+)(?:\.(\d+))?")


def printed_rows() -> list[list[str]]:
    """The appendix as printed, one list of cell texts a row (25 columns)."""
    rows = [line.split("\t") for line in SEED_TSV.rstrip("\n").split("\n")]
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def seed_readings() -> dict[tuple[str, dt.date], Decimal]:
    """The 180 readings as printed: (PI code, month) → value, e.g. 83.0% → 83.0."""
    values = {}
    for row in printed_rows()[4:19]:
        code = f"PI{int(Decimal(row[0]))}"
        for period, text in zip(
            MONTHS, row[FIRST_MONTH_COLUMN : FIRST_MONTH_COLUMN + 12], strict=True
        ):
            values[code, period] = Decimal(text.rstrip("%"))
    return values


def _number_format(places: str | None, percent: bool) -> str:
    return ("0." + "0" * len(places) if places else "0") + ("%" if percent else "")


def _excel_cell(text: str):
    """A printed cell as the workbook holds it: (value, number format or None)."""
    if match := _PERCENT.fullmatch(text):
        return float(Decimal(text[:-1]) / 100), _number_format(match.group(2), True)
    if match := _NUMBER.fullmatch(text):
        number = Decimal(text)
        value = int(number) if number == number.to_integral_value() else float(number)
        return value, _number_format(match.group(2), False)
    return (text or None), None


def appendix_xlsx(*, month_headings: str = "dates", rows: list[list[str]] | None = None) -> bytes:
    """The appendix as an .xlsx. ``month_headings``: "dates" (real Excel dates
    formatted mmm-yy, as Excel makes them when "Jan-18" is typed) or "text"."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Appendix 1"
    for number, row in enumerate(rows or printed_rows(), start=1):
        for index, text in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=index)
            if number in (2, 3) and month_headings == "dates" and _is_month_text(text):
                cell.value = dt.datetime.strptime(text, "%b-%y")
                cell.number_format = "mmm-yy"
                continue
            if number <= 4 or number == 20:  # titles, headings and the footnote are text
                cell.value = text or None
                continue
            cell.value, number_format = _excel_cell(text)
            if number_format:
                cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_month_text(text: str) -> bool:
    try:
        dt.datetime.strptime(text, "%b-%y")
    except ValueError:
        return False
    return True


def appendix_csv(rows: list[list[str]] | None = None) -> bytes:
    """The appendix saved from Excel as "CSV UTF-8": the cells as shown, with a BOM."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows or printed_rows())
    return buffer.getvalue().encode("utf-8-sig")


if __name__ == "__main__":
    EXAMPLE.parent.mkdir(parents=True, exist_ok=True)
    EXAMPLE.write_bytes(appendix_xlsx())
    sys.stdout.write(f"wrote {EXAMPLE}\n")
