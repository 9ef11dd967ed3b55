"""One cell to one number, month or date, by the rules documented in
docs/imports.md; a bad cell raises _CellProblem with the reason. Pure: the
KPI is whatever has ``code``, ``unit``, ``precision`` and ``get_unit_display()``.
"""

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kpis.formatting import plain
from kpis.imports.messages import (
    COUNT_HAS_NO_RATIO,
    EXCEL_ERROR,
    FORMULA_WITHOUT_VALUE,
    MALFORMED_VALID_FROM,
    NEED_BOTH,
    NEGATIVE,
    NON_ASCII_DIGITS,
    NOT_A_NUMBER,
    NOT_A_VALUE,
    NOT_A_VALUE_ON_FORM,
    NOT_FINITE,
    NOT_WHOLE,
    NUMERATOR_ABOVE_DENOMINATOR,
    PERCENT_OUT_OF_RANGE,
    PERCENT_SIGN,
    PERIOD_REQUIRED,
    TOO_LARGE,
    TOO_MANY_DECIMALS,
    VALID_FROM_REQUIRED,
    VALUE_MISMATCH,
    VALUE_REQUIRED,
    ZERO_DENOMINATOR,
)
from kpis.periods import (
    CALENDAR_END,
    PeriodError,
    PeriodOutOfRange,
    check_period,
    format_period,
    latest_ahead,
    month_start,
    parse_period,
)
from kpis.units import Unit

if TYPE_CHECKING:  # the model only names the type: cells read any object shaped like it
    from kpis.models import KPI

# Reading.value and Target fields: max_digits 14, decimal_places 4.
_MAX_INTEGER_DIGITS = 10
_STORED_PLACES = 4

# Text that means "no value" in the trusts' spreadsheets: refused with a hint.
_NO_VALUE_WORDS = {
    "n/a", "na", "n.a.", "n.a", "-", "--", "–", "—", "nil", "none", "null",
    "tbc", "tbd", "..", "x", "*", "?", "not available",
}  # fmt: skip
_NOT_FINITE_WORDS = {"nan", "snan", "inf", "infinity"}
EXCEL_ERRORS = {
    "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#EXTERNAL!", "#PYTHON!",
}  # fmt: skip
# Digits with optional thousands separators in the UK style (1,234.5) and an
# optional sign; no exponent. "1,5" is refused rather than guessed.
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class _ExcelError:
    text: str


@dataclass(frozen=True)
class _NoCachedValue:
    formula: str


@dataclass(frozen=True)
class _PercentNumber:
    """An XLSX number shown as a percentage: 85% is stored as 0.85."""

    number: int | float


class _CellProblem(ValueError):
    def __init__(self, message: str, *, on_form: str | None = None):
        super().__init__(message)
        # How to say it on the return form, where it differs from a file's.
        self.on_form = on_form or message


# A terminal's escape sequences (``\x1b[31m``, red text) and the control
# characters other than a line break: nothing a commentary means.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_commentary(text: str) -> str:
    r"""Commentary as it is kept, whichever way it comes (the return form, a
    file, the admin): line breaks as ``\n``, a tab as a space, escape
    sequences and other control characters dropped, ends stripped.

    >>> clean_commentary("\x1b[31mUp\x1b[0m 3\tpoints\r\nsee note\x00 ")
    'Up 3 points\nsee note'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text)).strip()


def _commentary_cell(cell: Any) -> str:
    return clean_commentary(_cell_text(cell))


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _float_decimal(number: float) -> Decimal:
    """A float as Excel shows it: 15 significant digits, so the 0.1 + 0.2 noise
    of a formula's result (85.30000000000001) reads as 85.3."""
    if not math.isfinite(number):
        raise _CellProblem(NOT_FINITE.format(text=repr(number)))
    return Decimal(format(number, ".15g"))


def _shown(cell: Any) -> str:
    """A cell as the person who typed it sees it, for messages."""
    if isinstance(cell, _ExcelError):
        return cell.text
    if isinstance(cell, _NoCachedValue):
        return cell.formula
    if isinstance(cell, _PercentNumber):
        return f"{plain(_number(cell)[0])}%"
    if isinstance(cell, bool):
        return str(cell).upper()
    if isinstance(cell, float) and math.isfinite(cell):
        return plain(_float_decimal(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    return str(cell).strip()


def _cell_text(cell: Any) -> str:
    """A text column's cell (kpi, commentary): Excel problems are errors."""
    if isinstance(cell, _ExcelError):
        raise _CellProblem(EXCEL_ERROR.format(text=cell.text))
    if isinstance(cell, _NoCachedValue):
        raise _CellProblem(FORMULA_WITHOUT_VALUE.format(formula=cell.formula))
    return "" if cell is None else _shown(cell)


def _number(cell: Any) -> tuple[Decimal, bool]:
    """A cell as a Decimal and whether it was a percentage (``85%``)."""
    if _is_blank(cell):
        raise _CellProblem(VALUE_REQUIRED)
    if isinstance(cell, _ExcelError):
        raise _CellProblem(EXCEL_ERROR.format(text=cell.text))
    if isinstance(cell, _NoCachedValue):
        raise _CellProblem(FORMULA_WITHOUT_VALUE.format(formula=cell.formula))
    if isinstance(cell, _PercentNumber):
        number, _ = _number(cell.number)
        return number * 100, True
    if isinstance(cell, bool) or isinstance(cell, dt.date | dt.time | dt.timedelta):
        raise _CellProblem(NOT_A_NUMBER.format(text=_shown(cell)))
    if isinstance(cell, int):
        return Decimal(cell), False
    if isinstance(cell, float):
        return _float_decimal(cell), False
    text = str(cell).strip()
    # Decimal() reads full-width and other scripts' digits ("８５"), so
    # check for plain ASCII before it ever sees the text.
    if not text.isascii():
        if any(unicodedata.category(ch) in {"Nd", "No"} for ch in text if not ch.isascii()):
            raise _CellProblem(NON_ASCII_DIGITS.format(text=text))
        if text.casefold() in _NO_VALUE_WORDS:
            raise _not_a_value(text)
        raise _CellProblem(NOT_A_NUMBER.format(text=text))
    folded = text.casefold()
    if folded.lstrip("+-") in _NOT_FINITE_WORDS:
        raise _CellProblem(NOT_FINITE.format(text=text))
    if text.upper() in EXCEL_ERRORS:
        raise _CellProblem(EXCEL_ERROR.format(text=text.upper()))
    if folded in _NO_VALUE_WORDS:
        raise _not_a_value(text)
    percent = text.endswith("%")
    body = text[:-1].rstrip() if percent else text
    if not _NUMBER.fullmatch(body) or not any(ch.isdigit() for ch in body):
        raise _CellProblem(NOT_A_NUMBER.format(text=text))
    return Decimal(body.replace(",", "")), percent


def _not_a_value(text: str) -> _CellProblem:
    return _CellProblem(
        NOT_A_VALUE.format(text=text), on_form=NOT_A_VALUE_ON_FORM.format(text=text)
    )


def _places(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def _integer_digits(number: Decimal) -> int:
    return max(1, number.adjusted() + 1) if number else 1


def parse_value(cell: Any, kpi: "KPI") -> Decimal:
    """A value for ``kpi`` from a cell, or ValueError with the reason.

    >>> from kpis.models import KPI
    >>> kpi = KPI(code="KPI1", unit="percent", precision=0)
    >>> parse_value("85", kpi), parse_value(" 85.0 ", kpi), parse_value("85%", kpi)
    (Decimal('85'), Decimal('85.0'), Decimal('85'))
    >>> parse_value("85.5", kpi)
    Traceback (most recent call last):
    ...
    kpis.imports.cells._CellProblem: '85.5' has more decimal places than KPI1 records (0)
    """
    number, percent = _number(cell)
    shown = _shown(cell)
    if percent and kpi.unit != Unit.PERCENT:
        raise _CellProblem(
            PERCENT_SIGN.format(text=shown, code=kpi.code, unit=kpi.get_unit_display())
        )
    return _check_value(number, shown, kpi)


def _check_value(number: Decimal, shown: str, kpi: "KPI") -> Decimal:
    if kpi.unit == Unit.PERCENT and not 0 <= number <= 100:
        raise _CellProblem(PERCENT_OUT_OF_RANGE.format(text=shown))
    if number < 0:
        raise _CellProblem(NEGATIVE.format(text=shown, what=kpi.code))
    if _integer_digits(number) > _MAX_INTEGER_DIGITS:
        raise _CellProblem(TOO_LARGE.format(text=shown))
    if kpi.unit == Unit.COUNT and _places(number):
        raise _CellProblem(NOT_WHOLE.format(text=shown, code=kpi.code))
    if _places(number) > kpi.precision:
        raise _CellProblem(
            TOO_MANY_DECIMALS.format(text=shown, what=kpi.code, precision=kpi.precision)
        )
    return abs(number) if not number else number  # no "-0"


def _parse_part(cell: Any) -> Decimal | None:
    """A numerator or denominator: blank, or a plain non-negative number."""
    if _is_blank(cell):
        return None
    number, percent = _number(cell)
    shown = _shown(cell)
    if percent:
        raise _CellProblem(NOT_A_NUMBER.format(text=shown))
    if number < 0:
        raise _CellProblem(NEGATIVE.format(text=shown, what="a numerator or denominator"))
    if _integer_digits(number) > _MAX_INTEGER_DIGITS:
        raise _CellProblem(TOO_LARGE.format(text=shown))
    if _places(number) > _STORED_PLACES:
        raise _CellProblem(
            TOO_MANY_DECIMALS.format(
                text=shown, what="a numerator or denominator", precision=_STORED_PLACES
            )
        )
    return number


# The value a numerator and denominator give, by unit.
_RATIO_SCALE = {Unit.PERCENT: 100, Unit.RATE_PER_10K: 10_000, Unit.AVERAGE: 1, Unit.DAYS: 1}


def _value_from_parts(
    value: Decimal | None, numerator: Decimal, denominator: Decimal, kpi: "KPI"
) -> Decimal:
    if kpi.unit == Unit.COUNT:
        raise _CellProblem(COUNT_HAS_NO_RATIO.format(code=kpi.code))
    if not denominator:
        raise _CellProblem(ZERO_DENOMINATOR)
    if kpi.unit in {Unit.PERCENT, Unit.RATE_PER_10K} and numerator > denominator:
        raise _CellProblem(
            NUMERATOR_ABOVE_DENOMINATOR.format(
                numerator=plain(numerator), denominator=plain(denominator)
            )
        )
    computed = (numerator / denominator * _RATIO_SCALE[kpi.unit]).quantize(
        Decimal(1).scaleb(-kpi.precision), rounding=ROUND_HALF_UP
    )
    if value is None:
        return _check_value(computed, plain(computed), kpi)
    if value != computed:
        raise _CellProblem(
            VALUE_MISMATCH.format(
                value=plain(value),
                numerator=plain(numerator),
                denominator=plain(denominator),
                computed=plain(computed),
            )
        )
    return value


class EntryProblem(ValueError):
    """A typed entry refused; ``field`` is value, numerator or denominator."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def parse_entry(
    *, kpi: "KPI", value: Any, numerator: Any = None, denominator: Any = None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """A value typed on the return form, with an optional numerator and
    denominator, read by the same rules as a file row.

    Returns (value, numerator, denominator); the value is derived from the
    other two when they are given. A blank value with no fraction is None.
    """
    readers = {
        "value": lambda cell: None if _is_blank(cell) else parse_value(cell, kpi),
        "numerator": _parse_part,
        "denominator": _parse_part,
    }
    parsed = {}
    for name, cell in (("value", value), ("numerator", numerator), ("denominator", denominator)):
        try:
            parsed[name] = readers[name](cell)
        except _CellProblem as problem:
            raise EntryProblem(name, problem.on_form) from None
    if (parsed["numerator"] is None) != (parsed["denominator"] is None):
        missing = "numerator" if parsed["numerator"] is None else "denominator"
        raise EntryProblem(missing, NEED_BOTH)
    if parsed["numerator"] is not None:
        try:
            parsed["value"] = _value_from_parts(
                parsed["value"], parsed["numerator"], parsed["denominator"], kpi
            )
        except _CellProblem as problem:
            raise EntryProblem("value", problem.on_form) from None
    return parsed["value"], parsed["numerator"], parsed["denominator"]


class _PeriodOutOfRange(_CellProblem):
    """A real month before ``periods.EARLIEST_PERIOD``."""


def _period_cell(cell: Any) -> dt.date:
    """A month from a cell: ``2018-10``, ``Oct-18``, ``Jan 2018`` or a date cell,
    from 2000-01 on. Months to come are the import's to refuse, with its own
    message (``FUTURE_PERIOD``), as it knows what "now" is."""
    try:
        if isinstance(cell, dt.date):  # datetime too: an Excel date is that month
            day = cell.date() if isinstance(cell, dt.datetime) else cell
            return check_period(month_start(day), latest=CALENDAR_END)
        text = _cell_text(cell)
        if not text:
            raise _CellProblem(PERIOD_REQUIRED)
        return parse_period(text, latest=CALENDAR_END)
    except PeriodOutOfRange as error:
        raise _PeriodOutOfRange(str(error)) from None
    except PeriodError as error:
        raise _CellProblem(str(error)) from None


def _date_cell(cell: Any) -> dt.date:
    """``valid_from``: YYYY-MM-DD text or an Excel date cell, nothing else, in
    a valid month up to ``periods.YEARS_AHEAD`` ahead (targets are set ahead)."""
    day = _any_date_cell(cell)
    try:
        check_period(month_start(day), latest=latest_ahead())
    except PeriodOutOfRange as error:
        raise _CellProblem(str(error)) from None
    return day


def _any_date_cell(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date()
    if isinstance(cell, dt.date) and not isinstance(cell, dt.datetime):
        return cell
    text = _cell_text(cell)
    if not text:
        raise _CellProblem(VALID_FROM_REQUIRED)
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _CellProblem(MALFORMED_VALID_FROM.format(text=text))


def _heading_label(cell: Any) -> str:
    if isinstance(cell, dt.date):
        return format_period(month_start(cell))
    return _shown(cell)


def _heading(cell: Any) -> str:
    return "" if _is_blank(cell) else _heading_label(cell).strip().casefold()
