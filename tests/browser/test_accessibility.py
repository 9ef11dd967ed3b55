"""axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, plus best practice) finds
nothing on the pages each role sees, in the states that matter: filtered,
with errors, with a chart drawn."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inspections.models import Action, Finding, Inspection
from kpis.models import KPI, MonthlyReturn, Organisation, Reading
from tests.browser.test_member_reads_ilacs import import_ilacs_demo
from tests.fast_fixtures import load_fixtures
from tests.kpis.imports.appendix import appendix_csv, printed_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

GOOD_CSV = b"kpi,period,value,commentary\nKPI1,2018-11,86,\nKPI3,2018-11,88,\n"
BAD_CSV = b"kpi,period,value,commentary\nKPI1,2018-11,86,\nKPI3,2018-11,n/a,\n"


def _upload(page, url, content):
    page.goto(f"{url}/o/birmingham/upload/")
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "nov.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/upload/*/")


def _upload_appendix(rows=None):
    """Sandwell's Appendix 1 as its officer uploads it (tests/kpis/imports/appendix.py)."""

    def visit(page, url):
        page.goto(f"{url}/o/sandwell/upload/")
        page.get_by_label("CSV or XLSX file").set_input_files(
            files=[{"name": "appendix.csv", "mimeType": "text/csv", "buffer": appendix_csv(rows)}]
        )
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_url("**/upload/*/")

    return visit


def _unknown_heading():
    rows = printed_rows()
    rows[2][3] = "Portfolio"
    return rows


def _return_with_errors(page, url):
    page.goto(f"{url}/o/birmingham/returns/2018-11/")
    page.get_by_label("KPI1 value").fill("10")  # Red, and no commentary
    page.get_by_label("KPI2 value").fill("lots")
    page.get_by_role("button", name="Save and submit").click()
    page.locator(".alert-danger").wait_for()


def _submit_refused(page, url):
    """Red with no commentary, Save and submit: the draft saved, the submit
    refused, the error on the commentary box."""
    page.goto(f"{url}/o/birmingham/returns/2018-11/")
    page.get_by_label("KPI1 value").fill("10")
    page.get_by_role("button", name="Save and submit").click()
    page.locator(".error-summary").wait_for()


def _retry_after_refusal(page, url):
    """The same page after one more refusal: KPI2 Red too."""
    _submit_refused(page, url)
    page.get_by_label("KPI1 commentary").fill("Two social workers left in October.")
    page.get_by_label("KPI2 value").fill("40")
    page.get_by_role("button", name="Save and submit").click()
    page.get_by_role("link", name="KPI2 commentary").wait_for()


def _submitted_october(page, url):
    """October 2018 submitted and waiting for review: Accept and Reopen."""
    MonthlyReturn.objects.filter(organisation__slug="birmingham", period__month=10).update(
        state="submitted"
    )
    page.goto(f"{url}/o/birmingham/returns/2018-10/")


def _targets_with_errors(page, url):
    page.goto(f"{url}/o/birmingham/targets/2019/")
    page.get_by_label("KPI1 target").fill("90")
    page.get_by_label("KPI1 lower").fill("95")
    page.get_by_label("KPI2 target").fill("abc")
    page.get_by_role("button", name="Save targets").click()
    page.locator(".alert-danger").wait_for()


def _post_empty(path):
    def visit(page, url):
        page.goto(f"{url}{path()}")
        page.get_by_role("button", name="Save").click()
        page.locator(".alert-danger").wait_for()

    return visit


def _login_with_error(page, url):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.locator(".alert-danger, .invalid-feedback, .errorlist").first.wait_for()


def _locked_out(page, url):
    """Five failed log-ins for one username: the lock-out page."""
    for _ in range(4):
        _login_with_error(page, url)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Account locked").wait_for()


def _go(path):
    return lambda page, url: page.goto(f"{url}{path() if callable(path) else path}")


def _chart(path):
    def visit(page, url):
        page.goto(f"{url}{path}")
        page.locator("#trend-chart .main-svg").first.wait_for()

    return visit


def _spc_with_limits(page, url):
    """Fifteen readings (three made up, TEST) so the SPC view has limits,
    signals and its signal column."""
    kpi = KPI.objects.get(organisation__slug="sandwell", code="PI9")
    for month, value in ((1, "40"), (2, "95"), (3, "96")):
        Reading.objects.create(kpi=kpi, period=dt.date(2019, month, 1), value=Decimal(value))
    _chart("/o/sandwell/kpi/PI9/?view=spc")(page, url)


def _with_schedule6(path):
    """Sandwell's Schedule 6 content (seeds/003) loaded: every report section filled."""

    def visit(page, url):
        load_fixtures("schedule6_sandwell")
        page.goto(f"{url}{path}")

    return visit


def _returns_paged(page, url):
    # A live trust: every month since Oct 2018 is held, so the list has pages.
    Organisation.objects.filter(slug="birmingham").update(held_until=None)
    page.goto(f"{url}/o/birmingham/returns/?state=not_started&page=2")


def _with_ilacs(page, url):
    """Ofsted's real file and DfE's 2025 neighbours imported: the ILACS section full."""
    import_ilacs_demo()
    page.goto(f"{url}/o/birmingham/inspections/#ilacs")


def _with_reported_counts(page, url):
    """Birmingham's annual report loaded: the compliance page's reported and why columns."""
    load_fixtures("birmingham_annual_report")
    page.goto(f"{url}/o/birmingham/compliance/2018/")


def _annual_report(page, url):
    """Birmingham's 2018/19 annual report with its reported counts and words (seed 004)."""
    load_fixtures("birmingham_annual_report", "birmingham_annual_review")
    page.goto(f"{url}/o/birmingham/annual-report/2018/")


def _scrutiny_pack(page, url):
    """Birmingham's Oct 2018 pack: three Amber KPIs, each with its chart."""
    page.goto(f"{url}/o/birmingham/scrutiny-pack/2018-10/")
    page.locator(".pack-kpi .trend-chart .main-svg").first.wait_for()


def _with_ilacs_sorted(page, url):
    import_ilacs_demo()
    page.goto(f"{url}/o/sandwell/inspections/?sort=-date#ilacs")


def _first_inspection():
    return Inspection.objects.filter(organisation__slug="birmingham").order_by("start_date").first()


def _finding_with_inspection():
    return Finding.objects.filter(
        inspection__organisation__slug="birmingham", inspection__isnull=False
    ).first()


def _inspection_detail():
    return f"/o/birmingham/inspections/{_finding_with_inspection().inspection_id}/"


def _finding_form():
    return f"/o/birmingham/inspections/{_first_inspection().pk}/findings/new/"


def _action_form():
    return f"/o/birmingham/findings/{_finding_with_inspection().pk}/actions/new/"


def _update_form():
    action = Action.objects.filter(finding__organisation__slug="birmingham").first()
    if action is None:
        action = Action.objects.filter(plan__organisation__slug="birmingham").first()
    return f"/o/birmingham/actions/{action.pk}/update/"


def _inspection_edit():
    return f"/o/birmingham/inspections/{_finding_with_inspection().inspection_id}/edit/"


def _finding_delete():
    return f"/o/birmingham/findings/{_finding_with_inspection().pk}/delete/"


def _action_detail():
    return _update_form().removesuffix("update/")


def _national(path, chart=False):
    """DfE's statistics as the demo loads them (data/dfe), then the page."""

    def visit(page, url):
        call_command("load_national_demo", stdout=io.StringIO())
        page.goto(f"{url}{path}")
        if chart:
            page.locator("#national-chart .main-svg").first.wait_for()

    return visit


def _admin(path):
    """A page of the admin site; ``path`` may need the database, so it is a
    function called once the cast is in."""
    return _go(lambda: f"/admin/{path() if callable(path) else path}")


def _staff_commissioner(page, url):
    """A commissioner given the admin site (the demo's is not): what they see there."""
    User.objects.filter(username="commissioner").update(is_staff=True)
    page.goto(f"{url}/admin/")


def _kpi_admin():
    return f"kpis/kpi/{KPI.objects.get(organisation__slug='birmingham', code='KPI2').pk}/change/"


def _organisation_admin():
    return f"kpis/organisation/{Organisation.objects.get(slug='birmingham').pk}/change/"


def _finding_admin():
    return f"inspections/finding/{_finding_with_inspection().pk}/change/"


def _password_change_refused(page, url):
    page.goto(f"{url}/accounts/password_change/")
    page.get_by_label("Old password").fill("wrong")
    page.get_by_role("button", name="Change my password").click()
    page.locator(".error-summary").wait_for()


def _password_reset_link():
    officer = User.objects.get(username="officer")
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(officer)}/"


# (id, role, how to reach the state). Role None is a visitor not logged in.
STATES = [
    ("login", None, _go("/accounts/login/")),
    ("login-error", None, _login_with_error),
    ("locked-out", None, _locked_out),
    ("home", "member", _go("/")),
    ("dashboard-birmingham", "member", _go("/o/birmingham/")),
    ("dashboard-sandwell", "member", _go("/o/sandwell/")),
    (
        "dashboard-filtered-sorted",
        "member",
        _go("/o/sandwell/?period=2018-06&status=red&sort=-off"),
    ),
    ("dashboard-officer", "officer", _go("/o/birmingham/")),
    ("kpi-trend", "member", _chart("/o/birmingham/kpi/KPI9/")),
    ("kpi-spc", "member", _chart("/o/sandwell/kpi/PI9/?view=spc")),
    ("kpi-spc-limits", "member", _spc_with_limits),
    ("spc-help", "member", _go("/help/spc/")),
    ("compliance", "member", _go("/o/sandwell/compliance/2018/")),
    ("compliance-reported", "member", _with_reported_counts),
    ("annual-report", "member", _annual_report),
    ("scrutiny-pack", "member", _scrutiny_pack),
    ("returns-list", "officer", _go("/o/birmingham/returns/")),
    ("returns-list-paged", "officer", _returns_paged),
    ("return-form", "officer", _go("/o/birmingham/returns/2018-11/")),
    ("return-form-errors", "officer", _return_with_errors),
    ("return-submit-refused", "officer", _submit_refused),
    ("return-retry-refused", "officer", _retry_after_refusal),
    ("return-review", "commissioner", _go("/o/birmingham/returns/2018-10/")),
    ("return-submitted-review", "commissioner", _submitted_october),
    ("upload", "officer", _go("/o/birmingham/upload/")),
    ("upload-preview-errors", "officer", lambda page, url: _upload(page, url, BAD_CSV)),
    ("upload-preview-valid", "officer", lambda page, url: _upload(page, url, GOOD_CSV)),
    ("upload-preview-appendix", "sandwell-officer", _upload_appendix()),
    (
        "upload-preview-appendix-unknown-heading",
        "sandwell-officer",
        _upload_appendix(_unknown_heading()),
    ),
    ("targets", "commissioner", _go("/o/birmingham/targets/2018/")),
    ("targets-errors", "commissioner", _targets_with_errors),
    ("kpi-history", "officer", _go("/o/birmingham/kpi/KPI1/history/")),
    ("inspections", "member", _go("/o/birmingham/inspections/")),
    ("inspections-ilacs", "member", _with_ilacs),
    (
        "inspections-ilacs-sorted",
        "member",
        lambda page, url: (
            import_ilacs_demo(),
            page.goto(f"{url}/o/sandwell/inspections/?sort=-date#ilacs"),
        ),
    ),
    ("inspection-detail", "member", _go(_inspection_detail)),
    ("inspection-detail-commissioner", "commissioner", _go(_inspection_detail)),
    ("action-tracker", "member", _go("/o/birmingham/actions/")),
    ("action-tracker-filtered", "commissioner", _go("/o/birmingham/actions/?status=red&overdue=1")),
    ("action-tracker-with-update-links", "commissioner", _go("/o/birmingham/actions/")),
    (
        "inspection-form-errors",
        "commissioner",
        _post_empty(lambda: "/o/birmingham/inspections/new/"),
    ),
    ("finding-form-errors", "commissioner", _post_empty(_finding_form)),
    ("action-form-errors", "commissioner", _post_empty(_action_form)),
    ("action-update-errors", "commissioner", _post_empty(_update_form)),
    ("inspection-edit-errors", "commissioner", _post_empty(_inspection_edit)),
    ("finding-delete-confirm", "commissioner", _go(_finding_delete)),
    ("action-detail", "member", _go(_action_detail)),
    ("action-detail-commissioner", "commissioner", _go(_action_detail)),
    ("lead-key", "commissioner", _go("/o/birmingham/leads/")),
    ("report", "member", _go("/o/birmingham/report/2018-10/")),
    ("report-sandwell", "commissioner", _go("/o/sandwell/report/2018-12/")),
    ("report-sandwell-schedule6", "commissioner", _with_schedule6("/o/sandwell/report/2018-12/")),
    (
        "summary-analysis-form-errors",
        "sandwell-officer",
        _post_empty(lambda: "/o/sandwell/report/2018-12/summary/"),
    ),
    ("not-found", "member", _go("/o/nowhere/")),
    ("forbidden", "officer", _go("/o/birmingham/targets/upload/")),
    ("national-measures", "member", _national("/national/")),
    ("national-measure", "member", _national("/national/vacancy-rate/?sort=-rank")),
    ("national-measure-2017", "member", _national("/national/turnover-rate/?year=2017")),
    ("kpi-national", "member", _national("/o/sandwell/kpi/PI13/", chart=True)),
    ("kpi-national-commissioner", "commissioner", _national("/o/birmingham/kpi/KPI2/", chart=True)),
    ("kpi-not-linked-commissioner", "commissioner", _national("/o/birmingham/kpi/KPI6/")),
    ("dashboard-vs-national", "member", _national("/o/sandwell/")),
    ("password-change", "officer", _go("/accounts/password_change/")),
    ("password-change-refused", "officer", _password_change_refused),
    ("password-reset", None, _go("/accounts/password_reset/")),
    ("password-reset-confirm", None, _go(_password_reset_link)),
    ("admin-commissioner", "commissioner", _staff_commissioner),
    ("admin-index", "admin", _admin("")),
    ("admin-kpi-with-targets", "admin", _admin(_kpi_admin)),
    ("admin-target-add", "admin", _admin("kpis/target/add/")),
    ("admin-readings-filtered", "admin", _admin("kpis/reading/?source__exact=fixture")),
    ("admin-readings-page-2", "admin", _admin("kpis/reading/?p=2")),
    ("admin-organisation", "admin", _admin(_organisation_admin)),
    ("admin-finding", "admin", _admin(_finding_admin)),
]


def _format(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def axe_violations(page):
    """Run axe-core in the page. Playwright's evaluate goes through the
    DevTools protocol, which the page's Content-Security-Policy does not
    govern, so axe runs against the page exactly as it is served."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def assert_no_violations(page, state):
    violations = axe_violations(page)
    assert not violations, f"axe found on {state} ({page.url}):\n{_format(violations)}"


def log_in_by_cookie(page, live_server, username):
    """A session made in the test rather than through the log-in form: the
    form itself is checked once, in its own states."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize(("state", "role", "visit"), STATES, ids=[s[0] for s in STATES])
def test_it_has_no_axe_violations(page, live_server, cast, state, role, visit):
    if role:
        log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    assert_no_violations(page, state)


# Pages at 320 CSS px (WCAG 1.4.10 Reflow): the page never scrolls sideways;
# a table too wide for the screen scrolls in its own box, which the keyboard
# can reach and which has a name.
NARROW = [
    ("home", "member", _go("/")),
    ("dashboard", "member", _go("/o/birmingham/")),
    ("kpi-trend", "member", _chart("/o/birmingham/kpi/KPI9/")),
    ("kpi-spc", "member", _chart("/o/sandwell/kpi/PI9/?view=spc")),
    ("return-form-errors", "officer", _return_with_errors),
    ("returns-list", "officer", _go("/o/birmingham/returns/")),
    ("returns-list-paged", "officer", _returns_paged),
    ("compliance", "member", _go("/o/sandwell/compliance/2018/")),
    ("compliance-reported", "member", _with_reported_counts),
    ("annual-report", "member", _annual_report),
    ("scrutiny-pack", "member", _scrutiny_pack),
    ("targets", "commissioner", _go("/o/birmingham/targets/2018/")),
    ("action-tracker", "commissioner", _go("/o/birmingham/actions/")),
    ("inspection-detail", "member", _go(_inspection_detail)),
    ("inspections-ilacs", "member", _with_ilacs),
    ("report", "member", _go("/o/birmingham/report/2018-10/")),
    ("upload-preview-appendix", "sandwell-officer", _upload_appendix()),
    ("national-measure", "member", _national("/national/vacancy-rate/")),
    ("kpi-national", "member", _national("/o/sandwell/kpi/PI13/", chart=True)),
    ("dashboard-vs-national", "member", _national("/o/sandwell/")),
]

SCROLL_BOXES = """() => [...document.querySelectorAll("*")]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && el !== document.documentElement
          && el !== document.body && ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
          && el.closest(".trend-chart") === null && el.closest(".national-chart") === null)
  .map(el => ({html: el.outerHTML.slice(0, 120), tabindex: el.getAttribute("tabindex"),
               name: el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || ""}))"""


@pytest.mark.parametrize(("state", "role", "visit"), NARROW, ids=[s[0] for s in NARROW])
def test_it_reflows_at_320_pixels(page, live_server, cast, state, role, visit):
    page.set_viewport_size({"width": 320, "height": 800})
    log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{state} scrolls sideways: {width}px wide at 320px"
    for box in page.evaluate(SCROLL_BOXES):
        assert box["tabindex"] == "0" and box["name"], f"{state}: scrolling box {box}"
    assert_no_violations(page, f"{state} at 320px")


# On paper, as the print style sheet lays the pages out (report-print.css,
# the print rules of trustmonitor.css).
PRINTED = [
    ("dashboard", "member", _go("/o/birmingham/")),
    ("kpi-trend", "member", _chart("/o/birmingham/kpi/KPI9/")),
    ("compliance", "member", _go("/o/sandwell/compliance/2018/")),
    ("report", "member", _go("/o/birmingham/report/2018-10/")),
    ("annual-report", "member", _annual_report),
    ("scrutiny-pack", "member", _scrutiny_pack),
    ("return-submitted-review", "commissioner", _submitted_october),
]


@pytest.mark.parametrize(("state", "role", "visit"), PRINTED, ids=[s[0] for s in PRINTED])
def test_it_has_no_axe_violations_in_print(page, live_server, cast, state, role, visit):
    page.emulate_media(media="print")
    log_in_by_cookie(page, live_server, role)
    visit(page, live_server.url)
    assert_no_violations(page, f"{state} printed")
