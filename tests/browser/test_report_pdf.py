import pytest
from pypdf import PdfReader

from kpis.models import Reading
from reports.selectors import HEADINGS
from tests.fast_fixtures import load_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_opens_the_monthly_report_and_prints_it_to_pdf(
    page, live_server, log_in, member, tmp_path
):
    load_fixtures("inspections_letters", "inspections_plans")
    Reading.objects.filter(
        kpi__organisation__slug="birmingham", kpi__code="KPI2", period="2018-10-01"
    ).update(commentary="Re-referrals rose after a review of closed cases.")
    log_in("member")

    page.get_by_role("link", name="Birmingham Children's Trust").click()
    page.get_by_role("link", name="Monthly report").click()
    page.wait_for_url(f"{live_server.url}/o/birmingham/report/2018-10/")
    for number, heading in HEADINGS.values():
        assert page.get_by_role("heading", name=f"{number} {heading}", exact=True).is_visible()
    kpi2 = page.locator(".kpi-table tr[data-kpi='KPI2']")
    assert kpi2.locator(".chip").inner_text() == "Amber"
    assert "Re-referrals rose" in kpi2.inner_text()
    assert page.get_by_text("The app holds no audit activity or findings").is_visible()

    # What the committee gets on paper: no navigation, every section.
    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.get_by_role("link", name="Download XLSX").is_hidden()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)

    reader = PdfReader(pdf)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape, points
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Birmingham Children's Trust" in text
    assert "KPI2" in text and "Amber" in text
    assert "Re-referrals rose after a review of closed cases." in text
    for number, _ in HEADINGS.values():
        assert number in text
    assert "Download XLSX" not in text
