"""Finding the heading row of a trust's own sheet and what each column is; no database."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kpis.imports.files import _read_table
from kpis.imports.mapping import (
    BLANK,
    COMPARATOR,
    DERIVED,
    DESCRIPTIVE,
    IGNORE,
    KPI,
    MONTH,
    TITLE,
    UNKNOWN,
    classify,
    detect,
    find_heading_row,
    is_footnote,
    means_no_comparator,
)
from kpis.imports.messages import (
    DUPLICATE_MONTH_COLUMN,
    MAPPING_NO_KPI_COLUMN,
    MAPPING_TWO_KPI_COLUMNS,
    MAPPING_VALUES_WITHOUT_HEADING,
)
from tests.kpis.imports.appendix import EXAMPLE, appendix_xlsx, printed_rows


@pytest.mark.parametrize(
    "heading, role, kind, label",
    [
        ("Jan-18", MONTH, "", ""),
        (dt.datetime(2018, 1, 1), MONTH, "", ""),
        ("2018-01", MONTH, "", ""),
        ("SANDWELL CHILDRENS TRUST KEY PERFORMANCE INDICATORS", KPI, "", ""),
        ("PLNO", KPI, "", ""),
        ("KPI", KPI, "", ""),
        ("PI number", KPI, "", ""),
        ("Code", KPI, "", ""),
        ("DESCRIPTION OF KPI", TITLE, "", ""),
        ("Title", TITLE, "", ""),
        ("Frequency Calculated", DESCRIPTIVE, "", ""),
        ("Service Area", DESCRIPTIVE, "", ""),
        ("Better Performance 3?", DESCRIPTIVE, "", ""),
        (
            "Statistical Neighbour Average (where available)",
            COMPARATOR,
            "statistical_neighbours",
            "",
        ),
        ("SN average", COMPARATOR, "statistical_neighbours", ""),
        ("England Average (where available)", COMPARATOR, "england", ""),
        ("National average", COMPARATOR, "england", ""),
        ("West Midlands Average (where available)", COMPARATOR, "region", "West Midlands"),
        ("Regional average", COMPARATOR, "region", ""),
        ("Change From November", DERIVED, "", ""),
        ("Previous Three Month Average", DERIVED, "", ""),
        ("Direction vs SN", DERIVED, "", ""),
        ("Direction vs Eng", DERIVED, "", ""),
        ("Direction vs Wmids", DERIVED, "", ""),
        ("Portfolio", UNKNOWN, "", ""),
        ("", BLANK, "", ""),
    ],
)
def test_it_tells_a_column_by_its_heading(heading, role, kind, label):
    column = classify(heading)
    assert (column.role, column.kind, column.label) == (role, kind, label)


def test_the_heading_row_has_three_months_and_a_kpi_heading_in_the_first_ten_rows():
    title = [(n, [f"Title {n}"]) for n in range(1, 10)]
    assert find_heading_row([*title, (10, ["KPI", "Jan-18", "Feb-18", "Mar-18"])]) == 10
    assert (
        find_heading_row([*title, (10, ["x"]), (11, ["KPI", "Jan-18", "Feb-18", "Mar-18"])]) is None
    )
    assert find_heading_row([(1, ["KPI", "Jan-18", "Feb-18"])]) is None  # two months
    assert (
        find_heading_row([(1, ["Notes", "Jan-18", "Feb-18", "Mar-18"])]) is None
    )  # no KPI heading


def test_it_maps_the_appendix_and_skips_its_titles_and_sub_heading():
    table = _read_table("a.xlsx", appendix_xlsx())
    mapping = detect([(1, table.header), *table.rows])
    assert mapping.heading_row == 3
    assert mapping.problems == []
    assert [c.role for c in mapping.columns] == (
        [KPI, TITLE, DESCRIPTIVE, DESCRIPTIVE, DESCRIPTIVE, COMPARATOR, COMPARATOR, COMPARATOR]
        + [MONTH] * 12 + [DERIVED] * 5
    )  # fmt: skip
    assert [(s.row, s.reason) for s in mapping.skipped] == [
        (1, "a title above the heading row"),
        (2, "a title above the heading row"),
        (4, "a sub-heading row"),
    ]
    assert mapping.year == 2018
    assert mapping.title.startswith("Sandwell Childrens Trust Social Care Monthly Performance")


def test_the_signature_ignores_which_months_the_file_covers():
    rows = [(1, ["KPI", "Jan-18", "Feb-18", "Mar-18", "England average"])]
    later = [(1, ["KPI", "Feb-18", "Mar-18", "Apr-18", "England average"])]
    other = [(1, ["KPI", "Feb-18", "Mar-18", "Apr-18", "Region average"])]
    assert detect(rows).signature == detect(later).signature
    assert detect(rows).signature != detect(other).signature


def test_the_year_is_the_one_most_months_fall_in_a_tie_going_to_the_later():
    rows = [(1, ["KPI", "Nov-18", "Dec-18", "Jan-19"])]
    assert detect(rows).year == 2018
    assert detect([(1, ["KPI", "Nov-18", "Dec-18", "Jan-19", "Feb-19"])]).year == 2019


def test_what_it_cannot_place_is_a_problem_not_a_guess():
    assert detect([(1, ["KPI", "Jan-18", "Feb-18", "Mar-18", "PI", "Jan-18"])]).problems == [
        MAPPING_TWO_KPI_COLUMNS.format(columns="A and E"),
        DUPLICATE_MONTH_COLUMN.format(first="B", column="F", period="2018-01"),
    ]
    unheaded = detect([(1, ["KPI", "Jan-18", "Feb-18", "Mar-18"]), (2, ["PI1", 1, 2, 3, "stray"])])
    assert unheaded.problems == [MAPPING_VALUES_WITHOUT_HEADING.format(column="E", row=1, first=2)]
    chosen = detect(
        [(1, ["KPI", "Jan-18", "Feb-18", "Mar-18"])], chosen=[{"index": 0, "role": IGNORE}]
    )
    assert chosen.problems == [MAPPING_NO_KPI_COLUMN.format(row=1)]


def test_a_choice_replaces_what_the_heading_says():
    mapping = detect(
        [(1, ["KPI", "Jan-18", "Feb-18", "Mar-18", "Benchmark"])],
        chosen=[
            {"index": 4, "role": "comparator:england"},
            {"index": 3, "role": "month", "period": "2018-04"},
        ],
    )
    assert mapping.problems == []
    assert (mapping.columns[4].role, mapping.columns[4].kind, mapping.columns[4].chosen) == (
        COMPARATOR,
        "england",
        True,
    )
    assert mapping.columns[3].period == dt.date(2018, 4, 1)
    assert mapping.choices()[3] == {"index": 3, "role": "month", "period": "2018-04"}
    assert mapping.choices()[1] == {"index": 1, "role": "month"}  # as its heading says


def test_footnotes_and_no_comparator_texts():
    assert is_footnote(["** PI 13 PLEASE NOTE ESTABLISHMENT WAS INCREASED", "", None]) is True
    assert is_footnote(["Note: figures are provisional"]) is True
    assert is_footnote(["** PI 13", "x"]) is False
    assert is_footnote(["PI13"]) is False
    for text in ("No available comparator data", "no data", "N/A", "", None, "  "):
        assert means_no_comparator(text) is True, text
    for cell in (57.9, "57.9", "n/k"):
        assert means_no_comparator(cell) is False, cell


def test_the_committed_example_is_the_builders_appendix():
    """docs/examples/…_from_seed.xlsx is what ``python -m tests.kpis.imports.appendix`` writes."""
    example = load_workbook(EXAMPLE).active
    shown = [[cell.value for cell in row] for row in example.iter_rows()]
    built = load_workbook(io.BytesIO(appendix_xlsx())).active
    assert shown == [[cell.value for cell in row] for row in built.iter_rows()]
    assert example["I5"].number_format == "0.0%" and example["I5"].value == 0.83
    assert len(shown) == len(printed_rows()) == 20
