from django import template
from django.utils.html import format_html

from inspections.models import BRAG, BRAG_SHORT, Grade

register = template.Library()


@register.simple_tag
def brag_chip(status):
    """The BRAG status in words on its colour."""
    return format_html(
        '<span class="chip brag-{}" title="{}">{}</span>',
        status,
        BRAG(status).label,
        BRAG_SHORT.get(status, status),
    )


@register.simple_tag
def grade_chip(grade):
    return format_html('<span class="chip grade-{}">{}</span>', grade, Grade(grade).label)
