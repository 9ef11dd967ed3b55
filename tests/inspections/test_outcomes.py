"""The Ofsted outcomes parser over small files of our own making (no database)."""

import datetime as dt

import pytest

from inspections import outcomes
from inspections.ofsted import AuthorityStatus, Grade, IlacsType, judgement_areas
from tests.inspections.ofsted_files import (
    GOOD,
    HEADINGS,
    HISTORY_HEADINGS,
    LA_CODES,
    RI,
    TEST_HISTORY,
    TEST_LATEST,
    D,
    history_row,
    latest_row,
    ods,
)

LATEST = "Inspections_as_at_31_March"
HISTORY = "ILACS_inspection_history"


def parse(data, la_codes=LA_CODES):
    return outcomes.parse_outcomes(name="test.ods", data=data, la_codes=la_codes)


def row_errors(data, la_codes=LA_CODES) -> list[str]:
    with pytest.raises(outcomes.OutcomesRowErrors) as raised:
        parse(data, la_codes)
    return [str(error) for error in raised.value.errors]


def file_error(data) -> str:
    with pytest.raises(outcomes.OutcomesFileError) as raised:
        parse(data)
    return str(raised.value)


def by_key(parsed):
    return {(i.la_code, i.inspection_date): i for i in parsed.inspections}


def test_it_reads_each_inspection_once_marking_the_latest():
    parsed = parse(ods())
    assert parsed.title == "Local authority inspection outcomes as at 31 March 2025"
    assert parsed.as_at == dt.date(2025, 3, 31)
    assert parsed.published_on == dt.date(2025, 9, 25)
    found = by_key(parsed)
    assert len(found) == 5  # the latest sheet's three are the history's, not extra
    old = found[("330", dt.date(2018, 12, 3))]
    new = found[("330", dt.date(2023, 2, 20))]
    assert (old.latest_row, old.history_row) == (None, 4)
    assert (new.latest_row, new.history_row) == (4, 5)
    assert new.new_la_code == "E08000025" and new.la_name == "TEST Birmingham"
    assert new.region == "West Midlands" and new.la_status == AuthorityStatus.CURRENT
    assert new.inspection_type == IlacsType.STANDARD
    assert new.published_date == dt.date(2023, 4, 18)
    assert new.judgements() == dict.fromkeys(new.judgements(), Grade.GOOD)
    assert old.care_leavers == "" and old.overall_effectiveness == Grade.REQUIRES_IMPROVEMENT
    dudley = found[("332", dt.date(2024, 6, 3))]
    assert dudley.inspection_type == IlacsType.SHORT
    assert dudley.overall_effectiveness == Grade.OUTSTANDING
    assert dudley.help_and_protection == Grade.GOOD
    assert [i.la_code for i in parsed.latest] == ["330", "332", "333"]


def test_it_finds_the_table_by_its_headings_when_it_does_not_start_at_a3():
    parsed = parse(ods(above=3, left=2))  # headings in C6
    new = by_key(parsed)[("330", dt.date(2023, 2, 20))]
    assert (new.latest_row, new.history_row) == (7, 8)
    assert new.overall_effectiveness == Grade.GOOD


def test_it_matches_columns_by_heading_in_any_order():
    order = [2, 1, 0, *range(10, 2, -1)]
    headings = [HEADINGS[i] for i in order]
    latest = [[row[i] for i in order] for row in TEST_LATEST]
    found = by_key(parse(ods(latest=latest, latest_headings=headings)))
    dudley = found[("332", dt.date(2024, 6, 3))]
    assert dudley.latest_row == 6
    assert (dudley.overall_effectiveness, dudley.help_and_protection) == ("outstanding", "good")


def test_it_skips_blank_rows_and_still_numbers_rows_as_the_sheet_does():
    history = [None, TEST_HISTORY[0], None, None, *TEST_HISTORY[1:]]
    history[-1] = history[-1][:8] + ["Goood", *history[-1][9:]]
    assert row_errors(ods(history=history)) == [
        f"{HISTORY} row 11, column I (Overall effectiveness): 'Goood' is not an ILACS "
        "judgement (Ofsted's words are Outstanding, Good, Requires improvement to be good, "
        "Inadequate)"
    ]


def test_it_reads_a_grade_in_another_case_or_spacing():
    latest = [list(r) for r in TEST_LATEST]
    history = [list(r) for r in TEST_HISTORY]
    latest[1][6] = "requires  IMPROVEMENT to be good "
    history[2][8] = "REQUIRES IMPROVEMENT TO BE GOOD"
    found = by_key(parse(ods(latest=latest, history=history)))
    assert found[("333", dt.date(2022, 5, 9))].overall_effectiveness == Grade.REQUIRES_IMPROVEMENT


@pytest.mark.parametrize(
    "word", ["Improved effectiveness", "Requires improvement", "Satisfactory", "3"]
)
def test_it_refuses_a_word_that_is_not_an_ilacs_judgement(word):
    latest = [list(r) for r in TEST_LATEST]
    latest[2][7] = word
    [error] = row_errors(ods(latest=latest))
    assert error.startswith(
        f"{LATEST} row 6, column H (The impact of leaders on social work practice with "
        f"children and families): {word!r} is not an ILACS judgement"
    )


def test_it_refuses_a_blank_judgement():
    history = [list(r) for r in TEST_HISTORY]
    history[3][10] = None
    assert row_errors(ods(history=history)) == [
        f"{HISTORY} row 7, column K (The experiences and progress of children who need help "
        f"and protection): {outcomes.GRADE_REQUIRED}"
    ]


def test_it_reads_a_date_written_as_text():
    latest = [list(r) for r in TEST_LATEST]
    history = [list(r) for r in TEST_HISTORY]
    latest[0][4], latest[0][5] = "20/02/2023", "18 April 2023"
    history[1][5] = "2023-02-20"
    new = by_key(parse(ods(latest=latest, history=history)))[("330", dt.date(2023, 2, 20))]
    assert new.published_date == dt.date(2023, 4, 18)
    assert (new.latest_row, new.history_row) == (4, 5)


@pytest.mark.parametrize("text", ["Feb 2023", "31/02/2023", "2023-13-01", "soon"])
def test_it_refuses_text_that_is_not_a_date(text):
    latest = [list(r) for r in TEST_LATEST]
    latest[2][4] = text
    assert row_errors(ods(latest=latest)) == [
        f"{LATEST} row 6, column E (Inspection date): " + outcomes.NOT_A_DATE.format(text=text)
    ]


def test_it_refuses_a_publication_before_the_inspection():
    history = [list(r) for r in TEST_HISTORY]
    history[3][6] = D(2019, 3, 1)
    assert row_errors(ods(history=history)) == [
        f"{HISTORY} row 7, column G (Publication date): published 1 March 2019 before the "
        "inspection date 4 March 2019"
    ]


def test_it_holds_care_leavers_to_the_framework_of_the_inspection_date():
    history = [list(r) for r in TEST_HISTORY]
    history[0][12] = GOOD  # Dec 2018: judged with children in care
    history[1][12] = None  # Feb 2023: judged apart, so required
    latest = [list(r) for r in TEST_LATEST]
    latest[0][10] = None
    errors = row_errors(ods(latest=latest, history=history))
    assert errors == [
        f"{LATEST} row 4, column K (The experiences and progress of care leavers): "
        + outcomes.CARE_LEAVERS_REQUIRED.format(inspected="20 February 2023"),
        f"{HISTORY} row 4, column M (The experiences and progress of care leavers): "
        + outcomes.CARE_LEAVERS_BEFORE_2023.format(text="Good", inspected="3 December 2018"),
        f"{HISTORY} row 5, column M (The experiences and progress of care leavers): "
        + outcomes.CARE_LEAVERS_REQUIRED.format(inspected="20 February 2023"),
    ]


def test_it_reads_a_file_from_before_care_leavers_were_judged_apart():
    """Before 2023 Ofsted's heading named care leavers with children in care."""
    old = "The experiences and progress of children in care and care leavers"
    latest_headings = [*HEADINGS[:9], old]
    history_headings = [*HISTORY_HEADINGS[:11], old]
    latest = [r[:10] for r in TEST_LATEST[1:2]]
    history = [r[:12] for r in TEST_HISTORY[:1] + TEST_HISTORY[2:4]]
    parsed = parse(
        ods(latest, history, latest_headings=latest_headings, history_headings=history_headings)
    )
    sandwell = by_key(parsed)[("333", dt.date(2022, 5, 9))]
    assert sandwell.children_in_care == Grade.REQUIRES_IMPROVEMENT
    assert sandwell.care_leavers == ""


def test_it_refuses_an_unknown_or_malformed_area_code():
    latest = [list(r) for r in TEST_LATEST]
    latest[1][1] = "E06000099"
    latest[2][1] = "332"
    errors = row_errors(ods(latest=latest))
    assert errors == [
        f"{LATEST} row 5, column B (Local authority area code): "
        + outcomes.UNKNOWN_CODE.format(code="E06000099", name="TEST Sandwell"),
        f"{LATEST} row 6, column B (Local authority area code): "
        + outcomes.MALFORMED_CODE.format(text="332"),
    ]


def test_it_refuses_an_unknown_inspection_type_or_status():
    history = [list(r) for r in TEST_HISTORY]
    history[0][7] = "ILACS Focused Visit"  # no judgements: not in the history
    history[2][3] = "Abolished"
    errors = row_errors(ods(history=history))
    assert errors == [
        f"{HISTORY} row 4, column H (Inspection type): 'ILACS Focused Visit' is not a graded "
        "ILACS inspection type (ILACS Standard Inspection, ILACS Short Inspection)",
        f"{HISTORY} row 6, column D (Local authority status): 'Abolished' is not a local "
        "authority status (Current, No longer exists)",
    ]


def test_it_keeps_an_authority_that_no_longer_exists():
    history = [
        *TEST_HISTORY,
        history_row("E08000031", "TEST Gone", D(2019, 6, 17), D(2019, 7, 29), [RI] * 4 + [None],
                    status="No longer exists"),
    ]  # fmt: skip
    gone = by_key(parse(ods(history=history)))[("336", dt.date(2019, 6, 17))]
    assert gone.la_status == AuthorityStatus.NO_LONGER_EXISTS and gone.latest_row is None


def test_it_refuses_a_latest_judgement_that_differs_from_the_history():
    latest = [list(r) for r in TEST_LATEST]
    latest[0][6] = "Outstanding"
    latest[0][5] = D(2023, 4, 19)
    assert row_errors(ods(latest=latest)) == [
        f"{LATEST} row 4: TEST Birmingham's inspection of 20 February 2023 differs from "
        f"{HISTORY} row 5: publication date 18 April 2023 there, 19 April 2023 here; "
        "overall effectiveness Good there, Outstanding here"
    ]


def test_it_refuses_a_latest_judgement_older_than_the_history_s_latest():
    latest = [list(r) for r in TEST_LATEST]
    latest[0] = latest_row("E08000025", "TEST Birmingham", D(2018, 12, 3), D(2019, 1, 17),
                           [RI] * 4 + [None])  # fmt: skip
    assert row_errors(ods(latest=latest)) == [
        f"{LATEST} row 4: TEST Birmingham's latest judgement here is from 3 December 2018, "
        f"but {HISTORY} row 5 has a later inspection (20 February 2023)"
    ]


def test_it_keeps_a_latest_judgement_the_history_does_not_list():
    history = [r for r in TEST_HISTORY if r[1] != "E08000028"]
    sandwell = by_key(parse(ods(history=history)))[("333", dt.date(2022, 5, 9))]
    assert (sandwell.latest_row, sandwell.history_row) == (5, None)
    assert sandwell.inspection_type == ""  # the latest sheet has no type column


def test_it_refuses_an_authority_twice_in_the_latest_or_an_inspection_twice_in_the_history():
    latest = [*TEST_LATEST, TEST_LATEST[0]]
    history = [*TEST_HISTORY, TEST_HISTORY[2]]
    assert row_errors(ods(latest=latest, history=history)) == [
        f"{LATEST} row 7: TEST Birmingham is also in row 4: this sheet lists each authority once",
        f"{HISTORY} row 9: TEST Sandwell's inspection of 9 May 2022 is also in row 6",
    ]


def test_it_names_every_bad_row_at_once_and_returns_nothing():
    latest = [list(r) for r in TEST_LATEST]
    history = [list(r) for r in TEST_HISTORY]
    latest[1][2] = None
    history[4][8] = "Fine"
    history[0][3] = None  # a blank status reads as current
    errors = row_errors(ods(latest=latest, history=history))
    assert errors == [
        f"{LATEST} row 5, column C (Local authority name): {outcomes.NAME_REQUIRED}",
        f"{HISTORY} row 8, column I (Overall effectiveness): 'Fine' is not an ILACS judgement "
        "(Ofsted's words are Outstanding, Good, Requires improvement to be good, Inadequate)",
    ]


@pytest.mark.parametrize(
    "sheets, missing",
    [
        (("Cover", "Inspections_as_at_31_March"), "'ILACS_inspection_history'"),
        (("Cover", "ILACS_inspection_history"), "'Inspections_as_at_…' (latest judgements)"),
    ],
)
def test_it_refuses_a_file_without_the_expected_sheets(sheets, missing):
    message = file_error(ods(sheets=sheets))
    assert message == outcomes.MISSING_SHEETS.format(missing=missing, sheets=", ".join(sheets))


def test_it_refuses_a_sheet_without_its_heading_row():
    headings = ["Local authority area code", "Local authority name", *HEADINGS[3:6]]
    latest = [r[1:6] for r in TEST_LATEST]
    message = file_error(ods(latest=latest, latest_headings=headings))
    assert message == outcomes.NO_HEADING_ROW.format(sheet=LATEST, rows=30)


def test_it_names_a_missing_column():
    headings = [h for h in HISTORY_HEADINGS if h != "Inspection type"]
    history = [r[:7] + r[8:] for r in TEST_HISTORY]
    assert file_error(ods(history=history, history_headings=headings)) == (
        f"Sheet {HISTORY}, row 3 (the headings): no 'Inspection type' column."
    )
    headings = [h for h in HEADINGS if h != "Publication date"]
    latest = [r[:5] + r[6:] for r in TEST_LATEST]
    assert file_error(ods(latest=latest, latest_headings=headings)) == (
        f"Sheet {LATEST}, row 3 (the headings): no 'Publication date' column."
    )


def test_it_refuses_a_sheet_with_headings_and_no_rows():
    assert file_error(ods(latest=[None, None])) == outcomes.NO_ROWS.format(sheet=LATEST, row=3)


def test_it_refuses_a_file_without_an_as_at_date():
    message = file_error(ods(title="Local authority inspection judgements"))
    assert message == outcomes.NO_AS_AT.format(sheet=LATEST)


def test_it_reads_a_file_without_a_publication_date_or_a_cover():
    assert parse(ods(cover_published=None)).published_on is None
    uncovered = parse(ods(sheets=("Inspections_as_at_31_March", HISTORY)))
    assert uncovered.published_on is None
    assert uncovered.title == "Local authority inspection judgements as at 31 March 2025"


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", outcomes.EMPTY_FILE),
        (b"kpi,period,value\nKPI1,2018-10,85\n", "'test.ods' is not a spreadsheet that can be "
         "read (.ods or .xlsx): it is neither an OpenDocument nor an Excel workbook."),
        (b"x" * (outcomes.MAX_FILE_BYTES + 1), outcomes.TOO_BIG),
    ],
)  # fmt: skip
def test_it_refuses_a_file_that_is_not_a_spreadsheet(data, expected):
    message = file_error(data)
    assert message.startswith(expected)


def test_it_words_the_care_judgement_as_the_framework_of_the_day():
    before = [short for _, _, short in judgement_areas(dt.date(2022, 12, 31))]
    after = [short for _, _, short in judgement_areas(dt.date(2023, 1, 1))]
    assert before == [
        "Overall effectiveness", "Impact of leaders", "Help and protection",
        "Children in care and care leavers",
    ]  # fmt: skip
    assert after == [
        "Overall effectiveness", "Impact of leaders", "Help and protection",
        "Children in care", "Care leavers",
    ]  # fmt: skip
