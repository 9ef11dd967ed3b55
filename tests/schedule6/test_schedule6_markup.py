import doctest

from schedule6 import markup, selectors
from schedule6.markup import to_html


def test_the_module_examples_hold():
    assert doctest.testmod(markup).failed == 0
    assert doctest.testmod(selectors).failed == 0


def test_nested_lists_and_escaping():
    html = str(to_html("We are:\n\n- one <script>\n - sub **b**\n- two"))
    assert html == (
        "<p>We are:</p>\n<ul><li>one &lt;script&gt;<ul><li>sub <strong>b</strong></li></ul></li>"
        "<li>two</li></ul>"
    )


def test_a_footnote_mark_is_not_bold():
    html = str(to_html("** If 14 members returned **The trend for Quarter 3 is 18.83.**"))
    assert html == (
        "<p>** If 14 members returned <strong>The trend for Quarter 3 is 18.83.</strong></p>"
    )
