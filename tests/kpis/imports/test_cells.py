"""One cell to one value, by the rules in docs/md; no database."""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.imports.cells import _PercentNumber, parse_value
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
