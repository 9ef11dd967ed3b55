"""What axe cannot check for low vision: the contrast of what is not text
(form-control edges, chart marks), text resized to 200 % and text spacing."""

import pytest

from tests.browser.test_accessibility import (
    _go,
    _submitted_october,
    _with_ilacs,
    log_in_by_cookie,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# WCAG's contrast ratio, and the colour behind an element: the first
# ancestor with a background that is not transparent (white at the root).
CONTRAST_JS = """() => {
window.tmRgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
window.tmLuminance = ([r, g, b]) => {
  const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
window.tmContrast = (a, b) => {
  const [x, y] = [tmLuminance(a), tmLuminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
window.tmBackdrop = (el) => {
  for (let node = el.parentElement; node; node = node.parentElement) {
    const rgba = tmRgb(getComputedStyle(node).backgroundColor);
    if (rgba.length === 3 || (rgba.length === 4 && rgba[3] > 0)) { return rgba.slice(0, 3); }
  }
  return [255, 255, 255];
};
}"""

# Every visible text box, select and checkbox: its border's contrast with
# what surrounds it (WCAG 1.4.11 Non-text Contrast, 3:1).
CONTROL_EDGES = """() => [...document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea")]
  .filter(el => el.getBoundingClientRect().width > 0)
  .map(el => {
    const style = getComputedStyle(el);
    return {
      control: el.outerHTML.slice(0, 100),
      width: parseFloat(style.borderTopWidth),
      ratio: tmContrast(tmRgb(style.borderTopColor), tmBackdrop(el)),
    };
  })"""


FORMS = [
    ("login", None, _go("/accounts/login/")),
    ("dashboard-filters", "member", _go("/o/birmingham/")),
    ("return-form", "officer", _go("/o/birmingham/returns/2018-11/")),
    ("return-submitted-review", "commissioner", _submitted_october),
    ("returns-list", "officer", _go("/o/birmingham/returns/")),
    ("targets", "commissioner", _go("/o/birmingham/targets/2018/")),
    ("action-tracker", "commissioner", _go("/o/birmingham/actions/")),
    ("inspection-form", "commissioner", _go("/o/birmingham/inspections/new/")),
    ("upload", "officer", _go("/o/birmingham/upload/")),
]


@pytest.mark.parametrize(("state", "role", "visit"), FORMS, ids=[s[0] for s in FORMS])
def test_form_controls_have_edges_of_3_to_1(page, live_server, cast, state, role, visit):
    if role:
        log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    page.evaluate(CONTRAST_JS)
    controls = page.evaluate(CONTROL_EDGES)
    assert controls, f"{state}: no form control found"
    faint = [c for c in controls if c["width"] < 1 or c["ratio"] < 3]
    assert not faint, (
        f"{state}: {len(faint)} of {len(controls)} controls under 3:1, e.g. {faint[:3]}"
    )


@pytest.mark.parametrize("view", ["", "?view=spc"])
def test_a_click_on_the_charts_legend_hides_nothing(page, live_server, cast, view):
    """The legend is a key: Plotly's click-to-hide is a mouse-only control
    (WCAG 2.1.1), so a click there changes nothing."""
    log_in_by_cookie(page, live_server, "member")
    page.goto(f"{live_server.url}/o/sandwell/kpi/PI9/{view}")
    page.locator("#trend-chart .legend .traces").first.wait_for()
    for item in page.locator("#trend-chart .legend .traces .legendtoggle").all():
        item.click(force=True)
    page.wait_for_timeout(300)
    hidden = page.evaluate(
        "document.getElementById('trend-chart').data"
        ".filter(t => t.visible === 'legendonly').map(t => t.name)"
    )
    assert hidden == []


# WCAG 1.4.4 Resize Text: text alone at 200 % (as a browser's font-size
# setting does: every rem doubles), and nothing is cut off. A control is cut
# off when it runs past the window or past the box it sits in, or its text
# overflows it.
BIG_TEXT = "html { font-size: 200% !important; }"
CUT_OFF = """() => [...document.querySelectorAll("main a, main button, main select, main input, main label")]
  .filter(el => el.getBoundingClientRect().width > 0 && !el.closest(".visually-hidden, .table-responsive, .js-plotly-plot"))
  .filter(el => {
    const box = el.getBoundingClientRect(), holder = el.parentElement.getBoundingClientRect();
    return box.right > document.documentElement.clientWidth + 1 || box.left < -1
      || box.right > holder.right + 1 || el.scrollWidth > el.clientWidth + 1;
  })
  .map(el => el.outerHTML.slice(0, 100))"""

BIG_TEXT_PAGES = [
    ("dashboard", "member", _go("/o/birmingham/")),
    ("action-tracker", "commissioner", _go("/o/birmingham/actions/")),
    ("returns-list", "officer", _go("/o/birmingham/returns/")),
    ("return-form", "officer", _go("/o/birmingham/returns/2018-11/")),
    ("return-submitted-review", "commissioner", _submitted_october),
    ("inspections-ilacs", "member", _with_ilacs),
    ("kpi-trend", "member", _go("/o/birmingham/kpi/KPI9/")),
    ("compliance", "member", _go("/o/sandwell/compliance/2018/")),
    ("report", "member", _go("/o/birmingham/report/2018-10/")),
    ("inspections", "member", _go("/o/birmingham/inspections/")),
    ("targets", "commissioner", _go("/o/birmingham/targets/2018/")),
]


# WCAG 1.4.12 Text Spacing: the spacing a reader may set, on everything.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"""

ADJUSTMENTS = {
    "text-200": {"style": BIG_TEXT},
    "text-spacing": {"style": TEXT_SPACING},
    # The whole page at 200 %: a 1366 px window is 683 CSS px wide.
    "zoom-200": {"width": 683},
}


@pytest.mark.parametrize("adjustment", ADJUSTMENTS)
@pytest.mark.parametrize(
    ("state", "role", "visit"), BIG_TEXT_PAGES, ids=[s[0] for s in BIG_TEXT_PAGES]
)
def test_nothing_is_cut_off_when_text_is_resized_or_spaced(
    page, live_server, cast, state, role, visit, adjustment
):
    settings = ADJUSTMENTS[adjustment]
    if "width" in settings:
        page.set_viewport_size({"width": settings["width"], "height": 900})
    log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    if "style" in settings:
        page.add_style_tag(content=settings["style"])
    assert page.evaluate(CUT_OFF) == [], f"{state} with {adjustment}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{state} scrolls sideways with {adjustment}"


# A form is not a data table: at 320 px (400 % zoom) its boxes reflow into
# the width, with nothing to scroll sideways, not even inside a box
# (WCAG 1.4.10).
SIDEWAYS = """() => [...document.querySelectorAll("form *")]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
  .map(el => el.outerHTML.slice(0, 100))"""
FORMS_AT_320 = [
    ("targets", "commissioner", _go("/o/birmingham/targets/2018/")),
    ("return-form", "officer", _go("/o/birmingham/returns/2018-11/")),
]


@pytest.mark.parametrize(("state", "role", "visit"), FORMS_AT_320, ids=[s[0] for s in FORMS_AT_320])
def test_a_form_at_320_pixels_never_scrolls_sideways(page, live_server, cast, state, role, visit):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    assert page.evaluate(SIDEWAYS) == [], state
    boxes = page.locator("form input[type=text]")
    assert boxes.count() > 0
    for right in boxes.evaluate_all("els => els.map(el => el.getBoundingClientRect().right)"):
        assert right <= 320


# WCAG 2.5.8 Target Size (Minimum): a target under 24 x 24 px passes if a
# 24 px circle on its centre meets no other target nor another small
# target's circle. Checked on links in sentences too, which the rule would
# excuse: none of the app's pages needs the excuse.
TARGETS_TOO_CLOSE = """() => {
  const boxes = [...document.querySelectorAll(
      "main a[href], main button, main select, main input:not([type=hidden]), main textarea, main summary")]
    .map(el => ({el, r: el.getBoundingClientRect()}))
    .filter(({el, r}) => r.width > 0 && r.height > 0 && !el.closest(".js-plotly-plot"))
    .map(b => ({...b, x: b.r.left + b.r.width / 2, y: b.r.top + b.r.height / 2,
                small: b.r.width < 24 || b.r.height < 24}));
  const close = [];
  for (const a of boxes.filter(b => b.small)) {
    const other = boxes.find(b => b !== a && !a.el.contains(b.el) && !b.el.contains(a.el) && (b.small
      ? Math.hypot(a.x - b.x, a.y - b.y) < 24
      : Math.hypot(Math.max(b.r.left - a.x, 0, a.x - b.r.right),
                   Math.max(b.r.top - a.y, 0, a.y - b.r.bottom)) < 12));
    if (other) { close.push(`${a.el.outerHTML.slice(0, 80)} near ${other.el.outerHTML.slice(0, 60)}`); }
  }
  return close;
}"""
SPACED_PAGES = [
    ("home", "member", _go("/")),
    ("dashboard", "member", _go("/o/birmingham/")),
    ("kpi-trend", "member", _go("/o/birmingham/kpi/KPI9/")),
    ("kpi-spc", "member", _go("/o/sandwell/kpi/PI9/?view=spc")),
    ("action-tracker", "commissioner", _go("/o/birmingham/actions/")),
    ("inspections", "member", _go("/o/birmingham/inspections/")),
    ("returns-list", "officer", _go("/o/birmingham/returns/")),
    ("compliance", "member", _go("/o/sandwell/compliance/2018/")),
    ("report", "member", _go("/o/birmingham/report/2018-10/")),
]


@pytest.mark.parametrize("width", [1366, 320])
@pytest.mark.parametrize(("state", "role", "visit"), SPACED_PAGES, ids=[s[0] for s in SPACED_PAGES])
def test_small_targets_are_24_pixels_apart(page, live_server, cast, state, role, visit, width):
    page.set_viewport_size({"width": width, "height": 800})
    log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    assert page.evaluate(TARGETS_TOO_CLOSE) == [], f"{state} at {width} px"
