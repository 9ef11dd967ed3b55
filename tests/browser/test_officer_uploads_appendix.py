"""Sandwell's officer uploads Appendix 1 as the team keeps it, sees how each
column will be read before anything is saved, and saves it with its comparators."""

import tempfile
from pathlib import Path

import pytest

from kpis.models import Comparator, ImportMapping, Reading
from tests.kpis.imports.appendix import appendix_xlsx, seed_readings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots to look at, not committed.
SHOTS = Path(tempfile.gettempdir()) / "shots-imports"


def test_the_officer_uploads_the_appendix_and_confirms_the_mapping(
    page, live_server, log_in, unreturned_seeds, sandwell_officer, tmp_path
):
    sandwell = unreturned_seeds["sandwell"]
    Reading.objects.filter(kpi__organisation=sandwell).delete()
    Comparator.objects.filter(kpi__organisation=sandwell).delete()
    path = tmp_path / "Appendix 1 - Performance Dataset.xlsx"
    path.write_bytes(appendix_xlsx())

    log_in("sandwell-officer")
    page.goto(f"{live_server.url}/o/sandwell/upload/")
    page.get_by_label("CSV or XLSX file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/upload/*/")

    page.get_by_text("180 new, 0 changed, 0 unchanged").wait_for()
    mapping = page.get_by_role("region", name="Columns and what they are")
    assert (
        "Headings in row 3, found from the headings."
        in page.locator(".mapping-source").inner_text()
    )
    assert "The KPI: its code" in mapping.locator("tbody tr").first.inner_text()
    assert page.get_by_label("Column W is").input_value() == "ignore"
    assert page.get_by_label("Column I is").input_value() == "month"
    assert page.get_by_label("Column H is").input_value() == "comparator:region"
    assert "Row 20: a note under the table" in page.locator(".upload-skipped").inner_text()
    assert Reading.objects.filter(kpi__organisation=sandwell).count() == 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "upload-preview-appendix-desktop.png", full_page=True)
    section = page.locator("section[aria-labelledby=mapping-heading]")
    section.screenshot(path=SHOTS / "upload-preview-appendix-mapping-desktop.png")
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=SHOTS / "upload-preview-appendix-320.png", full_page=True)
    page.screenshot(path=SHOTS / "upload-preview-appendix-320-top.png")
    section.screenshot(path=SHOTS / "upload-preview-appendix-mapping-320.png")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("Also save these 15 comparators for 2018").check()
    page.get_by_role("button", name="Save these readings").click()
    page.get_by_text(
        "180 new, 0 changed, 0 unchanged; saved; comparators for 2018 saved."
    ).wait_for()
    saved = {
        (r.kpi.code, r.period): r.value
        for r in Reading.objects.filter(kpi__organisation=sandwell).select_related("kpi")
    }
    assert saved == seed_readings()
    assert Comparator.objects.filter(kpi__organisation=sandwell).count() == 15
    assert ImportMapping.objects.filter(organisation=sandwell).count() == 1
