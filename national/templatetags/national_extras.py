"""How national figures read on pages: in the measure's unit, suppression in words."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.http import urlencode

from kpis.formatting import with_unit
from national.models import Suppression

register = template.Library()

QUARTILE_LABELS = {
    "A": "A (best quarter)",
    "B": "B (second quarter)",
    "C": "C (third quarter)",
    "D": "D (worst quarter)",
}
SUPPRESSION_SHORT = dict(Suppression.choices)


@register.filter
def measure_value(value, unit=""):
    """``17.1%``; a blank stays blank."""
    return with_unit(value, unit) if value is not None else ""


@register.filter
def sn_average(value, unit=""):
    """The SN mean to one decimal place, as LAIT shows it (``13.3%``)."""
    if value is None:
        return ""
    return with_unit(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), unit)


@register.filter
def suppression_words(code):
    """``c`` → ``Suppressed to protect confidentiality``."""
    return SUPPRESSION_SHORT.get(code, "")


@register.filter
def quartile_label(band):
    return QUARTILE_LABELS.get(band, "")


@register.simple_tag
def vs_national(comparisons, kpi):
    """The dashboard's "vs national" sentence for a KPI, or blank."""
    comparison = comparisons.get(kpi.pk) if comparisons else None
    return comparison.sentence() if comparison else ""


@register.simple_tag
def vs_national_verdict(comparisons, kpi):
    comparison = comparisons.get(kpi.pk) if comparisons else None
    return comparison.verdict if comparison else ""


@register.simple_tag(takes_context=True)
def measure_sort_url(context, key):
    """The query string with ``sort`` toggled for this column (default: by area)."""
    params = context["request"].GET.copy()
    current = params.get("sort") or "area"
    params["sort"] = f"-{key}" if current == key else key
    return "?" + urlencode(sorted(params.items()))


@register.simple_tag
def measure_sort_state(sort, key):
    """aria-sort for a column of the measure page, whose default order is by area."""
    if sort == key:
        return "ascending"
    if sort == f"-{key}":
        return "descending"
    return "none"
