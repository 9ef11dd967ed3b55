"""Readings through the service: every bad row named and nothing saved,
previews, history, locked months, both layouts.

Every bad-input kind has a case in BAD_ROWS or BAD_FILES (cases.py); the command
tests (tests/kpis/commands/) run the same cases through ``manage.py``.
"""

import codecs
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from simple_history.manager import HistoryManager

from kpis.imports import saving
from kpis.imports.files import MAX_UPLOAD_BYTES, ImportFileError
from kpis.imports.messages import (
    EXCEL_ERROR,
    FIRST_SHEET_ONLY,
    FORMULA_WITHOUT_VALUE,
    FUTURE_PERIOD,
    NOT_A_NUMBER,
    RETURN_ACCEPTED,
    RETURN_SUBMITTED,
    UNKNOWN_LAYOUT,
)
from kpis.imports.readings import readings_import
from kpis.imports.rows import (
    PreviousReading,
)
from kpis.models import MonthlyReturn, Reading, ReturnState
from kpis.periods import format_period
from tests.kpis.imports.cases import (
    BAD_FILES,
    BAD_ROWS,
    LONG,
    NOV,
    OCT,
    PARTS,
    VALUE,
    csv,
    err,
    snapshot,
    xlsx,
)

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")


def _import(seeds, name, data, organisation="birmingham", **kwargs):
    return readings_import(organisation=seeds[organisation], name=name, data=data, **kwargs)


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


@pytest.mark.parametrize(
    "today, refused",
    [(dt.date(2018, 10, 31), ["2018-11"]), (dt.date(2018, 11, 1), [])],
    ids=["last-day-of-october", "first-day-of-november"],
)
@pytest.mark.parametrize("layout", ["long", "wide"])
def test_the_current_month_is_accepted_and_the_next_refused_in_either_layout(
    seeds, layout, today, refused
):
    if layout == "long":
        data, column = csv(LONG + "KPI1,2018-10,85\nKPI1,2018-11,80\n"), "B (period)"
        row = 3
    else:
        data, column = csv("kpi,Oct-18,Nov-18\nKPI1,85,80\n"), "C (Nov-18)"
        row = 2
    result = _import(seeds, "r.csv", data, today=today, dry_run=True)
    current = f"{today:%Y-%m}"
    assert [str(e) for e in result.errors] == [
        err(row, FUTURE_PERIOD.format(period=p, current=current), column) for p in refused
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
    ) + FIRST_SHEET_ONLY.format(sheet="Cover")


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

    monkeypatch.setattr(saving, "bulk_update_with_history", fail)
    before = snapshot()
    data = csv(LONG + "KPI1,2018-11,80\nKPI2,2018-10,23\n")
    with pytest.raises(RuntimeError, match="injected failure"):
        _import(seeds, "r.csv", data, user=officer)
    assert snapshot() == before
