"""Files of our own making for every bad-input kind, shared by the parser's
tests and the command, upload and security tests that run the same cases."""

import datetime as dt
import io
import zipfile

from django.utils import timezone
from openpyxl import Workbook

from kpis.imports.files import MAX_UPLOAD_BYTES
from kpis.imports.layouts import LONG_COLUMNS
from kpis.imports.messages import (
    BAD_ENCODING,
    BAND_ORDER,
    DATA_WITHOUT_HEADING,
    DUPLICATE_KPI_ROW,
    DUPLICATE_MONTH_COLUMN,
    DUPLICATE_READING,
    DUPLICATE_TARGET,
    EMPTY_FILE,
    EMPTY_SHEET,
    EXCEL_ERROR,
    FORMULA_WITHOUT_VALUE,
    FUTURE_PERIOD,
    HEADINGS_LATER,
    KPI_REQUIRED,
    MALFORMED_CSV,
    MALFORMED_VALID_FROM,
    MISSING_COLUMNS,
    NEED_BOTH,
    NEGATIVE,
    NO_HEADER,
    NO_ROWS,
    NON_ASCII_DIGITS,
    NOT_A_MONTH_COLUMN,
    NOT_A_NUMBER,
    NOT_A_VALUE,
    NOT_CSV,
    NOT_FINITE,
    NOT_WHOLE,
    NOT_XLSX,
    NUMERATOR_ABOVE_DENOMINATOR,
    OLD_EXCEL,
    OTHER_SEPARATOR,
    PERCENT_OUT_OF_RANGE,
    PERCENT_SIGN,
    STRAY_HEADER,
    TOO_BIG,
    TOO_MANY_DECIMALS,
    UNKNOWN_COLUMN,
    UNKNOWN_KPI,
    UNKNOWN_LAYOUT,
    VALUE_MISMATCH,
    VALUE_REQUIRED,
    WRONG_TYPE,
    ZERO_DENOMINATOR,
)
from kpis.imports.rows import (
    RowError,
)
from kpis.models import MonthlyReturn, Reading, Target
from kpis.periods import MALFORMED_PERIOD, format_period, month_start

OCT = dt.date(2018, 10, 1)
NOV = dt.date(2018, 11, 1)
BIRMINGHAM = "Birmingham Children's Trust"
SANDWELL = "Sandwell Children's Trust"
THIS_MONTH = format_period(month_start(timezone.localdate()))


def xlsx(rows, *, percent=(), sheet="Readings") -> bytes:
    """An .xlsx of ``rows``; cells named in ``percent`` (e.g. "C2") get a 0% format."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for ref in percent:
        ws[ref].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def err(row, message, column=""):
    return str(RowError(row, message, column))


# --- Cases shared with the command tests ------------------------------------

LONG = "kpi,period,value\n"
PARTS = "kpi,period,value,numerator,denominator\n"
VALUE = "C (value)"

# (id, organisation, file name, bytes, every error the import must report)
BAD_ROWS = [
    ("not-a-number", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,abc\n"),
     [err(2, NOT_A_NUMBER.format(text="abc"), VALUE)]),
    ("number-with-words", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,85 percent\n"),
     [err(2, NOT_A_NUMBER.format(text="85 percent"), VALUE)]),
    ("blank-value", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,\n"),
     [err(2, VALUE_REQUIRED, VALUE)]),
    ("n/a", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,n/a\n"),
     [err(2, NOT_A_VALUE.format(text="n/a"), VALUE)]),
    ("dash", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,-\n"),
     [err(2, NOT_A_VALUE.format(text="-"), VALUE)]),
    ("nan", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,NaN\n"),
     [err(2, NOT_FINITE.format(text="NaN"), VALUE)]),
    ("infinity", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,Infinity\nKPI2,2018-10,-inf\n"),
     [err(2, NOT_FINITE.format(text="Infinity"), VALUE),
      err(3, NOT_FINITE.format(text="-inf"), VALUE)]),
    ("full-width-digits", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,８５\n"),
     [err(2, NON_ASCII_DIGITS.format(text="８５"), VALUE)]),
    ("arabic-indic-digits", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,٨٥\n"),
     [err(2, NON_ASCII_DIGITS.format(text="٨٥"), VALUE)]),
    ("percent-over-100", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,101\n"),
     [err(2, PERCENT_OUT_OF_RANGE.format(text="101"), VALUE)]),
    ("percent-below-0", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,-5%\n"),
     [err(2, PERCENT_OUT_OF_RANGE.format(text="-5%"), VALUE)]),
    ("percent-sign-on-days", "birmingham", "r.csv", csv(LONG + "KPI10,2018-10,50%\n"),
     [err(2, PERCENT_SIGN.format(text="50%", code="KPI10", unit="days"), VALUE)]),
    ("negative-count", "sandwell", "r.csv", csv(LONG + "PI5,2018-10,-3\n"),
     [err(2, NEGATIVE.format(text="-3", what="PI5"), VALUE)]),
    ("negative-days", "birmingham", "r.csv", csv(LONG + "KPI10,2018-10,-1\n"),
     [err(2, NEGATIVE.format(text="-1", what="KPI10"), VALUE)]),
    ("fractional-count", "sandwell", "r.csv", csv(LONG + "PI5,2018-10,3.5\n"),
     [err(2, NOT_WHOLE.format(text="3.5", code="PI5"), VALUE)]),
    ("numerator-above-denominator", "birmingham", "r.csv", csv(PARTS + "KPI1,2018-10,,90,80\n"),
     [err(2, NUMERATOR_ABOVE_DENOMINATOR.format(numerator="90", denominator="80"))]),
    ("numerator-without-denominator", "birmingham", "r.csv", csv(PARTS + "KPI1,2018-10,85,17,\n"),
     [err(2, NEED_BOTH)]),
    ("zero-denominator", "birmingham", "r.csv", csv(PARTS + "KPI1,2018-10,,0,0\n"),
     [err(2, ZERO_DENOMINATOR)]),
    ("value-disagrees-with-parts", "birmingham", "r.csv", csv(PARTS + "KPI1,2018-10,80,17,20\n"),
     [err(2, VALUE_MISMATCH.format(value="80", numerator="17", denominator="20", computed="85"))]),
    ("too-many-decimals", "birmingham", "r.csv", csv(LONG + "KPI10,2018-10,168.5\nKPI11,2018-10,36.15\n"),
     [err(2, TOO_MANY_DECIMALS.format(text="168.5", what="KPI10", precision=0), VALUE),
      err(3, TOO_MANY_DECIMALS.format(text="36.15", what="KPI11", precision=1), VALUE)]),
    ("unknown-kpi", "birmingham", "r.csv", csv(LONG + "KPI99,2018-10,85\n"),
     [err(2, UNKNOWN_KPI.format(code="KPI99", organisation=BIRMINGHAM), "A (kpi)")]),
    ("blank-kpi", "birmingham", "r.csv", csv(LONG + ",2018-10,85\n"),
     [err(2, KPI_REQUIRED, "A (kpi)")]),
    # Said as for any unknown code: nothing of another trust's KPIs (issue 15, item 7).
    ("another-organisations-kpi", "birmingham", "r.csv", csv(LONG + "PI1,2018-10,85\n"),
     [err(2, UNKNOWN_KPI.format(code="PI1", organisation=BIRMINGHAM), "A (kpi)")]),
    ("malformed-month", "birmingham", "r.csv", csv(LONG + "KPI1,2018-13,85\nKPI2,10/2018,20\n"),
     [err(2, MALFORMED_PERIOD.format(text="2018-13"), "B (period)"),
      err(3, MALFORMED_PERIOD.format(text="10/2018"), "B (period)")]),
    ("future-month", "birmingham", "r.csv", csv(LONG + "KPI1,2999-01,85\n"),
     [err(2, FUTURE_PERIOD.format(period="2999-01", current=THIS_MONTH), "B (period)")]),
    ("duplicated-month", "birmingham", "r.csv",
     csv(LONG + "KPI1,2018-10,85\nKPI2,2018-10,20\nKPI1,Oct-18,86\n"),
     [err(4, DUPLICATE_READING.format(code="KPI1", period="2018-10", first=2))]),
    ("excel-error-text", "birmingham", "r.csv", csv(LONG + "KPI1,2018-10,#DIV/0!\n"),
     [err(2, EXCEL_ERROR.format(text="#DIV/0!"), VALUE)]),
    ("stray-header-row", "birmingham", "r.csv",
     csv(LONG + "KPI1,2018-10,85\nkpi,period,value\nKPI2,2018-10,20\n"),
     [err(3, STRAY_HEADER)]),
    ("wide-bad-cells", "sandwell", "r.csv",
     csv("kpi,title,2018-01,Feb-18\nPI1,Re-referrals,n/a,\nPI5,Count,3.5,12\n"),
     [err(2, NOT_A_VALUE.format(text="n/a"), "C (2018-01)"),
      err(3, NOT_WHOLE.format(text="3.5", code="PI5"), "C (2018-01)")]),
    ("wide-kpi-twice", "sandwell", "r.csv", csv("kpi,2018-01\nPI1,20\nPI2,30\nPI1,21\n"),
     [err(4, DUPLICATE_KPI_ROW.format(code="PI1", first=2))]),
    ("every-bad-row-at-once", "birmingham", "r.csv",
     csv(LONG + "KPI1,2018-10,85\nKPI2,2018-10,abc\nKPI3,2018-10,91\nKPI99,2018-10,1\n"),
     [err(3, NOT_A_NUMBER.format(text="abc"), VALUE),
      err(5, UNKNOWN_KPI.format(code="KPI99", organisation=BIRMINGHAM), "A (kpi)")]),
    ("xlsx-error-cell", "birmingham", "r.xlsx",
     xlsx([["kpi", "period", "value"], ["KPI1", "2018-10", "#DIV/0!"], ["KPI2", "2018-10", "#N/A"]]),
     [err(2, EXCEL_ERROR.format(text="#DIV/0!"), VALUE),
      err(3, EXCEL_ERROR.format(text="#N/A"), VALUE)]),
    ("xlsx-formula-without-value", "birmingham", "r.xlsx",
     xlsx([["kpi", "period", "value"], ["KPI1", "2018-10", "=17/20*100"]]),
     [err(2, FORMULA_WITHOUT_VALUE.format(formula="=17/20*100"), VALUE)]),
    ("xlsx-percent-over-100", "birmingham", "r.xlsx",
     xlsx([["kpi", "period", "value"], ["KPI1", "2018-10", 1.2]], percent=["C2"]),
     [err(2, PERCENT_OUT_OF_RANGE.format(text="120%"), VALUE)]),
    ("xlsx-wide-text-in-number-cell", "sandwell", "r.xlsx",
     xlsx([["kpi", dt.datetime(2018, 1, 1)], ["PI1", "tbc"]]),
     [err(2, NOT_A_VALUE.format(text="tbc"), "B (2018-01)")]),
]  # fmt: skip

# (id, file name, bytes, the ImportFileError's message)
BAD_FILES = [
    ("empty", "r.csv", b"", EMPTY_FILE),
    ("only-blank-lines", "r.csv", b"\r\n\r\n  \r\n", EMPTY_FILE),
    ("header-only", "r.csv", csv(LONG), NO_ROWS),
    ("too-big", "r.csv", csv(LONG) + b"x" * (MAX_UPLOAD_BYTES + 1 - len(LONG)),
     TOO_BIG.format(limit=MAX_UPLOAD_BYTES)),
    ("txt", "r.txt", csv(LONG + "KPI1,2018-10,85\n"), WRONG_TYPE.format(name="r.txt")),
    ("pdf", "r.pdf", b"%PDF-1.7\n", WRONG_TYPE.format(name="r.pdf")),
    ("old-excel", "r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLD_EXCEL.format(name="r.xls")),
    ("xlsx-not-a-zip", "r.xlsx", csv(LONG + "KPI1,2018-10,85\n"), NOT_XLSX.format(name="r.xlsx")),
    ("xlsx-zip-not-a-workbook", "r.xlsx", None, NOT_XLSX.format(name="r.xlsx")),
    ("csv-that-is-a-pdf", "r.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
     NOT_CSV.format(name="r.csv", kind="a PDF")),
    ("utf-16", "r.csv", csv(LONG + "KPI1,2018-10,85\n", "utf-16"),
     BAD_ENCODING.format(detail=" (it is UTF-16)")),
    ("nul-bytes", "r.csv", csv(LONG + "KPI1,2018-10,85\n", "utf-16-le"),
     BAD_ENCODING.format(detail=" (it has NUL bytes, as UTF-16 text or a binary file does)")),
    ("not-cp1252", "r.csv", csv(LONG) + b"KPI1,2018-10,85\x81\n", BAD_ENCODING.format(detail="")),
    ("blank-row-1", "r.csv", csv("\n" + LONG + "KPI1,2018-10,85\n"), NO_HEADER),
    ("title-row-above-headings", "r.csv", csv("Appendix 1,,\n" + LONG + "KPI1,2018-10,85\n"),
     UNKNOWN_LAYOUT.format(headings="Appendix 1") + HEADINGS_LATER.format(row=2)),
    ("semicolons", "r.csv", csv("kpi;period;value\nKPI1;2018-10;85\n"),
     UNKNOWN_LAYOUT.format(headings="kpi;period;value") + OTHER_SEPARATOR.format(separator=";")),
    ("long-without-period", "r.csv", csv("kpi,value\nKPI1,85\n"),
     MISSING_COLUMNS.format(missing="period", layout="long layout", needed="kpi, period and value")),
    ("unknown-long-column", "r.csv", csv("kpi,period,value,notes\nKPI1,2018-10,85,x\n"),
     UNKNOWN_COLUMN.format(column="D", text="notes", known=", ".join(LONG_COLUMNS))),
    ("wide-column-not-a-month", "r.csv", csv("kpi,2018-01,Polarity\nKPI1,85,High\n"),
     NOT_A_MONTH_COLUMN.format(column="C", text="Polarity")),
    ("wide-month-twice", "r.csv", csv("kpi,2018-01,Jan-18\nKPI1,85,86\n"),
     DUPLICATE_MONTH_COLUMN.format(first="B", column="C", period="2018-01")),
    ("csv-field-too-long", "r.csv", csv("kpi,period,value,commentary\nKPI1,2018-10,85," + "x" * 131073 + "\n"),
     MALFORMED_CSV.format(line=2, reason="field larger than field limit (131072)")),
    ("xlsx-first-sheet-empty", "r.xlsx", xlsx([], sheet="Cover"), EMPTY_SHEET.format(sheet="Cover")),
    ("values-without-heading", "r.csv", csv(LONG + "KPI1,2018-10,85,oops\n"),
     DATA_WITHOUT_HEADING.format(column="D", row=2)),
]  # fmt: skip


def _zip_not_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


BAD_FILES = [
    (case, name, data if data is not None else _zip_not_workbook(), message)
    for case, name, data, message in BAD_FILES
]


def snapshot() -> dict:
    """Everything an import may write, values and history included."""
    return {
        "readings": sorted(
            Reading.objects.values_list(
                "kpi_id", "period", "value", "numerator", "denominator", "commentary",
                "source", "entered_by_id", "entered_at",
            )
        ),
        "targets": sorted(Target.objects.values_list("kpi_id", "valid_from", "value", "lower", "upper")),
        "returns": sorted(MonthlyReturn.objects.values_list("organisation_id", "period", "state", "version")),
        "reading_history": sorted(Reading.history.values_list("history_id", "kpi_id", "period", "value")),
        "target_history": sorted(Target.history.values_list("history_id", "kpi_id", "value")),
        "return_history": sorted(MonthlyReturn.history.values_list("history_id", "version")),
    }  # fmt: skip


TARGETS = "kpi,valid_from,target,lower,upper\n"

BAD_TARGETS = [
    ("band-order", TARGETS + "KPI1,2019-04-01,85,90,95\n",
     [err(2, BAND_ORDER.format(lower="90", target="85", upper="95"))]),
    ("valid-from-spelling", TARGETS + "KPI1,01/04/2019,85,75,95\nKPI2,2019-4-1,20,17,24\nKPI3,2019-02-30,85,80,90\n",
     [err(2, MALFORMED_VALID_FROM.format(text="01/04/2019"), "B (valid_from)"),
      err(3, MALFORMED_VALID_FROM.format(text="2019-4-1"), "B (valid_from)"),
      err(4, MALFORMED_VALID_FROM.format(text="2019-02-30"), "B (valid_from)")]),
    ("target-twice", TARGETS + "KPI1,2019-04-01,85,75,95\nKPI1,2019-04-01,86,75,95\n",
     [err(3, DUPLICATE_TARGET.format(code="KPI1", valid_from="2019-04-01", first=2))]),
    ("bad-values", TARGETS + "KPI1,2019-04-01,85.55,n/a,\nKPI99,2019-04-01,1,1,1\n",
     [err(2, TOO_MANY_DECIMALS.format(text="85.55", what="KPI1", precision=1), "C (target)"),
      err(2, NOT_A_VALUE.format(text="n/a"), "D (lower)"),
      err(2, VALUE_REQUIRED, "E (upper)"),
      err(3, UNKNOWN_KPI.format(code="KPI99", organisation=BIRMINGHAM), "A (kpi)")]),
    ("stray-header", TARGETS + "KPI1,2019-04-01,85,75,95\n" + TARGETS,
     [err(3, STRAY_HEADER)]),
]  # fmt: skip
