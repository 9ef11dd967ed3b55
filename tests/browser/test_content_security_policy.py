"""Every page with scripts works under the Content-Security-Policy, with no
violation: the chart draws, the live status answers, the Print button prints.

Playwright's init script is injected by the browser's debugging protocol, not
by the page, so the CSP does not apply to it: it records every
``securitypolicyviolation`` event, and stands in for ``window.print``.
"""

import datetime as dt
from decimal import Decimal

import pytest

from kpis.models import KPI, Reading

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
window.print = () => { window.__printed = true; };
"""


@pytest.fixture
def watched(page):
    """The page, with every console error, page error and CSP violation kept."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        if message.type in {"error", "warning"}:
            problems.append(f"console {message.type}: {message.text} ({message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def check():
        violations = page.evaluate("window.__violations")
        assert violations == [], violations
        assert problems == [], problems

    page.check_csp = check
    return page


def _eighteen_months(kpi):
    """Enough readings for the SPC chart to draw its limits (15 or more)."""
    for month in range(1, 7):
        Reading.objects.get_or_create(
            kpi=kpi, period=dt.date(2017, 6 + month, 1), defaults={"value": Decimal(60 + month)}
        )


def test_the_member_pages_with_scripts_raise_no_violation(watched, live_server, log_in, member):
    page = watched
    _eighteen_months(KPI.objects.get(organisation__slug="sandwell", code="PI9"))
    log_in("member")
    url = live_server.url

    page.goto(f"{url}/o/sandwell/")
    page.locator("tr[data-kpi='PI9']").wait_for()
    page.check_csp()

    page.goto(f"{url}/o/sandwell/kpi/PI9/")
    page.locator("#trend-chart .main-svg").first.wait_for()
    assert page.locator("#trend-chart .scatterlayer .point").count() >= 12
    page.check_csp()

    page.goto(f"{url}/o/sandwell/kpi/PI9/?view=spc")
    page.locator("#trend-chart .main-svg").first.wait_for()
    page.check_csp()

    page.goto(f"{url}/o/sandwell/compliance/2018/")
    page.get_by_role("button", name="Print").first.click()
    page.wait_for_function("window.__printed === true")
    page.check_csp()

    page.goto(f"{url}/o/birmingham/report/")
    page.get_by_role("heading", level=1).wait_for()
    page.check_csp()


def test_the_return_forms_live_status_runs_under_the_policy(watched, live_server, log_in, officer):
    page = watched
    kpi2 = KPI.objects.get(organisation__slug="birmingham", code="KPI2")
    log_in("officer")
    page.goto(f"{live_server.url}/o/birmingham/returns/2018-11/")
    page.get_by_label("KPI2 value").fill("24")
    page.locator(f"#status-{kpi2.pk} .chip").filter(has_text="Amber").wait_for()
    page.check_csp()


def test_the_admin_sites_scripts_run_under_the_policy(watched, live_server, log_in, admin_user):
    """Django's widgets and the project's fixes to them (static/js/admin-a11y.js)."""
    page = watched
    log_in("admin")
    page.goto(f"{live_server.url}/admin/kpis/target/add/")
    # Named by the label once Select2 has built the box.
    page.get_by_role("combobox", name="KPI").wait_for()
    page.check_csp()
    page.goto(f"{live_server.url}/admin/kpis/organisation/add/")
    page.get_by_role(
        "textbox", name="Type into this box to filter down the list of available staff"
    ).wait_for()
    page.check_csp()


def test_an_inline_script_would_be_reported(watched, live_server, log_in, member):
    """The watch itself works: a script without the nonce is refused and seen."""
    page = watched
    log_in("member")
    page.goto(f"{live_server.url}/o/sandwell/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None
