"""Sandwell's Appendix 1, unedited, through the service: the XLSX with date
or text month headings and the CSV saved from it (tests/kpis/imports/appendix.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.imports.files import ImportFileError
from kpis.imports.layouts import MappingError
from kpis.imports.mapping import COMPARATOR, DERIVED, DESCRIPTIVE, KPI, MONTH, TITLE
from kpis.imports.messages import (
    AMBIGUOUS_KPI_NUMBER,
    AMBIGUOUS_KPI_TITLE,
    MAPPING_UNKNOWN_HEADING,
    NOT_A_KPI_IDENTIFIER,
    NOT_A_NUMBER,
    NOT_A_VALUE,
)
from kpis.imports.readings import readings_import
from kpis.imports.remembered import import_mapping_remember
from kpis.imports.rows import RowError
from kpis.models import KPI as KPIModel
from kpis.models import Comparator, ImportMapping, Reading
from tests.kpis.imports.appendix import (
    appendix_csv,
    appendix_xlsx,
    printed_rows,
    seed_readings,
)
from tests.kpis.imports.cases import snapshot

# The trust enters or imports the seed months here: they have no return yet.
pytestmark = pytest.mark.usefixtures("unreturned_seeds")

SANDWELL = "Sandwell Children's Trust"
VARIANTS = {
    "xlsx-date-months": ("appendix.xlsx", lambda rows=None: appendix_xlsx(rows=rows)),
    "xlsx-text-months": (
        "appendix.xlsx",
        lambda rows=None: appendix_xlsx(month_headings="text", rows=rows),
    ),
    "csv": ("appendix.csv", lambda rows=None: appendix_csv(rows)),
}


def _fresh(sandwell):
    Reading.objects.filter(kpi__organisation=sandwell).delete()
    Comparator.objects.filter(kpi__organisation=sandwell).delete()


def _import(seeds, variant, rows=None, **kwargs):
    name, build = VARIANTS[variant]
    return readings_import(organisation=seeds["sandwell"], name=name, data=build(rows), **kwargs)


def _edited(edit):
    rows = printed_rows()
    edit(rows)
    return rows


@pytest.mark.parametrize("variant", VARIANTS)
def test_it_imports_the_appendix_unedited_into_a_fresh_sandwell(seeds, sandwell_officer, variant):
    _fresh(seeds["sandwell"])
    result = _import(seeds, variant, user=sandwell_officer, save_comparators=True)
    assert result.errors == []
    assert result.saved is True
    saved = {
        (r.kpi.code, r.period): r.value
        for r in Reading.objects.filter(kpi__organisation=seeds["sandwell"]).select_related("kpi")
    }
    # Every value as printed: 83.0% is 83.0, 82.30% 82.3, 18.93 stays 18.93.
    assert saved == seed_readings()
    assert len(saved) == 180
    assert saved["PI1", dt.date(2018, 1, 1)] == Decimal("83.0")
    assert saved["PI14", dt.date(2018, 1, 1)] == Decimal("18.93")
    assert saved["PI12", dt.date(2018, 1, 1)] == Decimal("66.70")
    comparators = {
        (c.kpi.code, c.kind, c.year, c.label): c.value
        for c in Comparator.objects.filter(kpi__organisation=seeds["sandwell"])
    }
    assert comparators == {
        ("PI2", "statistical_neighbours", 2018, ""): Decimal("57.9"),
        ("PI2", "england", 2018, ""): Decimal("43.3"),
        ("PI2", "region", 2018, "West Midlands"): Decimal("45.3"),
        ("PI3", "statistical_neighbours", 2018, ""): Decimal("81.5"),
        ("PI3", "england", 2018, ""): Decimal("76.9"),
        ("PI3", "region", 2018, "West Midlands"): Decimal("77.0"),
        ("PI4", "statistical_neighbours", 2018, ""): Decimal("82.3"),
        ("PI4", "england", 2018, ""): Decimal("82.7"),
        ("PI4", "region", 2018, "West Midlands"): Decimal("84.6"),
        ("PI13", "statistical_neighbours", 2018, ""): Decimal("20"),
        ("PI13", "england", 2018, ""): Decimal("17"),
        ("PI13", "region", 2018, "West Midlands"): Decimal("19.2"),
        ("PI14", "statistical_neighbours", 2018, ""): Decimal("19.1"),
        ("PI14", "england", 2018, ""): Decimal("17.8"),
        ("PI14", "region", 2018, "West Midlands"): Decimal("18.7"),
    }
    history = Comparator.history.filter(kpi__organisation=seeds["sandwell"], history_type="+")
    assert [h.history_user_id for h in history] == [sandwell_officer.pk] * 15
    source = Comparator.objects.filter(kpi__organisation=seeds["sandwell"]).first().source
    assert source.startswith("Sandwell Childrens Trust Social Care Monthly Performance Statistics")


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_seeded_sandwell_is_unchanged_by_its_own_appendix(seeds, sandwell_officer, variant):
    before = snapshot()
    comparators = list(Comparator.objects.values_list("kpi_id", "kind", "year", "value", "label"))
    result = _import(seeds, variant, user=sandwell_officer, save_comparators=True)
    assert (len(result.new), len(result.changed), len(result.unchanged)) == (0, 0, 180)
    assert (len(result.comparators_new), len(result.comparators_changed)) == (0, 0)
    assert len(result.comparators_unchanged) == 15
    assert snapshot() == before
    assert (
        list(Comparator.objects.values_list("kpi_id", "kind", "year", "value", "label"))
        == comparators
    )


def test_it_reports_the_mapping_it_found_and_the_rows_it_skipped(seeds):
    result = _import(seeds, "xlsx-date-months", dry_run=True)
    mapping = result.mapping
    assert mapping.heading_row == 3
    roles = [(c.letter, c.role) for c in mapping.columns]
    assert roles[:8] == [
        ("A", KPI), ("B", TITLE), ("C", DESCRIPTIVE), ("D", DESCRIPTIVE), ("E", DESCRIPTIVE),
        ("F", COMPARATOR), ("G", COMPARATOR), ("H", COMPARATOR),
    ]  # fmt: skip
    assert [c.period for c in mapping.columns if c.role == MONTH] == [
        dt.date(2018, month, 1) for month in range(1, 13)
    ]
    assert roles[20:] == [
        ("U", DERIVED),
        ("V", DERIVED),
        ("W", DERIVED),
        ("X", DERIVED),
        ("Y", DERIVED),
    ]
    assert mapping.columns[1].heading == "DESCRIPTION OF KPI"  # named by the sub-heading row
    assert [(c.kind, c.label) for c in mapping.comparators] == [
        ("statistical_neighbours", ""), ("england", ""), ("region", "West Midlands"),
    ]  # fmt: skip
    assert mapping.year == 2018
    assert [(s.row, s.reason) for s in result.skipped] == [
        (1, "a title above the heading row"),
        (2, "a title above the heading row"),
        (4, "a sub-heading row"),
        (20, "a note under the table"),
    ]
    assert result.saved is False


def test_comparators_are_offered_not_saved_unless_chosen(seeds, sandwell_officer):
    _fresh(seeds["sandwell"])
    result = _import(seeds, "xlsx-date-months", user=sandwell_officer)
    assert result.saved is True
    assert len(result.comparators_new) == 15
    assert result.comparators_saved is False
    assert Comparator.objects.filter(kpi__organisation=seeds["sandwell"]).count() == 0


def test_a_bad_value_in_row_7_is_named_and_nothing_is_saved(seeds, sandwell_officer):
    _fresh(seeds["sandwell"])
    before = snapshot()

    def spoil(rows):
        rows[6][9] = "abc"  # row 7 is PI3; column J is Feb-18

    result = _import(seeds, "csv", _edited(spoil), user=sandwell_officer, save_comparators=True)
    assert [str(e) for e in result.errors] == [
        str(RowError(7, NOT_A_NUMBER.format(text="abc"), "J (Feb-18)"))
    ]
    assert result.saved is False
    assert snapshot() == before
    assert Comparator.objects.filter(kpi__organisation=seeds["sandwell"]).count() == 0


def test_a_bad_comparator_is_a_row_error(seeds):
    def spoil(rows):
        rows[5][6] = "n/k"  # row 6 is PI2; column G its England average

    result = _import(seeds, "csv", _edited(spoil), dry_run=True)
    assert [str(e) for e in result.errors] == [
        str(RowError(6, NOT_A_NUMBER.format(text="n/k"), "G (England Average (where available))"))
    ]


def test_no_available_comparator_data_means_none(seeds):
    result = _import(seeds, "xlsx-date-months", dry_run=True)
    assert {c.kpi_code for c in result.comparators} == {"PI2", "PI3", "PI4", "PI13", "PI14"}


def test_it_identifies_a_kpi_by_its_number_code_or_title(seeds):
    def identify_differently(rows):
        rows[4][0] = "PI1"  # a code
        rows[5][0] = "2"  # a whole number, as text
        rows[6][0] = ""  # no identifier: the title says which
        rows[6][1] = (
            "  percentage of initial child protection conference (ICPC)  in 15 working days"
        )

    result = _import(seeds, "csv", _edited(identify_differently), dry_run=True)
    assert result.errors == []
    assert {r.kpi_code for r in result.unchanged if r.row in (5, 6, 7)} == {"PI1", "PI2", "PI3"}


def test_a_number_or_title_that_two_kpis_share_is_an_error(seeds):
    sandwell = seeds["sandwell"]
    KPIModel.objects.create(
        organisation=sandwell, code="X1", title="Rate of Children on a Child Protection Plan per 10,000 CYP population",
        unit="count", polarity="lower", precision=0,
    )  # fmt: skip

    def ambiguous(rows):
        rows[5][0] = ""  # PI2's row: its title is X1's too

    result = _import(seeds, "csv", _edited(ambiguous), dry_run=True)
    title = printed_rows()[5][1]
    assert [str(e) for e in result.errors] == [
        str(RowError(5, AMBIGUOUS_KPI_NUMBER.format(text="1.00", codes="PI1 or X1"), "A (SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS)")),
        str(RowError(6, AMBIGUOUS_KPI_TITLE.format(text=title, codes="PI2 or X1"), "A (SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS)")),
    ]  # fmt: skip


def test_an_unknown_kpi_is_named_with_its_row(seeds):
    def unknown(rows):
        rows[8][0] = "99.00"
        rows[8][1] = "Something else"

    result = _import(seeds, "csv", _edited(unknown), dry_run=True)
    assert [str(e) for e in result.errors] == [
        str(RowError(9, NOT_A_KPI_IDENTIFIER.format(text="99.00", organisation=SANDWELL), "A (SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS)"))
    ]  # fmt: skip


def test_an_unknown_heading_is_a_clear_error_with_the_mapping(seeds):
    def rename(rows):
        rows[2][4] = "RAG rating owner"  # derived (RAG), so still placed
        rows[2][3] = "Portfolio"

    with pytest.raises(MappingError) as raised:
        _import(seeds, "csv", _edited(rename), dry_run=True)
    assert str(raised.value) == MAPPING_UNKNOWN_HEADING.format(column="D", text="Portfolio", row=3)
    assert isinstance(raised.value, ImportFileError)
    assert raised.value.mapping.columns[3].role == "unknown"


def test_a_chosen_role_places_an_unknown_heading_and_is_remembered(seeds, sandwell_officer):
    def rename(rows):
        rows[2][3] = "Portfolio"

    data_rows = _edited(rename)
    with pytest.raises(MappingError) as raised:
        _import(seeds, "csv", data_rows, dry_run=True)
    chosen = raised.value.mapping.choices()
    chosen[3]["role"] = "ignore"
    result = _import(seeds, "csv", data_rows, dry_run=True, chosen=chosen)
    assert result.errors == [] and len(result.unchanged) == 180
    assert result.mapping.columns[3].role == "ignore"
    assert result.mapping.remembered is False

    import_mapping_remember(
        organisation=seeds["sandwell"], mapping=result.mapping, user=sandwell_officer
    )
    assert ImportMapping.objects.get().confirmed_by == sandwell_officer
    # Next month's file: the same headings, a month on, no choices given.
    next_month = _edited(rename)
    next_month[2][8:20] = ["Feb-18", "Mar-18", "Apr-18", "May-18", "Jun-18", "Jul-18", "Aug-18",
                           "Sep-18", "Oct-18", "Nov-18", "Dec-18", "Jan-19"]  # fmt: skip
    result = _import(seeds, "csv", next_month, dry_run=True)
    assert result.mapping.remembered is True
    assert result.mapping.columns[3].role == "ignore"
    assert result.errors == []
    assert result.mapping.months[-1][1] == dt.date(2019, 1, 1)


def test_a_chosen_month_corrects_a_column(seeds):
    result = _import(seeds, "csv", dry_run=True)
    chosen = result.mapping.choices()
    chosen[8]["period"] = "2017-01"  # I: Jan-18 read as Jan-17 by choice
    corrected = _import(seeds, "csv", dry_run=True, chosen=chosen)
    assert corrected.mapping.columns[8].period == dt.date(2017, 1, 1)
    assert {r.period for r in corrected.new} == {dt.date(2017, 1, 1)}
    assert len(corrected.new) == 15


def test_text_in_a_month_cell_is_refused_as_before(seeds):
    def dash(rows):
        rows[10][12] = "N/A"  # row 11, column M (May-18)

    result = _import(seeds, "csv", _edited(dash), dry_run=True)
    assert [str(e) for e in result.errors] == [
        str(RowError(11, NOT_A_VALUE.format(text="N/A"), "M (May-18)"))
    ]
