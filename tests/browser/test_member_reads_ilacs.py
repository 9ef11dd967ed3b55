"""A scrutiny member reads Birmingham's ILACS judgements beside its statistical
neighbours', over the seed data with Ofsted's file and DfE's 2025 neighbours."""

import csv
import io

import pytest
from django.core.management import call_command

from inspections import services
from tests.fast_fixtures import load_fixtures
from tests.inspections.test_outcomes_file import OFSTED_FILE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SN_2025 = OFSTED_FILE.parent.parent / "dfe" / "sn_model_2025_wide.csv"


def import_ilacs_demo():
    services.inspection_outcomes_import(name=OFSTED_FILE.name, data=OFSTED_FILE.read_bytes())
    call_command("import_neighbours", str(SN_2025), model="DfE 2025", stdout=io.StringIO())


def _rows(section):
    return [
        row.locator("th").inner_text().strip()
        for row in section.locator("table.ilacs-table tbody:not(.ilacs-own) tr").all()
    ]


def test_a_member_reads_ilacs_beside_the_neighbours_sorts_and_downloads(
    page, live_server, log_in, member
):
    load_fixtures("inspections_letters", "inspections_plans")
    import_ilacs_demo()
    log_in("member")
    page.goto(f"{live_server.url}/o/birmingham/inspections/")
    page.get_by_role("link", name="ILACS beside statistical neighbours").click()

    section = page.locator("#ilacs")
    heading = section.get_by_role("heading", level=2)
    assert heading.inner_text() == (
        "Ofsted ILACS judgements: Birmingham and its statistical neighbours"
    )
    assert "Judgements as at 31 March 2025." in section.locator(".ilacs-source").inner_text()
    history = section.locator(".ilacs-history-item")
    assert history.count() == 2
    assert history.nth(0).inner_text().startswith("ILACS Standard Inspection, 20 February 2023")
    assert "Published 18 April 2023" in history.nth(0).inner_text()
    assert "Care leavers: Good" in history.nth(0).inner_text()
    assert history.nth(1).inner_text().startswith("ILACS Standard Inspection, 3 December 2018")
    assert "Children in care and care leavers: Requires improvement to be good" in (
        history.nth(1).inner_text()
    )
    assert section.locator(".ilacs-summary").inner_text() == (
        "Of Birmingham's 10 statistical neighbours, 7 are judged Good overall at their latest "
        "ILACS inspection, 1 Requires improvement to be good and 2 Inadequate."
    )
    assert _rows(section) == [
        "Nottingham", "Manchester", "Bradford", "Newcastle upon Tyne", "Oldham",
        "Blackburn with Darwen", "Sheffield", "Middlesbrough", "Southampton", "Salford",
    ]  # fmt: skip
    nottingham = section.locator("table.ilacs-table tbody:not(.ilacs-own) tr").first
    assert "11 Jul 2022" in nottingham.inner_text()
    assert "Very close" in nottingham.inner_text()
    own = section.locator("tbody.ilacs-own tr")
    assert "This trust's authority" in own.inner_text() and "20 Feb 2023" in own.inner_text()

    section.get_by_role("link", name="Overall effectiveness").click()
    page.wait_for_url("**sort=overall_effectiveness*")
    header = page.locator("#ilacs th", has_text="Overall effectiveness")
    assert header.get_attribute("aria-sort") == "ascending"
    rows = _rows(page.locator("#ilacs"))
    assert rows[-2:] == ["Nottingham", "Bradford"]  # the two judged Inadequate, last
    assert rows[-3] == "Middlesbrough"

    with page.expect_download() as download:
        page.locator("#ilacs").get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "birmingham-ilacs-neighbours-2025-03-31.csv"
    with open(download.value.path(), encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert [r[0] for r in table[1:]] == ["Birmingham", *rows]
