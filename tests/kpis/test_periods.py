"""Reporting months: parsing, arithmetic, due dates and contract years. No database."""

import datetime as dt

import pytest

from kpis import periods
from kpis.periods import (
    MALFORMED_PERIOD,
    PeriodError,
    add_months,
    contract_year,
    due_date,
    months_between,
    parse_period,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2018-10", dt.date(2018, 10, 1), id="iso"),
        pytest.param("Oct-18", dt.date(2018, 10, 1), id="appendix-abbreviation"),
        pytest.param("oct-2018", dt.date(2018, 10, 1), id="lower-case-four-digit-year"),
        pytest.param("Jan 18", dt.date(2018, 1, 1), id="space-separated"),
        pytest.param("DEC-18", dt.date(2018, 12, 1), id="upper-case"),
        pytest.param(" 2019-03 ", dt.date(2019, 3, 1), id="surrounding-spaces"),
    ],
)
def test_it_reads_the_spellings_the_trusts_use(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2018-13", id="month-13"),
        pytest.param("2018-00", id="month-0"),
        pytest.param("2018-1", id="single-digit-month"),
        pytest.param("18-10", id="two-digit-year"),
        pytest.param("October", id="month-name-without-year"),
        pytest.param("", id="empty"),
    ],
)
def test_it_rejects_a_malformed_month_naming_the_text(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)

    assert str(caught.value) == MALFORMED_PERIOD.format(text=text)
    assert repr(text) in str(caught.value)


def test_it_raises_a_value_error_so_callers_can_catch_it_generically():
    with pytest.raises(ValueError, match="'2018-13' is not a month"):
        parse_period("2018-13")


@pytest.mark.parametrize(
    ("period", "months", "expected"),
    [
        pytest.param(dt.date(2018, 10, 1), 0, dt.date(2018, 10, 1), id="zero"),
        pytest.param(dt.date(2018, 12, 1), 1, dt.date(2019, 1, 1), id="into-new-year"),
        pytest.param(dt.date(2018, 11, 1), 3, dt.date(2019, 2, 1), id="across-year-end"),
        pytest.param(dt.date(2019, 1, 1), -1, dt.date(2018, 12, 1), id="back-over-year-end"),
        pytest.param(dt.date(2019, 3, 1), -15, dt.date(2017, 12, 1), id="back-over-two"),
        pytest.param(dt.date(2018, 4, 1), 24, dt.date(2020, 4, 1), id="whole-years"),
        pytest.param(dt.date(2018, 4, 1), -12, dt.date(2017, 4, 1), id="back-a-year"),
    ],
)
def test_it_adds_months_across_year_ends(period, months, expected):
    assert add_months(period, months) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param(dt.date(2018, 10, 1), dt.date(2018, 11, 17), id="oct-31-days"),
        pytest.param(dt.date(2018, 11, 1), dt.date(2018, 12, 17), id="nov-30-days"),
        pytest.param(dt.date(2018, 12, 1), dt.date(2019, 1, 17), id="dec-into-new-year"),
        pytest.param(dt.date(2019, 2, 1), dt.date(2019, 3, 17), id="feb-28-days"),
        pytest.param(dt.date(2020, 2, 1), dt.date(2020, 3, 17), id="feb-leap-year"),
    ],
)
def test_it_makes_a_return_due_17_days_after_month_end(period, expected):
    assert due_date(period) == expected


def test_it_lists_every_month_between_two_months_inclusive():
    assert months_between(dt.date(2018, 11, 1), dt.date(2019, 2, 1)) == [
        dt.date(2018, 11, 1),
        dt.date(2018, 12, 1),
        dt.date(2019, 1, 1),
        dt.date(2019, 2, 1),
    ]


def test_it_lists_a_single_month_when_first_and_last_are_the_same():
    assert months_between(dt.date(2018, 10, 1), dt.date(2018, 10, 1)) == [dt.date(2018, 10, 1)]


def test_it_lists_twelve_months_for_a_contract_year():
    months = months_between(dt.date(2018, 4, 1), dt.date(2019, 3, 1))

    assert len(months) == 12
    assert months[0] == dt.date(2018, 4, 1)
    assert months[-1] == dt.date(2019, 3, 1)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        pytest.param(dt.date(2019, 3, 1), 2018, id="march-closes-2018-19"),
        pytest.param(dt.date(2019, 4, 1), 2019, id="april-opens-2019-20"),
        pytest.param(dt.date(2019, 1, 1), 2018, id="january"),
        pytest.param(dt.date(2018, 12, 1), 2018, id="december"),
        pytest.param(dt.date(2018, 4, 1), 2018, id="april-2018"),
    ],
)
def test_it_places_a_month_in_its_april_to_march_contract_year(period, expected):
    assert contract_year(period) == expected


@pytest.mark.parametrize(
    "day", [dt.date(2018, 10, 1), dt.date(2018, 10, 2), dt.date(2018, 10, 31)], ids=str
)
def test_a_day_of_a_month_starts_on_its_first(day):
    assert periods.month_start(day) == dt.date(2018, 10, 1)
    assert periods.this_month(day) == dt.date(2018, 10, 1)


def test_a_plan_may_look_exactly_ten_years_ahead_of_the_day_given():
    assert periods.latest_ahead(dt.date(2018, 10, 31)) == dt.date(2028, 10, 1)
