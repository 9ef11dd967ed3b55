"""Display helpers for templates; each wraps a domain function."""

from django import template
from django.utils.http import urlencode

from kpis import formatting, rating
from kpis.periods import label_period

register = template.Library()

_DIRECTION = {
    rating.IMPROVING: ("▲", "Improving"),
    rating.WORSENING: ("▼", "Worsening"),
    rating.STABLE: ("▶", "Stable"),
}


@register.inclusion_tag("partials/status_chip.html")
def status_chip(status):
    return {"status": status, "label": rating.STATUS_LABELS.get(status, status)}


@register.inclusion_tag("partials/direction.html")
def direction(value):
    arrow, label = _DIRECTION.get(value, ("", "No comparison"))
    return {"direction": value, "arrow": arrow, "label": label}


@register.filter
def with_unit(value, unit):
    return formatting.with_unit(value, unit)


@register.filter
def plain(value):
    return formatting.plain(value)


@register.simple_tag
def band(lower, upper, unit):
    return formatting.band(lower, upper, unit)


@register.filter
def month_label(period):
    return label_period(period) if period else ""


@register.simple_tag(takes_context=True)
def sort_url(context, key):
    """The current query string with ``sort`` toggled for this column."""
    params = context["request"].GET.copy()
    current = params.get("sort", "order")
    params["sort"] = f"-{key}" if current == key else key
    return "?" + urlencode(sorted(params.items()))


@register.simple_tag(takes_context=True)
def sort_state(context, key):
    """aria-sort for a column header."""
    current = context["request"].GET.get("sort", "order")
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.simple_tag
def met_percent(met, rated):
    return rating.met_or_within_percent(met, rated)
