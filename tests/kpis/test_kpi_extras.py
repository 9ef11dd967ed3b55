"""The table rows' fast fill writes what ``format_html`` writes."""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kpis.templatetags.kpi_extras import _row_html


def test_a_row_escapes_each_cell_as_format_html_does():
    template = '<tr data-kpi="{code}"><td>{title}</td><td>{chip}</td><td>{count}</td></tr>'
    cells = {
        "code": 'TEST"1',
        "title": "Children's <care> & leavers",
        "chip": mark_safe('<span class="badge">Red</span>'),  # noqa: S308  (a test's own markup)
        "count": 3,
    }
    written = _row_html(template, **cells)
    assert written == format_html(template, **cells)
    assert "<care>" not in written and '<span class="badge">Red</span>' in written
    assert hasattr(written, "__html__")  # safe: the template prints it as it is
