from django import template

from schedule6.markup import plain, to_html

register = template.Library()


@register.filter
def trust_text(text):
    """The Trust's stored text (simple markup) as escaped HTML."""
    return to_html(text)


@register.filter
def trust_plain(text):
    """The Trust's stored text without markup, for a quotation in a sentence."""
    return plain(text)
