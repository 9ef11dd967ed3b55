"""national/ees.py: reading an EES open-data CSV, without a database."""

from decimal import Decimal

import pytest

from national import ees
from national.ees import StatisticsFileError, parse_statistics, period_year

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,rate"
)
NATIONAL = "2025,Reporting year,National,E92000001,England,,,,,,14.2"
REGIONAL = "2025,Reporting year,Regional,E92000001,England,E12000005,West Midlands,,,,14"
BIRMINGHAM = (
    "2025,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,330,"
    "E08000025,Birmingham,17.1"
)


def _csv(*lines, header=HEADER):
    return ("\n".join([header, *lines]) + "\n").encode()


def _parse(data, indicator="rate", where=None):
    return parse_statistics(data, indicator=indicator, where=where or {})


def test_it_reads_national_regional_and_local_authority_rows():
    parsed = _parse(_csv(NATIONAL, REGIONAL, BIRMINGHAM))
    assert parsed.errors == []
    assert [(r.geographic_level, r.area_code, r.area_name, r.value) for r in parsed.rows] == [
        ("national", "E92000001", "England", Decimal("14.2")),
        ("regional", "E12000005", "West Midlands", Decimal("14")),
        ("local_authority", "E08000025", "Birmingham", Decimal("17.1")),
    ]
    la = parsed.rows[2]
    assert (la.old_la_code, la.region_code, la.time_period, la.year) == (
        "330",
        "E12000005",
        "2025",
        2025,
    )
    assert parsed.time_identifier == "Reporting year"


def test_it_matches_columns_by_name_in_any_order_with_a_bom():
    columns = HEADER.split(",")
    order = list(reversed(range(len(columns))))
    header = ",".join(columns[i] for i in order)
    row = BIRMINGHAM.split(",")
    data = "\ufeff".encode() + _csv(",".join(row[i] for i in order), header=header)
    parsed = _parse(data)
    assert parsed.errors == []
    assert [(r.area_name, r.old_la_code, r.value) for r in parsed.rows] == [
        ("Birmingham", "330", Decimal("17.1"))
    ]


def test_it_reads_quoted_empty_fields_as_in_the_d3_file():
    quoted = '2025,Reporting year,National,E92000001,England,"","",,"","",24.5'
    parsed = _parse(_csv(quoted))
    assert parsed.errors == []
    assert parsed.rows[0].value == Decimal("24.5")
    assert parsed.rows[0].region_code == ""


@pytest.mark.parametrize("code", ["c", "x", "z", "u", "low"])
def test_it_keeps_a_suppression_code_as_what_it_means_never_zero(code):
    parsed = _parse(_csv(BIRMINGHAM.replace(",17.1", f",{code}")))
    assert parsed.errors == []
    assert (parsed.rows[0].value, parsed.rows[0].suppression) == (None, code)


def test_a_real_zero_stays_zero_and_is_not_suppressed():
    parsed = _parse(_csv(BIRMINGHAM.replace(",17.1", ",0")))
    assert (parsed.rows[0].value, parsed.rows[0].suppression) == (Decimal("0"), "")


def test_it_keeps_only_the_rows_of_the_where_filter():
    header = HEADER.replace(",rate", ",category,rate")
    rows = [
        BIRMINGHAM.replace(",17.1", ",Referrals,22.6"),
        BIRMINGHAM.replace(",17.1", ",Assessments,99"),
    ]
    parsed = _parse(_csv(*rows, header=header), where={"category": "Referrals"})
    assert [r.value for r in parsed.rows] == [Decimal("22.6")]
    assert parsed.skipped == 1


def test_it_skips_other_geographic_levels():
    lad = BIRMINGHAM.replace("Local authority", "Local authority district")
    parsed = _parse(_csv(NATIONAL, lad))
    assert [r.geographic_level for r in parsed.rows] == ["national"]
    assert parsed.skipped == 1


def test_it_names_every_bad_row_with_its_spreadsheet_row_number():
    parsed = _parse(
        _csv(
            NATIONAL,
            BIRMINGHAM.replace(",17.1", ",12,3"),  # an extra column: 12 is read, 3 ignored
            BIRMINGHAM.replace("2025,", "2024,", 1).replace(",17.1", ",n/a"),
            NATIONAL.replace("National", "Nationl"),
            BIRMINGHAM.replace("2025,", "2025Q1,", 1),
            BIRMINGHAM.replace(",17.1", ","),
        )
    )
    assert [str(e) for e in parsed.errors] == [
        "row 4: rate 'n/a' is not a number or a suppression code (c, x, z, u, low)",
        "row 5: " + ees.UNKNOWN_LEVEL.format(text="Nationl"),
        "row 6: time_period '2025Q1' is not a year (2025) or a span of years (201819)",
        "row 7: " + ees.BLANK_VALUE.format(column="rate"),
        "row 7: Birmingham (Local authority) for 2025 is also in row 3",
    ]


def test_it_refuses_a_duplicate_area_and_period():
    parsed = _parse(_csv(NATIONAL, BIRMINGHAM, BIRMINGHAM.replace(",17.1", ",18")))
    assert [str(e) for e in parsed.errors] == [
        "row 4: Birmingham (Local authority) for 2025 is also in row 3"
    ]


def test_it_refuses_a_bad_old_la_code():
    parsed = _parse(_csv(BIRMINGHAM.replace(",330,", ",33,")))
    assert [str(e) for e in parsed.errors] == ["row 2: " + ees.BAD_OLD_LA_CODE.format(text="33")]


def test_it_reads_a_shared_services_joined_codes():
    shared = (
        "2025,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,"
        '940 / 941,E06000061 / E06000062,"North Northamptonshire / West Northamptonshire",10.4'
    )
    parsed = _parse(_csv(shared))
    assert parsed.errors == []
    assert (parsed.rows[0].old_la_code, parsed.rows[0].area_code) == (
        "940 / 941",
        "E06000061 / E06000062",
    )


def test_it_refuses_a_second_time_identifier():
    other = NATIONAL.replace("2025,Reporting year", "2024,Financial year")
    parsed = _parse(_csv(NATIONAL, other))
    assert [str(e) for e in parsed.errors] == [
        "row 3: "
        + ees.OTHER_TIME_IDENTIFIER.format(text="Financial year", first=2, other="Reporting year")
    ]


_KNOWN = HEADER.replace(",", ", ")


@pytest.mark.parametrize(
    ("data", "kwargs", "message"),
    [
        (b"", {}, ees.EMPTY_FILE),
        (b"\xff\xfe\x00t", {}, ees.BAD_ENCODING),
        (HEADER.encode() + b"\n", {}, ees.NO_ROWS),
        (
            _csv(NATIONAL, header=HEADER.replace("geographic_level", "level")),
            {},
            ees.MISSING_COLUMN.format(column="geographic_level"),
        ),
        (
            _csv(NATIONAL),
            {"indicator": "vacancy_rate_fte"},
            ees.MISSING_INDICATOR.format(column="vacancy_rate_fte", known=_KNOWN),
        ),
        (
            _csv(NATIONAL),
            {"where": {"category": "Referrals"}},
            ees.MISSING_FILTER.format(column="category", known=_KNOWN),
        ),
    ],
)
def test_it_refuses_a_file_it_cannot_read_and_says_why(data, kwargs, message):
    with pytest.raises(StatisticsFileError) as caught:
        parse_statistics(
            data, indicator=kwargs.get("indicator", "rate"), where=kwargs.get("where", {})
        )
    assert str(caught.value) == message


def test_it_names_the_missing_column_that_a_level_needs():
    header = HEADER.replace(",la_name", ",name")
    with pytest.raises(StatisticsFileError) as caught:
        _parse(_csv(NATIONAL, BIRMINGHAM, header=header))
    assert str(caught.value) == ees.MISSING_LEVEL_COLUMN.format(
        column="la_name", level="Local authority", row=3
    )


def test_it_refuses_when_no_row_passes_the_filter():
    header = HEADER.replace(",rate", ",category,rate")
    with pytest.raises(StatisticsFileError) as caught:
        _parse(
            _csv(BIRMINGHAM.replace(",17.1", ",Referrals,22.6"), header=header),
            where={"category": "Re-referrals"},
        )
    assert str(caught.value) == ees.NO_MATCHING_ROWS.format(wanted="category='Re-referrals'")


@pytest.mark.parametrize(
    ("period", "year"), [("2025", 2025), ("201819", 2019), ("199900", 2000), ("201820", None)]
)
def test_it_orders_a_period_by_the_year_it_ends_in(period, year):
    assert period_year(period) == year
