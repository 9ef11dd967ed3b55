"""Display helpers for templates; each wraps a domain function."""

import json
from html import escape as html_escape

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from kpis import formatting, rating, spc
from kpis.models import Polarity
from kpis.periods import label_period

register = template.Library()

_DIRECTION = {
    rating.IMPROVING: ("▲", "Improving"),
    rating.WORSENING: ("▼", "Worsening"),
    rating.STABLE: ("▶", "Stable"),
}


# The chip and the arrow are built with format_html rather than inclusion
# templates: they render hundreds of times on a dashboard, and a template
# per cell was a third of the page's time.
@register.simple_tag
def status_chip(status):
    """The status in words on its colour: never colour alone."""
    return format_html(
        '<span class="chip chip-{}">{}</span>', status, rating.STATUS_LABELS.get(status, status)
    )


# How a month's figures stand (MonthlyReturn.publication), in words: members
# read a month once submitted ("provisional") or accepted ("final"); drafts
# only the trust's staff and the commissioners.
_PUBLICATION_NOTES = {
    "provisional": "Provisional: submitted by the trust, not yet accepted by the commissioners;"
    " the figures may change.",
    "draft": "Not submitted, so scrutiny members do not see these figures yet.",
}
_UNPUBLISHED_NOTE = "Not submitted yet: no figures are published for this month."


def publication_text(monthly_return, drafts) -> str:
    """The sentence beside a month's return state, as plain text (none for a
    final month, or a month nobody has started): the page's note and the
    Word document's."""
    publication = getattr(monthly_return, "publication", None)
    if publication == "draft" and monthly_return.pk is None:
        return ""
    if publication == "draft" and not drafts:
        return _UNPUBLISHED_NOTE
    return _PUBLICATION_NOTES.get(publication, "")


@register.simple_tag
def publication_note(monthly_return, drafts):
    """``publication_text`` in its span."""
    text = publication_text(monthly_return, drafts)
    return format_html('<span class="small publication-note">{}</span>', text) if text else ""


@register.simple_tag
def publication_mark(publications, period):
    """ "provisional" or "draft" beside a month in a table (nothing once final)."""
    publication = publications.get(period)
    if publication in _PUBLICATION_NOTES:
        return format_html(
            ' <span class="chip chip-other publication-mark">{}</span>', publication.capitalize()
        )
    return ""


@register.simple_tag
def polarity_words(polarity):
    """Which way is better, in words beside a status ("Lower is better"), so
    "16% against a target of 25%: Green" reads true. The words are
    ``Polarity``'s labels: typed once, in kpis/models.py."""
    if polarity not in Polarity.values:
        return ""
    return format_html('<span class="polarity">{}</span>', Polarity(polarity).label)


@register.simple_tag
def status_with_polarity(status, polarity):
    """The status chip with which way is better beneath it, as one block."""
    return format_html(
        '<span class="status-with-polarity">{} {}</span>',
        status_chip(status),
        polarity_words(polarity),
    )


@register.simple_tag
def direction(value):
    if value not in _DIRECTION:
        return format_html(
            '<span class="text-muted small">—<span class="visually-hidden">{}</span></span>',
            "No comparison",
        )
    arrow, label = _DIRECTION[value]
    return format_html(
        '<span class="direction direction-{}"><span aria-hidden="true">{}</span> {}</span>',
        value,
        arrow,
        label,
    )


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
def status_label(status):
    """The status in words (``rating.STATUS_LABELS``), for running text."""
    return rating.STATUS_LABELS.get(status, status)


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
def select_options(field):
    """A select's options with the field's value selected (compared as text,
    as the query string gives it): one tag for the month picker's hundred
    and more months, not three a month."""
    current = str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (v, " selected" if str(v) == current else "", label)
            for v, label in field.field.widget.choices
        ),
    )


@register.simple_tag
def met_percent(met, rated):
    return rating.met_or_within_percent(met, rated)


_VARIATION_SHORT = {
    spc.COMMON_CAUSE: ("~", "Common cause"),
    spc.IMPROVING: ("↑", "Improving (special cause)"),
    spc.CONCERNING: ("↓", "Concerning (special cause)"),
    spc.NEITHER: ("!", "Special cause"),
}
_ASSURANCE_SHORT = {
    spc.CONSISTENTLY_PASS: "Consistently passes",
    spc.HIT_AND_MISS: "Hit and miss",
    spc.CONSISTENTLY_FAIL: "Consistently fails",
}


@register.simple_tag
def spc_icons(variation, assurance):
    """The Making Data Count variation and assurance icons, each with words."""
    if variation is None:
        # The reason in words for screen readers, not only in a hover title.
        return format_html(
            '<span class="text-muted small" title="{0}"><span aria-hidden="true">—</span>'
            '<span class="visually-hidden">{0}</span></span>',
            "Fewer than 15 readings: no process limits yet",
        )
    symbol, label = _VARIATION_SHORT[variation]
    html = format_html(
        '<span class="spc spc-{}" title="{}"><span aria-hidden="true">{}</span> {}</span>',
        variation, spc.VARIATION_LABELS[variation], symbol, label,
    )  # fmt: skip
    if assurance:
        html += format_html(
            '<br><span class="spc spc-{}" title="{}">{}</span>',
            assurance, spc.ASSURANCE_LABELS[assurance], _ASSURANCE_SHORT[assurance],
        )  # fmt: skip
    return html


_SIGNAL_WORDS = {
    spc.IMPROVEMENT: "Special cause: improvement",
    spc.CONCERN: "Special cause: concern",
    spc.SIGNAL_NEITHER: "Special cause",
}


@register.simple_tag
def spc_signal(signals, period):
    """The SPC chart's flag on one month, in words: the chart's text
    alternative in the readings table. Months without a reading print nothing."""
    if period not in signals:
        return ""
    return _SIGNAL_WORDS.get(signals[period], "Common cause")


# A month of the KPI page's readings table. One tag a row, from the cells'
# own helpers: the page has a row per month (120 for ten years), and eight
# tags and filters a row were a third of its template's time.
_READING_ROW = (
    '<tr class="status-{status}">\n'
    '      <th scope="row">{month}{mark}</th>\n'
    '      <td class="text-end" data-label="Value">{value}</td>\n'
    '      <td class="text-end" data-label="Target">{target}</td>\n'
    '      <td class="text-end" data-label="Tolerance">{band}</td>\n'
    '      <td data-label="Status ({polarity})">{chip}</td>\n'
    '      <td data-label="vs last month">{direction}</td>\n'
    '      <td data-label="Met or within, last 12">{met}</td>{signal}\n'
    "    </tr>"
)


@register.simple_tag
def reading_row(row, kpi, signals, publications):
    """One row of the readings table (``selectors.trend_rows``): the month,
    its value, target, tolerance, status, direction, 12-month count and, in
    the SPC view, the chart's signal."""
    if row.target_not_agreed:
        target = "Not yet agreed"
    else:
        target = with_unit(row.target, kpi.unit) or "—"
    signal = ""
    if signals:
        signal = format_html(
            '\n      <td data-label="SPC signal">{}</td>', spc_signal(signals, row.period)
        )
    return _row_html(
        _READING_ROW,
        status=row.status,
        month=month_label(row.period),
        mark=publication_mark(publications, row.period),
        value=with_unit(row.value, kpi.unit) or "—",
        target=target,
        band=band(row.lower, row.upper, kpi.unit),
        polarity=kpi.get_polarity_display(),
        chip=status_chip(row.status),
        direction=direction(row.direction),
        met=met_percent(row.met_12m, row.rated_12m),
        signal=signal,
    )


def _row_html(template: str, **cells) -> str:
    """``format_html(template, **cells)`` for a table row of a hundred on a
    page: each cell escaped unless already safe, with the standard library's
    ``html.escape`` (what Django's ``escape`` calls, without its lazy-string
    wrapper: a third of a KPI page's 120 rows' time)."""
    escaped = {
        name: cell.__html__() if hasattr(cell, "__html__") else html_escape(str(cell))
        for name, cell in cells.items()
    }
    return mark_safe(template.format(**escaped))  # noqa: S308  # nosec B308 B703 - every cell escaped above


# A KPI's row of the dashboard's status table, likewise: 13 cells of tags and
# filters a row were most of the page's 520 tag renders.
_STATUS_ROW = (
    '<tr class="status-{status}" data-kpi="{code}">\n'
    '      <th scope="row"><a href="{url}">{code}</a></th>\n'
    '      <td class="kpi-title" data-label="Indicator">{title}</td>\n'
    '      <td class="small" data-label="Service area">{area}</td>\n'
    '      <td class="text-end text-nowrap" data-label="Value">{value}{comparison}</td>\n'
    '      <td class="text-end text-nowrap" data-label="Target">{target}</td>\n'
    '      <td class="text-end text-nowrap" data-label="Tolerance">{band}</td>\n'
    '      <td data-label="Status">{status_block}</td>\n'
    '      <td class="text-nowrap" data-label="vs last month">{direction}</td>\n'
    '      <td class="text-nowrap" data-label="vs previous 3 months">{direction_3m}</td>\n'
    '      <td class="text-nowrap" data-label="Met or within, last 12">{met}</td>\n'
    '      <td class="text-end" data-label="Months off target">{off}</td>\n'
    '      <td class="small" data-label="Variation / assurance">{spc}</td>\n'
    '      <td class="small vs-national" data-label="vs national">{national}</td>\n'
    "    </tr>"
)


@register.simple_tag
def status_row(row, organisation, national):
    """One KPI's row of the dashboard (``selectors.status_table``), with its
    national comparison from ``national`` (``national_comparisons``)."""
    from national.templatetags.national_extras import vs_national, vs_national_verdict

    kpi, unit = row.kpi, row.kpi.unit
    comparison = ""
    if row.comparison:
        comparison = format_html(
            '<div class="small comparison comparison-{}">{}</div>',
            row.comparison.verdict,
            row.comparison_sentence,
        )
    if row.target_not_agreed:
        target = "Target not yet agreed"
    else:
        target = with_unit(row.target, unit) or "—"
    verdict = vs_national_verdict(national, kpi)
    return _row_html(
        _STATUS_ROW,
        status=row.status,
        code=kpi.code,
        url=reverse("kpi_detail", args=[organisation.slug, kpi.code]),
        title=kpi.title,
        area=kpi.service_area,
        value=with_unit(row.value, unit) or "—",
        comparison=comparison,
        target=target,
        band=band(row.lower, row.upper, unit),
        status_block=status_with_polarity(row.status, kpi.polarity),
        direction=direction(row.direction),
        direction_3m=direction(row.direction_3m),
        met=met_percent(row.met_12m, row.rated_12m),
        off=row.months_off_target if row.rated_12m else "",
        spc=spc_icons(row.variation, row.assurance),
        national=format_html(
            '<span class="comparison-{}">{}</span>', verdict, vs_national(national, kpi)
        )
        if verdict
        else "",
    )


# Django's ``json_script`` escapes with ``str.translate``, a Python call per
# character: 3.6 ms for a KPI page's 50 kB chart. The same three escapes
# (none of them makes another's character) by ``str.replace``, in C.
_JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter(is_safe=True)
def chart_script(figure, element_id):
    """``figure|json_script:element_id``, byte for byte, made faster."""
    text = json.dumps(figure, cls=DjangoJSONEncoder)
    for character, escaped in _JSON_SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    # Safe: JSON with <, > and & escaped, as json_script marks it.
    safe = mark_safe(text)  # noqa: S308  # nosec B308 B703
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, safe)
