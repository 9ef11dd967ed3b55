"""One cell to one value, by the rules in docs/md; no database."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.imports.cells import EntryProblem, _PercentNumber, parse_entry, parse_value
from kpis.imports.messages import (
    NON_ASCII_DIGITS,
    NOT_A_NUMBER,
    NOT_A_VALUE,
    NOT_FINITE,
    PERCENT_SIGN,
    TOO_LARGE,
    VALUE_REQUIRED,
)
from kpis.models import KPI

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
        (_PercentNumber(0.85), KPI1, "85"),
        (_PercentNumber(0.1893), PI12, "18.93"),
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
        ("12345678901", PI5, TOO_LARGE.format(text="12345678901")),
        (
            _PercentNumber(0.5),
            PI5,
            PERCENT_SIGN.format(text="50%", code="PI5", unit="count"),
        ),
    ],
)
def test_it_refuses_what_is_not_a_value(cell, kpi, message):
    with pytest.raises(ValueError) as raised:
        parse_value(cell, kpi)
    assert str(raised.value) == message


# --- Boundaries: the last value accepted and the first refused ----------------

AVG = KPI(code="KPI14", unit="average", precision=1)


@pytest.mark.parametrize("cell", ["9999999999", "1234567890", "9,999,999,999"])
def test_it_accepts_exactly_ten_integer_digits(cell):
    assert parse_value(cell, PI5) == Decimal(cell.replace(",", ""))


@pytest.mark.parametrize("cell", ["10000000000", "99999999999"])
def test_it_refuses_eleven_integer_digits(cell):
    with pytest.raises(ValueError) as raised:
        parse_value(cell, PI5)
    assert str(raised.value) == TOO_LARGE.format(text=cell)


def test_ten_integer_digits_with_a_decimal_place_are_accepted():
    assert parse_value("9999999999.5", AVG) == Decimal("9999999999.5")


def test_a_numerator_or_denominator_of_ten_digits_is_accepted_and_eleven_refused():
    assert parse_entry(kpi=AVG, value="", numerator="9999999999", denominator="1") == (
        Decimal("9999999999.0"), Decimal("9999999999"), Decimal("1"),
    )  # fmt: skip
    with pytest.raises(EntryProblem) as raised:
        parse_entry(kpi=AVG, value="", numerator="10000000000", denominator="1")
    assert raised.value.field == "numerator"


def test_numerator_equal_to_denominator_is_one_hundred_percent():
    assert parse_entry(kpi=KPI1, value="", numerator="17", denominator="17") == (
        Decimal("100"), Decimal("17"), Decimal("17"),
    )  # fmt: skip
    # and the value typed beside them agrees
    assert parse_entry(kpi=KPI1, value="100", numerator="17", denominator="17")[0] == 100


@pytest.mark.parametrize(
    "kpi, numerator, denominator, expected",
    [
        (KPI1, "1", "8", "13"),  # 12.5 % to whole percent: half rounds up
        (KPI1, "3", "8", "38"),  # 37.5 %
        (KPI1, "1", "3", "33"),  # 33.33… rounds down
        (PI12, "1", "16", "6.25"),  # exact at 2 places: unchanged
        (PI2, "1", "16", "625.0"),  # per 10,000
        (AVG, "5", "4", "1.3"),  # 1.25 to one place: half rounds up
    ],
)
def test_a_value_from_numerator_and_denominator_rounds_a_half_up(
    kpi, numerator, denominator, expected
):
    value, _, _ = parse_entry(kpi=kpi, value="", numerator=numerator, denominator=denominator)
    assert value == Decimal(expected)
    assert str(value) == expected


def test_a_value_typed_with_the_half_rounded_down_disagrees_with_its_parts():
    with pytest.raises(EntryProblem) as raised:
        parse_entry(kpi=KPI1, value="12", numerator="1", denominator="8")
    assert raised.value.field == "value"
    assert "13" in str(raised.value)
