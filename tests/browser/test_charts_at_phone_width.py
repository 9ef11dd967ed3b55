"""The KPI charts at 390 px (a phone), on screen and printed: no label, tick,
legend or inspection name sits on another, and nothing is cut off."""

import datetime as dt

import pytest

from inspections import services
from inspections.models import InspectionKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The boxes of what a reader reads in the chart, in page coordinates.
BOXES_JS = """() => {
  const chart = document.querySelector('#trend-chart');
  const box = el => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const all = sel => [...chart.querySelectorAll(sel)]
    .filter(el => el.getBoundingClientRect().width > 0).map(box);
  return {
    svg: box(chart.querySelector('.main-svg')),
    plot: all('.nsewdrag')[0],
    legend: all('g.legend .bg'),
    xticks: all('g.xtick text'),
    yticks: all('g.ytick text'),
    ytitle: all('.g-ytitle text'),
    names: all('g.annotation'),
  };
}"""


def _overlap(a, b):
    # Touching edges do not count; a pixel of overlap does.
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and (a["top"] < b["bottom"] - 1 and b["top"] < a["bottom"] - 1)
    )


def _pairs(group):
    return [(a, b) for i, a in enumerate(group) for b in group[i + 1 :]]


def _assert_readable(boxes, where):
    labels = boxes["xticks"] + boxes["yticks"] + boxes["ytitle"]
    assert boxes["xticks"] and boxes["legend"], where
    for a, b in _pairs(boxes["xticks"]) + _pairs(boxes["names"]):
        assert not _overlap(a, b), (where, a, b)
    for legend in boxes["legend"]:
        assert not _overlap(legend, boxes["plot"]), (where, "legend on the plot")
        for other in labels + boxes["names"]:
            assert not _overlap(legend, other), (where, legend, other)
    for name in boxes["names"]:
        for tick in boxes["xticks"]:
            assert not _overlap(name, tick), (where, name, tick)
    for title in boxes["ytitle"]:
        for tick in boxes["yticks"]:
            assert not _overlap(title, tick), (where, title, tick)
    svg = boxes["svg"]
    for el in labels + boxes["legend"] + boxes["names"]:
        assert svg["left"] - 1 <= el["left"] and el["right"] <= svg["right"] + 1, (where, el)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_nothing_overlaps_on_the_charts_at_390_px(phone, live_server, member, seeds):
    # Two made-up (TEST) visits a month apart inside Sandwell's readings, so
    # their names are drawn side by side.
    for day, title in (
        (dt.date(2018, 6, 12), "TEST visit one"),
        (dt.date(2018, 7, 10), "TEST visit two"),
    ):
        services.inspection_create(
            organisation=seeds["sandwell"], kind=InspectionKind.MONITORING_VISIT,
            title=title, start_date=day,
        )  # fmt: skip
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    for path in (
        "/o/sandwell/kpi/PI1/",
        "/o/sandwell/kpi/PI1/?view=spc",
        "/o/sandwell/kpi/PI2/",  # comparators: a longer legend
        "/o/birmingham/kpi/KPI1/",  # one reading
        "/o/birmingham/kpi/KPI1/?view=spc",
    ):
        page.emulate_media(media="screen")
        page.goto(live_server.url + path)
        page.locator("#trend-chart .main-svg").first.wait_for()
        boxes = page.evaluate(BOXES_JS)
        _assert_readable(boxes, path)
        ticks = page.locator("#trend-chart g.xtick text").all_text_contents()
        assert len(ticks) == len(set(ticks)), (path, ticks)
        if path == "/o/sandwell/kpi/PI1/":
            assert len(boxes["names"]) == 2
        page.emulate_media(media="print")
        _assert_readable(page.evaluate(BOXES_JS), f"{path} printed")
        # The tool bar is not printed over the chart.
        modebar = page.locator("#trend-chart .modebar-container")
        assert modebar.evaluate("el => getComputedStyle(el).display") == "none"
