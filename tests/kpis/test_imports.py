"""The one parser behind the upload page and the import commands.

Every bad-input kind has a case in BAD_ROWS or BAD_FILES; the command tests
(tests/kpis/commands/) run the same cases through ``manage.py``.
"""

import codecs
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook
from simple_history.manager import HistoryManager

from kpis import imports
from kpis.imports import (
    BAD_ENCODING,
    BAND_ORDER,
    DATA_WITHOUT_HEADING,
    DUPLICATE_KPI_ROW,
    DUPLICATE_MONTH_COLUMN,
    DUPLICATE_READING,
    DUPLICATE_TARGET,
    EMPTY_FILE,
    EXCEL_ERROR,
    FORMULA_WITHOUT_VALUE,
    FUTURE_PERIOD,
    HEADINGS_LATER,
    KPI_REQUIRED,
    MALFORMED_VALID_FROM,
    MAX_UPLOAD_BYTES,
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
    OTHER_ORGANISATION_KPI,
    OTHER_SEPARATOR,
    PERCENT_OUT_OF_RANGE,
    PERCENT_SIGN,
    RETURN_ACCEPTED,
    RETURN_SUBMITTED,
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
    ImportFileError,
    PreviousReading,
    PreviousTarget,
    RowError,
    parse_value,
    readings_import,
    targets_import,
)
from kpis.models import KPI, MonthlyReturn, Reading, ReturnState, Target
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
    ("another-organisations-kpi", "birmingham", "r.csv", csv(LONG + "PI1,2018-10,85\n"),
     [err(2, OTHER_ORGANISATION_KPI.format(code="PI1", other=SANDWELL, organisation=BIRMINGHAM),
          "A (kpi)")]),
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
     UNKNOWN_COLUMN.format(column="D", text="notes", known=", ".join(imports.LONG_COLUMNS))),
    ("wide-column-not-a-month", "r.csv", csv("kpi,2018-01,Polarity\nKPI1,85,High\n"),
     NOT_A_MONTH_COLUMN.format(column="C", text="Polarity")),
    ("wide-month-twice", "r.csv", csv("kpi,2018-01,Jan-18\nKPI1,85,86\n"),
     DUPLICATE_MONTH_COLUMN.format(first="B", column="C", period="2018-01")),
    ("csv-field-too-long", "r.csv", csv("kpi,period,value,commentary\nKPI1,2018-10,85," + "x" * 131073 + "\n"),
     imports.MALFORMED_CSV.format(line=2, reason="field larger than field limit (131072)")),
    ("xlsx-first-sheet-empty", "r.xlsx", xlsx([], sheet="Cover"), imports.EMPTY_SHEET.format(sheet="Cover")),
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


def _import(seeds, name, data, organisation="birmingham", **kwargs):
    return readings_import(organisation=seeds[organisation], name=name, data=data, **kwargs)


# --- parse_value, without the database -----------------------------------------

KPI1 = KPI(code="KPI1", unit="percent", precision=0)
PI12 = KPI(code="PI12", unit="percent", precision=2)
PI5 = KPI(code="PI5", unit="count", precision=0)
PI2 = KPI(code="PI2", unit="rate_per_10k", precision=1)


@pytest.mark.parametrize(
    "cell, kpi, expected",
    [
        ("85", KPI1, "85"),
        ("85.0", KPI1, "85"),
        (" 85 ", KPI1, "85"),
        ("85%", KPI1, "85"),
        ("85 %", KPI1, "85"),
        ("0", KPI1, "0"),
        ("100", KPI1, "100"),
        ("66.70", PI12, "66.7"),
        ("18.93", PI12, "18.93"),
        ("1,234", PI5, "1234"),
        ("12,345,678", PI5, "12345678"),
        ("69.2", PI2, "69.2"),
        (85, KPI1, "85"),
        (0.85 * 100, PI12, "85"),
        (18.930000000000003, PI12, "18.93"),
        (imports._PercentNumber(0.85), KPI1, "85"),
        (imports._PercentNumber(0.1893), PI12, "18.93"),
    ],
)
def test_it_accepts_numbers_as_entered(cell, kpi, expected):
    assert parse_value(cell, kpi) == Decimal(expected)


@pytest.mark.parametrize(
    "cell, kpi, message",
    [
        ("1,5", PI5, NOT_A_NUMBER.format(text="1,5")),
        ("1e3", PI5, NOT_A_NUMBER.format(text="1e3")),
        ("12,34", PI5, NOT_A_NUMBER.format(text="12,34")),
        (".", PI5, NOT_A_NUMBER.format(text=".")),
        ("%", KPI1, NOT_A_NUMBER.format(text="%")),
        ("85%%", KPI1, NOT_A_NUMBER.format(text="85%%")),
        ("−5", PI5, NOT_A_NUMBER.format(text="−5")),  # a Unicode minus sign
        ("5²", PI5, NON_ASCII_DIGITS.format(text="5²")),
        ("—", PI5, NOT_A_VALUE.format(text="—")),
        ("  ", PI5, VALUE_REQUIRED),
        (None, PI5, VALUE_REQUIRED),
        (True, PI5, NOT_A_NUMBER.format(text="TRUE")),
        (dt.datetime(2018, 10, 1), PI5, NOT_A_NUMBER.format(text="2018-10-01")),
        (float("nan"), PI5, NOT_FINITE.format(text="nan")),
        ("12345678901", PI5, imports.TOO_LARGE.format(text="12345678901")),
        (
            imports._PercentNumber(0.5),
            PI5,
            PERCENT_SIGN.format(text="50%", code="PI5", unit="count"),
        ),
    ],
)
def test_it_refuses_what_is_not_a_value(cell, kpi, message):
    with pytest.raises(ValueError) as raised:
        parse_value(cell, kpi)
    assert str(raised.value) == message


def test_it_reads_a_percent_number_format_but_not_a_literal_percent_sign():
    assert imports._is_percent_format("0.0%") is True
    assert imports._is_percent_format('0.0"%"') is False
    assert imports._is_percent_format("0.0\\%") is False
    assert imports._is_percent_format("General") is False


def test_a_row_error_names_the_row_and_the_column():
    assert str(RowError(7, "a value is required")) == "Row 7: a value is required"
    assert str(RowError(7, "x", "D (Mar-18)")) == "Row 7, column D (Mar-18): x"


# --- Bad input through the service --------------------------------------------


@pytest.mark.parametrize(
    "organisation, name, data, expected",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS],
)
def test_it_names_every_bad_row_and_saves_nothing(
    seeds, officer, organisation, name, data, expected
):
    before = snapshot()
    result = _import(seeds, name, data, organisation, user=officer)
    assert [str(e) for e in result.errors] == expected
    assert result.saved is False
    assert snapshot() == before


@pytest.mark.parametrize(
    "name, data, message", [pytest.param(*case[1:], id=case[0]) for case in BAD_FILES]
)
def test_it_refuses_a_bad_file_and_saves_nothing(seeds, officer, name, data, message):
    before = snapshot()
    with pytest.raises(ImportFileError) as raised:
        _import(seeds, name, data, user=officer)
    assert str(raised.value) == message
    assert snapshot() == before


def test_it_refuses_a_change_to_an_accepted_or_submitted_month(seeds, officer):
    birmingham = seeds["birmingham"]
    MonthlyReturn.objects.create(organisation=birmingham, period=OCT, state=ReturnState.ACCEPTED)
    MonthlyReturn.objects.create(organisation=birmingham, period=NOV, state=ReturnState.SUBMITTED)
    before = snapshot()
    data = csv(LONG + "KPI1,2018-10,85\nKPI2,2018-10,23\nKPI1,2018-11,80\n")
    result = _import(seeds, "r.csv", data, user=officer)
    assert [str(e) for e in result.errors] == [
        err(3, RETURN_ACCEPTED.format(period="2018-10")),
        err(4, RETURN_SUBMITTED.format(period="2018-11")),
    ]
    # KPI1's October value is as stored: an unchanged row is not a change.
    assert [row.kpi_code for row in result.unchanged] == ["KPI1"]
    assert snapshot() == before


def test_it_names_the_month_column_of_an_accepted_month_in_the_wide_layout(seeds):
    MonthlyReturn.objects.create(
        organisation=seeds["sandwell"], period=dt.date(2018, 2, 1), state=ReturnState.ACCEPTED
    )
    data = csv("kpi,Jan-18,Feb-18\nPI1,99.9,99.9\n")
    result = _import(seeds, "r.csv", data, "sandwell")
    assert [str(e) for e in result.errors] == [
        err(2, RETURN_ACCEPTED.format(period="2018-02"), "C (Feb-18)")
    ]


def test_it_judges_the_future_by_today(seeds):
    data = csv(LONG + "KPI1,2018-10,85\nKPI1,2018-11,80\n")
    result = _import(seeds, "r.csv", data, today=dt.date(2018, 10, 31))
    assert [str(e) for e in result.errors] == [
        err(3, FUTURE_PERIOD.format(period="2018-11", current="2018-10"), "B (period)")
    ]


def test_it_refuses_an_excel_error_in_a_wide_xlsx(seeds):
    data = xlsx([["kpi", "Jan-18", "Feb-18"], ["PI1", "#VALUE!", "=B2*2"]])
    result = _import(seeds, "r.xlsx", data, "sandwell")
    assert [str(e) for e in result.errors] == [
        err(2, EXCEL_ERROR.format(text="#VALUE!"), "B (Jan-18)"),
        err(2, FORMULA_WITHOUT_VALUE.format(formula="=B2*2"), "C (Feb-18)"),
    ]


def test_it_says_only_the_first_sheet_is_read(seeds):
    data = xlsx([["Contents"], ["See the next sheet"]], sheet="Cover")
    with pytest.raises(ImportFileError) as raised:
        _import(seeds, "r.xlsx", data)
    assert str(raised.value) == UNKNOWN_LAYOUT.format(
        headings="Contents"
    ) + imports.FIRST_SHEET_ONLY.format(sheet="Cover")


# --- Good files ----------------------------------------------------------------


def test_it_previews_new_changed_and_unchanged_rows_without_saving(seeds, officer):
    before = snapshot()
    data = csv(LONG + "KPI1,2018-10,85\nKPI2,2018-10,23\nKPI1,2018-11,80\n")
    result = _import(seeds, "readings.csv", data, user=officer, dry_run=True)
    assert result.errors == []
    assert [(r.row, r.kpi_code, r.period, r.value) for r in result.new] == [
        (4, "KPI1", NOV, Decimal("80"))
    ]
    [(row, previous)] = result.changed
    assert (row.row, row.kpi_code, previous.value, row.value) == (3, "KPI2", 24, Decimal("23"))
    assert previous == PreviousReading(Decimal("24"), None, None, "")
    assert [r.row for r in result.unchanged] == [2]
    assert result.saved is False
    assert result.summary() == "1 new, 1 changed, 1 unchanged; dry run: nothing saved"
    assert snapshot() == before


def test_it_saves_a_long_csv_with_history(seeds, officer):
    data = csv(
        "kpi,period,value,commentary\n"
        "KPI1,2018-10,85,\n"
        "KPI2,2018-10,23,Fewer re-referrals after the front-door review\n"
        "KPI1,2018-11,80,\n"
    )
    untouched = Reading.objects.get(kpi__code="KPI1", period=OCT)
    result = _import(seeds, "readings.csv", data, user=officer)
    assert result.saved is True
    assert result.summary() == "1 new, 1 changed, 1 unchanged; saved"

    changed = Reading.objects.get(kpi__code="KPI2", period=OCT)
    assert (changed.value, changed.source, changed.entered_by) == (Decimal("23"), "upload", officer)
    assert changed.commentary == "Fewer re-referrals after the front-door review"
    assert changed.entered_at > untouched.entered_at
    new = Reading.objects.get(kpi__code="KPI1", period=NOV)
    assert (new.value, new.source, new.entered_by) == (Decimal("80"), "upload", officer)
    # An unchanged row is not touched: not re-saved, no history.
    assert Reading.objects.get(pk=untouched.pk).entered_at == untouched.entered_at
    assert untouched.history.count() == 0

    for reading, kind in ((changed, "~"), (new, "+")):
        [record] = reading.history.all()
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            kind,
            officer,
            "import readings.csv",
        )
        assert record.value == reading.value
    # Each month written has a draft return.
    assert set(MonthlyReturn.objects.values_list("period", "state")) == {
        (OCT, "draft"),
        (NOV, "draft"),
    }
    assert MonthlyReturn.history.count() == 2


def test_it_moves_on_the_version_of_an_open_draft_return(seeds, officer):
    october = MonthlyReturn.objects.create(organisation=seeds["birmingham"], period=OCT)
    _import(seeds, "r.csv", csv(LONG + "KPI2,2018-10,23\n"), user=officer)
    october.refresh_from_db()
    assert october.version == 2
    latest = october.history.first()
    assert (latest.version, latest.history_user, latest.history_change_reason) == (
        2,
        officer,
        "import r.csv",
    )


def test_it_reads_a_wide_csv_with_both_month_spellings(seeds, officer):
    data = csv(
        "KPI,Title,2018-11,Dec-18,Jan 2019\n"
        "PI1,Re-referrals,,20.5,19.1\n"
        "PI5,Children in care,,,\n"
        "\n"
        "PI14,Average caseload,19.2,18.80,\n"
    )
    result = _import(seeds, "appendix.csv", data, "sandwell", user=officer)
    assert result.errors == []
    assert [(r.row, r.kpi_code, format_period(r.period), r.column) for r in result.new] == [
        (2, "PI1", "2019-01", "E (Jan 2019)")
    ]
    [(changed, previous)] = result.changed
    assert (changed.kpi_code, changed.period, previous.value, changed.value) == (
        "PI1",
        dt.date(2018, 12, 1),
        Decimal("66.6"),
        Decimal("20.5"),
    )
    assert [(r.kpi_code, format_period(r.period)) for r in result.unchanged] == [
        ("PI14", "2018-11"),
        ("PI14", "2018-12"),
    ]
    assert result.saved is True
    assert Reading.objects.get(kpi__code="PI1", period=dt.date(2019, 1, 1)).value == Decimal("19.1")


def test_the_wide_layout_keeps_commentary(seeds):
    reading = Reading.objects.get(kpi__code="PI1", period=dt.date(2018, 12, 1))
    reading.commentary = "Explained at PGG"
    reading.save()
    _import(seeds, "r.csv", csv("kpi,Dec-18\nPI1,20.5\n"), "sandwell")
    reading.refresh_from_db()
    assert (reading.value, reading.commentary) == (Decimal("20.5"), "Explained at PGG")


def test_it_works_out_the_value_from_numerator_and_denominator(seeds):
    data = csv(PARTS + "KPI1,2018-11,,17,20\nKPI2,2018-11,21,21,100\nKPI14,2018-11,,320,20\n")
    result = _import(seeds, "r.csv", data)
    assert result.errors == []
    birmingham_november = Reading.objects.filter(kpi__organisation=seeds["birmingham"], period=NOV)
    values = dict(birmingham_november.values_list("kpi__code", "value"))
    assert values == {"KPI1": Decimal("85"), "KPI2": Decimal("21"), "KPI14": Decimal("16")}
    reading = Reading.objects.get(kpi__code="KPI1", period=NOV)
    assert (reading.numerator, reading.denominator) == (Decimal("17"), Decimal("20"))


def test_it_reads_a_long_xlsx_with_dates_percentages_and_float_noise(seeds):
    data = xlsx(
        [
            ["kpi", "period", "value", "commentary"],
            ["KPI1", dt.datetime(2018, 11, 1), 0.85, "typed as 85%"],
            ["KPI11", "Nov-18", 36.099999999999994, None],
            ["KPI10", "2018-11", 168, None],
        ],
        percent=["C2"],
    )
    result = _import(seeds, "r.xlsx", data)
    assert result.errors == []
    assert [(r.kpi_code, r.value) for r in result.new] == [
        ("KPI1", Decimal("85")),
        ("KPI11", Decimal("36.1")),
        ("KPI10", Decimal("168")),
    ]
    assert Reading.objects.get(kpi__code="KPI1", period=NOV).commentary == "typed as 85%"


def _with_cached_value(data: bytes, value: str) -> bytes:
    """The workbook as Excel saves it: the formula with its last value."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<v />", f"<v>{value}</v>".encode())
            new.writestr(item, content)
    return target.getvalue()


def test_it_reads_a_formulas_saved_value(seeds):
    data = xlsx([["kpi", "period", "value"], ["KPI1", "2018-11", "=17/20*100"]])
    result = _import(seeds, "r.xlsx", _with_cached_value(data, "85.000000000000014"))
    assert [(r.kpi_code, r.value) for r in result.new] == [("KPI1", Decimal("85"))]


def test_a_new_value_clears_an_old_numerator_and_denominator(seeds):
    reading = Reading.objects.get(kpi__code="KPI1", period=OCT)
    reading.numerator, reading.denominator = 17, 20
    reading.save()
    _import(seeds, "r.csv", csv(LONG + "KPI1,2018-10,80\n"))
    reading.refresh_from_db()
    assert (reading.value, reading.numerator, reading.denominator) == (80, None, None)


def test_it_reads_a_wide_xlsx_with_date_headings_and_a_title_column(seeds):
    data = xlsx(
        [
            ["kpi", "title", dt.datetime(2019, 1, 1), dt.datetime(2019, 2, 1)],
            ["PI1", "Re-referrals", 19.1, None],
            ["PI5", "Children in care", 812, 815],
        ]
    )
    result = _import(seeds, "r.xlsx", data, "sandwell")
    assert result.errors == []
    assert [(r.kpi_code, format_period(r.period), r.value, r.column) for r in result.new] == [
        ("PI1", "2019-01", Decimal("19.1"), "C (2019-01)"),
        ("PI5", "2019-01", Decimal("812"), "C (2019-01)"),
        ("PI5", "2019-02", Decimal("815"), "D (2019-02)"),
    ]


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b"")],
    ids=["utf-8", "utf-8-with-bom", "cp1252"],
)
def test_it_reads_utf8_with_or_without_bom_and_cp1252(seeds, encoding, prefix):
    text = "kpi,period,value,commentary\nKPI2,2018-10,23,£2k spend – see note\n"
    result = _import(seeds, "r.csv", prefix + text.encode(encoding))
    assert result.saved is True
    reading = Reading.objects.get(kpi__code="KPI2", period=OCT)
    assert reading.commentary == "£2k spend – see note"


def test_it_skips_blank_rows_and_counts_rows_as_a_spreadsheet_does(seeds):
    data = csv(LONG + "\n,,\n" + '"KPI1",2018-10,85\n' + "KPI2,2018-10,abc\n\n\n")
    result = _import(seeds, "r.csv", data)
    assert [str(e) for e in result.errors] == [err(5, NOT_A_NUMBER.format(text="abc"), VALUE)]


def test_it_matches_kpi_codes_whatever_their_case(seeds):
    result = _import(seeds, "r.csv", csv(LONG + "kpi2,2018-10,23\n"), dry_run=True)
    assert [r.kpi_code for r, _ in result.changed] == ["KPI2"]


def test_it_accepts_a_file_of_exactly_5_mb(seeds):
    header = b"kpi,period,value,commentary\n"
    rows = [
        f"KPI1,{year}-{month:02d},85,".encode()
        for year in range(2010, 2018)
        for month in range(1, 13)
    ]
    room = MAX_UPLOAD_BYTES - len(header) - sum(len(row) + 1 for row in rows)
    # Long commentaries (each under the csv module's 128 kB field limit).
    commentary = [room // len(rows) + (1 if n < room % len(rows) else 0) for n in range(len(rows))]
    data = header + b"".join(
        row + b"x" * size + b"\n" for row, size in zip(rows, commentary, strict=True)
    )
    assert len(data) == MAX_UPLOAD_BYTES
    result = _import(seeds, "r.csv", data, dry_run=True)
    assert (len(result.new), result.errors) == (96, [])


def test_it_tells_progress_on_long_files(seeds):
    lines = [
        f"KPI{k},{2000 + m // 12}-{m % 12 + 1:02d},50" for m in range(70) for k in range(1, 16)
    ]
    told = []
    result = _import(
        seeds, "r.csv", csv(LONG + "\n".join(lines)), dry_run=True, progress=told.append
    )
    assert len(result.new) == 1050
    assert told == ["Reading 1,050 rows…"]


# --- All or nothing ------------------------------------------------------------


def test_it_leaves_the_database_as_it_was_when_saving_fails_half_way(seeds, officer, monkeypatch):
    """The readings are inserted, then writing their history fails."""
    real = HistoryManager.bulk_history_create
    calls = []

    def fail_on_the_readings(self, objs, *args, **kwargs):
        calls.append(self.model.__name__)
        if self.model.__name__ == "HistoricalReading":
            raise RuntimeError("injected failure")
        return real(self, objs, *args, **kwargs)

    monkeypatch.setattr(HistoryManager, "bulk_history_create", fail_on_the_readings)
    before = snapshot()
    data = csv(LONG + "KPI1,2018-11,80\nKPI2,2018-10,23\nKPI2,2018-11,22\n")
    with pytest.raises(RuntimeError, match="injected failure"):
        _import(seeds, "r.csv", data, user=officer)
    assert calls == ["HistoricalMonthlyReturn", "HistoricalReading"]
    assert snapshot() == before


def test_it_leaves_the_database_as_it_was_when_the_updates_fail(seeds, officer, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(imports, "bulk_update_with_history", fail)
    before = snapshot()
    data = csv(LONG + "KPI1,2018-11,80\nKPI2,2018-10,23\n")
    with pytest.raises(RuntimeError, match="injected failure"):
        _import(seeds, "r.csv", data, user=officer)
    assert snapshot() == before


# --- Targets -------------------------------------------------------------------

TARGETS = "kpi,valid_from,target,lower,upper\n"


def test_it_imports_targets_with_history(seeds, commissioner):
    data = csv(
        TARGETS + "KPI1,2018-04-01,85,75,95\nKPI2,2018-04-01,20,17,24\nKPI1,2019-04-01,90,80,95\n"
    )
    preview = targets_import(
        organisation=seeds["birmingham"], name="t.csv", data=data, dry_run=True
    )
    assert [r.kpi_code for r in preview.unchanged] == ["KPI1"]
    [(row, previous)] = preview.changed
    assert (row.kpi_code, previous) == (
        "KPI2",
        PreviousTarget(Decimal("21"), Decimal("17"), Decimal("24")),
    )
    assert [(r.kpi_code, r.valid_from) for r in preview.new] == [("KPI1", dt.date(2019, 4, 1))]
    assert Target.history.count() == 0

    result = targets_import(
        organisation=seeds["birmingham"], name="t.csv", data=data, user=commissioner
    )
    assert result.saved is True
    new = Target.objects.get(kpi__code="KPI1", valid_from=dt.date(2019, 4, 1))
    assert (new.value, new.lower, new.upper) == (90, 80, 95)
    assert Target.objects.get(kpi__code="KPI2", valid_from=dt.date(2018, 4, 1)).value == 20
    assert sorted(Target.history.values_list("history_type", "history_user", "history_change_reason")) == [
        ("+", commissioner.pk, "import t.csv"),
        ("~", commissioner.pk, "import t.csv"),
    ]  # fmt: skip


def test_it_reads_targets_from_xlsx_with_date_cells(seeds):
    data = xlsx([["kpi", "valid_from", "target", "lower", "upper"], ["PI1", dt.datetime(2019, 4, 1), 0.2, 0.17, 0.24]],
                percent=["C2", "D2", "E2"])  # fmt: skip
    result = targets_import(organisation=seeds["sandwell"], name="t.xlsx", data=data)
    assert result.errors == []
    assert Target.objects.get(kpi__code="PI1").value == 20


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


@pytest.mark.parametrize(
    "text, expected", [pytest.param(*case[1:], id=case[0]) for case in BAD_TARGETS]
)
def test_it_names_every_bad_target_row_and_saves_nothing(seeds, text, expected):
    before = snapshot()
    result = targets_import(organisation=seeds["birmingham"], name="t.csv", data=csv(text))
    assert [str(e) for e in result.errors] == expected
    assert result.saved is False
    assert snapshot() == before


def test_it_refuses_a_targets_file_without_the_columns(seeds):
    with pytest.raises(ImportFileError) as raised:
        targets_import(
            organisation=seeds["birmingham"], name="t.csv", data=csv(LONG + "KPI1,2018-10,85\n")
        )
    assert str(raised.value) == MISSING_COLUMNS.format(
        missing="valid_from or target or lower or upper",
        layout="targets file",
        needed="kpi,valid_from,target,lower,upper",
    )


def test_a_failed_target_import_leaves_the_database_as_it_was(seeds, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(imports, "bulk_update_with_history", fail)
    before = snapshot()
    data = csv(TARGETS + "KPI1,2019-04-01,90,80,95\nKPI2,2018-04-01,20,17,24\n")
    with pytest.raises(RuntimeError):
        targets_import(organisation=seeds["birmingham"], name="t.csv", data=data)
    assert snapshot() == before


# --- Whose file ----------------------------------------------------------------


def test_it_finds_the_organisation_from_the_kpi_codes(seeds):
    codes = imports.file_kpi_codes(name="r.csv", data=csv("kpi,Jan-18\npi1,20\nPI2,3\nkpi,x\n"))
    assert codes == {"pi1", "PI2"}
    assert imports.organisations_for_kpi_codes(codes=codes) == [seeds["sandwell"]]
    assert imports.organisations_for_kpi_codes(codes={"PI1", "KPI1"}) == [
        seeds["birmingham"],
        seeds["sandwell"],
    ]
    assert imports.organisations_for_kpi_codes(codes={"KPI99"}) == []
