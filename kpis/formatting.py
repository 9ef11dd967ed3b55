"""How numbers read on pages and in exports: as entered, in the KPI's unit."""

from decimal import Decimal

from kpis.units import Unit


def plain(value: Decimal | None) -> str:
    """A stored value as it was entered, without padding zeros or exponent.

    >>> plain(Decimal("85.0000")), plain(Decimal("36.1000")), plain(None)
    ('85', '36.1', '')
    """
    if value is None or value == "":  # "" is what templates give for a missing value
        return ""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in {"-0", "0"} else text


def with_unit(value: Decimal | None, unit: str) -> str:
    """``85%``, ``168 days``, ``69.2 per 10,000``; blank for no value."""
    text = plain(value)
    if not text:
        return ""
    if unit == Unit.PERCENT:
        return f"{text}%"
    if unit == Unit.DAYS:
        return f"{text} days"
    if unit == Unit.RATE_PER_10K:
        return f"{text} per 10,000"
    return text


def band(lower: Decimal | None, upper: Decimal | None, unit: str) -> str:
    """A tolerance band as the contract prints it: ``75–95%``."""
    if lower is None or upper is None:
        return ""
    return f"{plain(lower)}–{with_unit(upper, unit)}"


def and_list(words: list[str]) -> str:
    """``KPI1, KPI2 and KPI3``, as the app's sentences list things.

    >>> and_list(["KPI1"]), and_list(["KPI1", "KPI2", "KPI3"])
    ('KPI1', 'KPI1, KPI2 and KPI3')
    """
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
