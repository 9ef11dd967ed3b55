"""The main flow by keyboard alone, with the focus visible at every stop:
log in, open the dashboard, a KPI, then the month's return, enter a Red
value with its commentary and submit."""

import io

import pytest
from django.core.management import call_command

from kpis.models import MonthlyReturn, Reading
from tests.browser.test_member_reads_ilacs import import_ilacs_demo
from tests.fast_fixtures import load_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the focused element looks like: its text, its label, and whether a
# focus indicator is drawn while it matches :focus-visible.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  // trustmonitor.css draws a 3px outline; Bootstrap's own faint ring alone
  // is not enough.
  const indicator = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  // Seen, not only laid out: the middle of one of its boxes, within the
  // window, hits it (a link in a clipped, visually hidden header has a size
  // but is never hit).
  const seen = [...el.getClientRects()].some(rect => {
    const left = Math.max(rect.left, 0), right = Math.min(rect.right, innerWidth);
    const top = Math.max(rect.top, 0), bottom = Math.min(rect.bottom, innerHeight);
    if (right <= left || bottom <= top) { return false; }
    const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });
  return {
    seen,
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim(),
    label: el.getAttribute("aria-label") || (el.labels && el.labels[0] ? el.labels[0].innerText : ""),
    focusVisible: el.matches(":focus-visible"),
    indicator,
    onScreen: box.width > 0 && box.height > 0,
  };
}"""


def tab_to(page, matches, key="Tab", limit=120):
    """Press Tab (or Shift+Tab) until the focused element matches; every
    stop on the way must show its focus."""
    # Bootstrap scrolls smoothly; without motion the element the focus moved
    # to is in view when it is measured.
    page.emulate_media(reduced_motion="reduce")
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["focusVisible"] and focused["indicator"], f"focus not visible on {focused}"
        assert focused["onScreen"] and focused["seen"], f"focus on an invisible element: {focused}"
        if matches(focused):
            return focused
    raise AssertionError("never reached the element by Tab")


def text_is(text):
    return lambda focused: focused["text"] == text


def label_is(label):
    return lambda focused: focused["label"].strip() == label


def test_an_officer_logs_in_reads_a_kpi_and_submits_a_return_by_keyboard(
    page, live_server, officer, unreturned_seeds
):
    # October 2018 as if the trust had entered it and not yet submitted it.
    page.goto(f"{live_server.url}/accounts/login/")

    # The log-in form puts the focus in its first field (autofocus lands at
    # the browser's next rendering step, which may come after "load").
    page.wait_for_function("document.activeElement.name === 'username'")
    assert page.evaluate(FOCUSED)["label"].startswith("Username")
    page.keyboard.type("officer")
    tab_to(page, lambda f: f["tag"] == "input" and f["label"].startswith("Password"))
    page.keyboard.type("password")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The skip link comes first, shows when focused and moves the focus on.
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["text"] == "Skip to main content", skip
    assert skip["onScreen"] and skip["indicator"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    tab_to(page, text_is("Birmingham Children's Trust"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/o/birmingham/")

    tab_to(page, text_is("KPI2"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/kpi/KPI2/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("KPI2:")

    # Past the chart view switch and the chart to its data table, then back
    # up to the breadcrumb.
    tab_to(page, text_is("Statistical process control"))
    tab_to(page, text_is("readings table"))
    tab_to(page, text_is("Birmingham Children's Trust"), key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/o/birmingham/")

    tab_to(page, text_is("Return"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/returns/2018-10/")

    tab_to(page, label_is("KPI2 value"))
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    page.locator("#return-form tr[data-kpi=KPI2] .chip").filter(has_text="Red").wait_for()
    tab_to(page, label_is("KPI2 commentary"))
    page.keyboard.type("Rise after the threshold change in October.")
    tab_to(page, text_is("Save and submit"))
    page.keyboard.press("Enter")
    page.get_by_text("Return submitted to the commissioners.").wait_for()

    reading = Reading.objects.get(kpi__code="KPI2", kpi__organisation__slug="birmingham",
                                  period__year=2018, period__month=10)  # fmt: skip
    assert reading.value == 30
    assert reading.commentary == "Rise after the threshold change in October."
    assert MonthlyReturn.objects.get(period__year=2018, period__month=10).state == "submitted"


def test_a_failed_log_in_is_announced_where_the_focus_is(page, live_server, officer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_label("Password").press("Enter")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Please enter a correct username and password" in alert.inner_text()
    # The focus is on the alert, not back in Username: read out first.
    assert alert.evaluate("el => el === document.activeElement")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["focusVisible"] and focused["seen"], focused


def test_a_refused_submit_is_one_correction_from_submitting(
    page, live_server, log_in, officer, unreturned_seeds
):
    """Red without commentary, Save and submit: refused, the draft saved. The
    focus is on the error summary; its link takes the officer to the box,
    and one correction submits."""
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/returns/2018-10/")
    tab_to(page, label_is("KPI9 value"))
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    page.locator("#return-form tr[data-kpi=KPI9] .chip").filter(has_text="Red").wait_for()
    tab_to(page, text_is("Save and submit"))
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.evaluate("el => el === document.activeElement")
    assert "Saved as a draft, not submitted" in summary.inner_text()
    link = tab_to(page, lambda f: f["tag"] == "a" and f["text"].startswith("KPI9 commentary"))
    assert "KPI9 is Red: explain the variance" in link["text"]
    page.keyboard.press("Enter")
    box = page.get_by_label("KPI9 commentary")
    assert box.evaluate("el => el === document.activeElement")
    assert box.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("KPI9 value").input_value() == "40"

    page.keyboard.type("Fewer visits while two posts were vacant.")
    tab_to(page, text_is("Save and submit"))
    page.keyboard.press("Enter")
    page.get_by_text("Return submitted to the commissioners.").wait_for()

    reading = Reading.objects.get(kpi__code="KPI9", kpi__organisation__slug="birmingham",
                                  period__year=2018, period__month=10)  # fmt: skip
    assert (reading.value, reading.commentary) == (40, "Fewer visits while two posts were vacant.")
    october = MonthlyReturn.objects.get(organisation__slug="birmingham", period__month=10)
    assert october.state == "submitted"


def test_at_320_pixels_every_stop_on_the_dashboard_is_seen_and_it_still_sorts(
    page, live_server, log_in, member
):
    """At 400 % zoom the dashboard's header row is hidden: its sort links and
    the SPC help link take no Tab stop, and "Sort by" offers the sorts."""
    page.set_viewport_size({"width": 320, "height": 800})
    log_in("member")
    page.goto(f"{live_server.url}/o/birmingham/")
    tab_to(page, lambda f: f["tag"] == "select" and f["label"] == "Sort by")
    page.get_by_label("Sort by").select_option(label="Status, Red first")
    tab_to(page, text_is("Show"))
    page.keyboard.press("Enter")
    page.wait_for_url("**sort=status*")
    assert page.get_by_label("Sort by").input_value() == "status"
    # October 2018's three Amber KPIs come before its Green ones.
    codes = page.locator("table.kpi-table tbody th a").all_inner_texts()
    assert codes[:4] == ["KPI2", "KPI12", "KPI14", "KPI1"]
    # From the top of the page to the first KPI's link, past the hidden
    # header row, every stop shows (tab_to).
    page.goto(page.url)
    tab_to(page, text_is("KPI2"))


def test_a_wide_table_scrolls_by_keyboard_at_320_pixels(page, live_server, log_in, officer):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/compliance/2018/")

    focused = tab_to(page, label_is("Compliance by month, 2018/19"))
    assert focused["tag"] == "div"
    box = page.get_by_role("region", name="Compliance by month, 2018/19")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.compliance-table').parentElement.scrollLeft > 0"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# Marks the page's last element the Tab key can reach.
LAST_STOP = """() => [...document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, [tabindex='0']")]
  .filter(el => el.getClientRects().length > 0 && !el.disabled && el.tabIndex >= 0)
  .at(-1).setAttribute("data-last-stop", "")"""

NARROW_PAGES = [
    ("home", "/"),
    ("kpi-trend", "/o/birmingham/kpi/KPI9/"),
    ("returns-list", "/o/birmingham/returns/"),
    ("compliance", "/o/sandwell/compliance/2018/"),
    ("action-tracker", "/o/birmingham/actions/"),
    ("inspections-ilacs", "/o/sandwell/inspections/"),
    ("report", "/o/birmingham/report/2018-10/"),
    ("national-measure", "/national/vacancy-rate/"),
]


@pytest.mark.parametrize(("state", "path"), NARROW_PAGES, ids=[s[0] for s in NARROW_PAGES])
def test_at_320_pixels_every_tab_stop_is_seen(page, live_server, log_in, commissioner, state, path):
    """WCAG 2.4.7 at 400 % zoom: from the top of the page to its end, no stop
    the eye cannot find (tab_to checks each one)."""
    load_fixtures("inspections_letters", "inspections_plans")
    if state.startswith("national"):
        call_command("load_national_demo", stdout=io.StringIO())
    if state == "inspections-ilacs":
        import_ilacs_demo()
    page.set_viewport_size({"width": 320, "height": 800})
    log_in("commissioner")
    page.goto(f"{live_server.url}{path}")
    page.evaluate(LAST_STOP)
    tab_to(page, lambda f: page.evaluate("document.activeElement.hasAttribute('data-last-stop')"),
           limit=400)  # fmt: skip


@pytest.mark.parametrize(
    ("path", "label", "choice", "button", "sort"),
    [
        ("/national/vacancy-rate/", "Sort by", "Value, highest first", "Show", "-value"),
        (
            "/o/sandwell/inspections/",
            "Sort neighbours by",
            "Local authority, Z to A",
            "Sort",
            "-name",
        ),
    ],
)
def test_at_320_pixels_the_other_sortable_tables_still_sort(
    page, live_server, log_in, member, path, label, choice, button, sort
):
    """Their header rows are hidden there too: a visible control sorts them."""
    call_command("load_national_demo", stdout=io.StringIO())
    import_ilacs_demo()
    page.set_viewport_size({"width": 320, "height": 800})
    log_in("member")
    page.goto(f"{live_server.url}{path}")
    tab_to(page, lambda f: f["tag"] == "select" and f["label"] == label, limit=300)
    page.get_by_label(label).select_option(label=choice)
    tab_to(page, text_is(button))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**sort={sort}*")
    assert page.get_by_label(label).input_value() == sort
