"""The monthly report as a Word document (``?format=docx``): a committee
paper with the page's sections, the page's figures in the KPI table, a
chart for each KPI off target, page numbers, and the page's access rule."""

import datetime as dt
import io
import re
from decimal import Decimal

import docx as python_docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn

from kpis import services
from kpis.models import KPI
from reports import docx, monthly_docx, selectors

SECTION_NUMBERS = [f"4.2.{n}" for n in range(1, 9)]


@pytest.fixture
def world(seeds):
    call_command(
        "loaddata", "inspections_letters", "inspections_plans", "schedule6_sandwell", verbosity=0
    )
    return seeds


def _get(client, user, slug, period, **params):
    client.force_login(user)
    return client.get(reverse("monthly_report", args=[slug, period]), params)


def _document(response):
    return python_docx.Document(io.BytesIO(response.content))


def _kpi_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == "KPI"
                and t.rows[0].cells[2].text == "Value")  # fmt: skip


def _rows(document) -> dict[str, dict[str, str]]:
    """The KPI table as {code: {header: text}}, a status cell's words and its fill."""
    grid = _kpi_table(document)
    headers = [c.text for c in grid.rows[0].cells]
    rows = {}
    for row in grid.rows[1:]:
        cells = dict(zip(headers, row.cells, strict=True))
        found = {header: cell.text for header, cell in cells.items()}
        status = cells["Status"]
        found["Status"] = status.paragraphs[0].text
        found["Which way"] = status.paragraphs[1].text
        found["Fill"] = status._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
        rows[found["KPI"]] = found
    return rows


def _page_rows(response) -> dict[str, tuple[str, str, str]]:
    """Each KPI's value, target and status in the page's KPI table, as it shows them."""
    html = response.content.decode()
    found = {}
    for code, value, target, status in re.findall(
        r'data-kpi="([^"]+)">\s*<th scope="row">[^<]+</th>\s*<td class="kpi-title">[^<]*</td>\s*'
        r'<td class="text-end text-nowrap">([^<]*)</td>\s*<td class="text-end text-nowrap">([^<]*)'
        r'</td>\s*<td class="text-end text-nowrap">[^<]*</td>\s*<td><span class="status-with-'
        r'polarity"><span class="chip chip-[a-z_]+">([^<]+)</span>',
        html,
    ):
        found[code] = (value, target, status)
    return found


def test_it_downloads_a_word_document_named_for_the_month(client, member, world):
    response = _get(client, member, "sandwell", "2018-12", format="docx")
    assert response.status_code == 200
    assert response["Content-Type"] == docx.DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="sandwell-monthly-report-2018-12.docx"'
    )
    document = _document(response)
    assert document.paragraphs[0].text == (
        "Sandwell Children's Trust: monthly monitoring report, Dec 2018"
    )
    assert document.paragraphs[0].style.name == "Title"


def test_the_page_links_to_the_word_document(client, member, world):
    html = _get(client, member, "sandwell", "2018-12").content.decode()
    assert '<a class="btn btn-sm btn-outline-secondary" href="?format=docx" download>' in html
    assert "Download Word</a>" in html


@pytest.mark.parametrize(
    "slug, period, expected",
    [
        # Seed figures: Sandwell's Appendix 1 (Dec-18, no target agreed for
        # 2018/19) and Birmingham's cover paper (Oct 2018).
        ("sandwell", "2018-12", {"PI1": ("66.6%", "Target not yet agreed", "No target"),
                                 "PI2": ("69.2 per 10,000", "Target not yet agreed", "No target")}),
        ("birmingham", "2018-10", {"KPI1": ("85%", "85%", "Green"), "KPI2": ("24%", "21%", "Amber"),
                                   "KPI10": ("168 days", "240 days", "Green")}),
    ],
)  # fmt: skip
def test_its_kpi_table_shows_the_pages_figures(client, member, world, slug, period, expected):
    page = _get(client, member, slug, period)
    document = _document(_get(client, member, slug, period, format="docx"))
    rows = _rows(document)
    shown = _page_rows(page)
    report = page.context["report"]
    assert list(rows) == [line.row.kpi.code for line in report.indicators] == list(shown)
    for line in report.indicators:
        row = rows[line.row.kpi.code]
        assert (row["Value"], row["Target"], row["Status"]) == shown[line.row.kpi.code]
        assert row["Value"] == (line.value_text or "—")
        assert row["Status"] == line.status_label
        assert row["Which way"] == line.polarity_label
        assert row["Trust commentary"].split()[:5] == (line.commentary or "—").split()[:5]
    for code, figures in expected.items():
        assert (rows[code]["Value"], rows[code]["Target"], rows[code]["Status"]) == figures


def test_each_status_cell_is_its_word_on_its_colour(client, member, world):
    rows = _rows(_document(_get(client, member, "birmingham", "2018-10", format="docx")))
    assert (rows["KPI2"]["Status"], rows["KPI2"]["Fill"]) == ("Amber", "FFDD00")
    assert (rows["KPI1"]["Status"], rows["KPI1"]["Fill"]) == ("Green", "00703C")
    assert rows["KPI2"]["Which way"] == "Lower is better"


def test_it_has_the_pages_headings_4_2_1_to_4_2_8_in_order(client, member, world):
    document = _document(_get(client, member, "sandwell", "2018-12", format="docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{number} {heading}" for number, heading in selectors.HEADINGS.values()]
    assert [h.split()[0] for h in headings] == SECTION_NUMBERS


def test_it_carries_the_pages_sentences(client, member, world):
    page = _get(client, member, "sandwell", "2018-12")
    report = page.context["report"]
    text = "\n".join(p.text for p in _document(
        _get(client, member, "sandwell", "2018-12", format="docx")).paragraphs)  # fmt: skip
    for sentence in (
        report.return_summary,
        report.direction_sentence,
        report.on_target_sentence,
        report.summary_analysis.title,
        report.kpi_legend,
        report.spc_empty,
        report.failure_note,
        report.inspections_intro,
        report.ofsted_plans_sentence,
        "The trend in Quarter 3 is a downward trajectory from 73.5% to 66.6%.",
    ):
        assert sentence in text
        assert sentence in page.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_it_charts_each_kpi_off_target(client, member, world):
    response = _get(client, member, "birmingham", "2018-10", format="docx")
    document = _document(response)
    report = _get(client, member, "birmingham", "2018-10").context["report"]
    off_target = [line.row.kpi.code for line in report.off_target]
    assert off_target == ["KPI2", "KPI12", "KPI14"]  # the three Ambers of Oct 2018
    assert len(document.inline_shapes) == len(off_target)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert [c.split()[0] for c in captions] == off_target
    parts = document.part.package.parts
    assert sum(p.content_type == "image/png" for p in parts) == len(off_target)


def test_a_month_with_no_kpi_off_target_has_no_chart(client, member, world):
    document = _document(_get(client, member, "sandwell", "2018-12", format="docx"))
    assert len(document.inline_shapes) == 0


def test_the_footer_numbers_the_pages(client, member, world):
    document = _document(_get(client, member, "sandwell", "2018-12", format="docx"))
    footer = document.sections[0].footer
    assert (
        footer.paragraphs[0].text
        == "Sandwell Children's Trust · Monthly monitoring report · Dec 2018"
    )
    instructions = [i.text.strip() for i in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    # Landscape for the KPI table, then portrait again; one footer throughout.
    assert [s.page_width > s.page_height for s in document.sections] == [False, True, False]
    assert all(s.footer.is_linked_to_previous for s in document.sections[1:])


@pytest.fixture
def november_draft(officer, seeds):
    """Birmingham's November 2018 return, saved as a draft by its officer:
    KPI1 = 50 against 85 (75–95) is Red."""
    birmingham = seeds["birmingham"]
    kpi1 = KPI.objects.get(organisation=birmingham, code="KPI1")
    monthly_return = services.monthly_return_get_or_create(
        organisation=birmingham, period=dt.date(2018, 11, 1)
    )
    services.monthly_return_save(
        monthly_return=monthly_return,
        version=monthly_return.version,
        entries={kpi1: {"value": Decimal("50"), "commentary": "Staff sickness"}},
        user=officer,
    )
    return monthly_return


def test_a_member_does_not_read_a_draft_in_the_word_document(
    client, member, officer, november_draft
):
    members = _rows(_document(_get(client, member, "birmingham", "2018-11", format="docx")))
    assert members["KPI1"]["Value"] == "—"
    assert "Staff sickness" not in members["KPI1"]["Trust commentary"]
    officers = _rows(_document(_get(client, officer, "birmingham", "2018-11", format="docx")))
    assert (officers["KPI1"]["Value"], officers["KPI1"]["Status"]) == ("50%", "Red")
    assert officers["KPI1"]["Trust commentary"] == "Staff sickness"


def test_it_checks_ownership(client, sandwell_officer, seeds):
    assert _get(client, sandwell_officer, "birmingham", "2018-10", format="docx").status_code == 404


def test_it_requires_login(client, seeds):
    url = reverse("monthly_report", args=["birmingham", "2018-10"]) + "?format=docx"
    assert client.get(url).status_code == 302


def test_the_builder_reads_only_the_report_and_its_frames(member, world):
    """The document is a function of the report (and the charts' months):
    built twice from one report it says the same."""
    report = selectors.monthly_report(organisation=world["birmingham"], period=dt.date(2018, 10, 1))
    frames = selectors.off_target_frames(report, drafts=False)
    first, second = (
        python_docx.Document(io.BytesIO(monthly_docx.report_docx(
            report, off_target=frames, rectification=[], drafts=False,
            today=dt.date(2019, 1, 1))))
        for _ in range(2)
    )  # fmt: skip
    assert [p.text for p in first.paragraphs] == [p.text for p in second.paragraphs]
    assert "Produced by trustmonitor on 1 Jan 2019" in first.paragraphs[-1].text


def test_a_month_the_app_does_not_hold_says_so_on_portrait_pages(client, member, world):
    document = _document(_get(client, member, "birmingham", "2023-03", format="docx"))
    assert [s.page_width > s.page_height for s in document.sections] == [False]
    held = "Birmingham Children's Trust has returns in the app for Oct 2018 only"
    assert sum(held in p.text for p in document.paragraphs) >= 3  # 4.2.1, 4.2.2, 4.2.3
