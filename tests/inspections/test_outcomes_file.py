"""The parser over Ofsted's real file in data/ofsted/, checked by another route:
the rows are also read straight from the file's XML (no pandas), and figures
are the file's as a spreadsheet program shows them."""

import datetime as dt
import zipfile
from functools import cache

import pytest
from defusedxml import ElementTree
from django.conf import settings

from inspections import outcomes
from inspections.ofsted import Grade, IlacsType

OFSTED_FILE = settings.BASE_DIR / "data/ofsted/LA_Inspection_Outcomes_as_at_31_March_2025.ods"
LA_CODES_FILE = settings.BASE_DIR / "data/ofsted/la_codes.csv"
NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}
RI = Grade.REQUIRES_IMPROVEMENT


@cache
def parsed():
    return outcomes.parse_outcomes(
        name=OFSTED_FILE.name,
        data=OFSTED_FILE.read_bytes(),
        la_codes=outcomes.read_la_codes(LA_CODES_FILE),
    )


def _q(prefix, name):
    return f"{{{NS[prefix]}}}{name}"


@cache
def xml_rows(sheet: str) -> list[list[str]]:
    """The sheet's rows as text (a date cell as its ISO date), from content.xml."""
    with zipfile.ZipFile(OFSTED_FILE) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    table = next(t for t in root.iter(_q("table", "table")) if t.get(_q("table", "name")) == sheet)
    rows = []
    for row in table.iter(_q("table", "table-row")):
        cells = []
        for cell in row:
            repeat = min(int(cell.get(_q("table", "number-columns-repeated"), "1")), 50)
            date = cell.get(_q("office", "date-value"))
            text = date[:10] if date else "".join(cell.itertext()).strip()
            cells += [text] * repeat
        rows += [cells] * min(int(row.get(_q("table", "number-rows-repeated"), "1")), 5)
    return rows


def authority(la_code):
    return sorted(
        (i for i in parsed().inspections if i.la_code == la_code), key=lambda i: i.inspection_date
    )


def test_it_reads_the_release_as_the_file_states_it():
    release = parsed()
    assert release.title == "Local authority inspection outcomes as at 31 March 2025"
    assert release.as_at == dt.date(2025, 3, 31)
    assert release.published_on == dt.date(2025, 9, 25)


def test_it_reads_every_row_of_both_sheets_once():
    release = parsed()
    assert len(release.latest) == 153  # every English LA
    assert len(release.inspections) == 271  # the history's rows; the latest are among them
    assert len({i.new_la_code for i in release.inspections}) == 156
    assert all(i.history_row for i in release.inspections)
    gone = sorted(i.la_name for i in release.inspections if i.la_status == "no_longer_exists")
    assert gone == ["Bournemouth", "Cumbria", "Northamptonshire"]
    overall = [i.overall_effectiveness for i in release.latest]
    counts = {g: overall.count(g) for g in (Grade.OUTSTANDING, Grade.GOOD, RI, Grade.INADEQUATE)}
    assert counts == {Grade.OUTSTANDING: 36, Grade.GOOD: 67, RI: 31, Grade.INADEQUATE: 19}


def test_it_reads_birminghams_ilacs_history():
    first, second = authority("330")
    assert (first.new_la_code, first.la_name, first.region) == (
        "E08000025", "Birmingham", "West Midlands",
    )  # fmt: skip
    assert first.inspection_type == IlacsType.STANDARD
    assert (first.inspection_date, first.published_date) == (
        dt.date(2018, 12, 3),
        dt.date(2019, 1, 17),
    )
    assert list(first.judgements().values()) == [RI, RI, RI, RI, ""]
    assert (first.latest_row, first.history_row) == (None, 14)
    assert second.inspection_type == IlacsType.STANDARD
    assert (second.inspection_date, second.published_date) == (
        dt.date(2023, 2, 20),
        dt.date(2023, 4, 18),
    )
    assert list(second.judgements().values()) == [Grade.GOOD] * 5
    assert (second.latest_row, second.history_row) == (10, 15)


def test_it_reads_sandwells_ilacs_history():
    [only] = authority("333")
    assert (only.new_la_code, only.la_name) == ("E08000028", "Sandwell")
    assert (only.inspection_date, only.published_date) == (dt.date(2022, 5, 9), dt.date(2022, 7, 5))
    assert list(only.judgements().values()) == [RI, RI, RI, RI, ""]
    assert (only.latest_row, only.history_row) == (110, 198)


@pytest.mark.parametrize("la_code", ["330", "333", "332", "336", "909"])
def test_it_agrees_with_the_files_xml_row_by_row(la_code):
    labels = {g.label: g.value for g in Grade}
    for inspection in authority(la_code):
        for sheet, number in (
            ("ILACS_inspection_history", inspection.history_row),
            ("Inspections_as_at_31_March", inspection.latest_row),
        ):
            if number is None:
                continue
            cells = xml_rows(sheet)[number - 1]
            grades = cells[6:11] if sheet.startswith("Inspections") else cells[8:13]
            dates = cells[4:6] if sheet.startswith("Inspections") else cells[5:7]
            assert cells[1] == inspection.new_la_code
            assert dates == [
                inspection.inspection_date.isoformat(), inspection.published_date.isoformat(),
            ]  # fmt: skip
            assert [labels.get(g, "") for g in grades] == list(inspection.judgements().values())
