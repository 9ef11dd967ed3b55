"""The Word building blocks (reports/docx.py), read back with python-docx."""

import io

import docx as python_docx
from docx.oxml.ns import qn
from PIL import Image

from reports import docx


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def _reopen(doc):
    return python_docx.Document(io.BytesIO(docx.to_bytes(doc)))


def _fill(cell) -> str:
    return cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))


def test_it_numbers_the_pages_in_the_footer_with_word_fields():
    doc = _reopen(docx.document(title="T", footer="Sandwell Children's Trust · Dec 2018"))
    footer = doc.sections[0].footer
    assert footer.paragraphs[0].text == "Sandwell Children's Trust · Dec 2018"
    instructions = [i.text.strip() for i in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[1].text == "Page 1 of 1"  # cached until Word lays it out


def test_it_writes_a_status_as_its_word_on_its_colour_with_polarity():
    doc = docx.document(title="T")
    docx.table(doc, ["KPI", "Status"], [["KPI2", docx.status_cell("red", "lower")]])
    cell = _reopen(doc).tables[0].rows[1].cells[1]
    assert [p.text for p in cell.paragraphs] == ["Red", "Lower is better"]
    assert _fill(cell) == "D4351C"


def test_it_repeats_the_header_row_and_shows_a_blank_as_a_dash():
    doc = docx.document(title="T")
    docx.table(doc, ["KPI", "Value"], [["KPI1", None]])
    grid = _reopen(doc).tables[0]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert grid.rows[1].cells[1].text == "—"


def test_it_writes_the_apps_markup_as_bold_runs_and_bullets():
    doc = docx.document(title="T")
    docx.markup(doc, "Referrals **rose** in December.\n\n- first\n - second")
    paragraphs = _reopen(doc).paragraphs[1:]
    assert [p.text for p in paragraphs] == ["Referrals rose in December.", "first", "second"]
    assert [r.text for r in paragraphs[0].runs if r.bold] == ["rose"]
    assert [p.style.name for p in paragraphs[1:]] == ["List Bullet", "List Bullet 2"]


def test_it_embeds_an_image_with_its_caption():
    doc = docx.document(title="T")
    docx.image(doc, _png(), width_cm=10, caption="KPI2 month by month")
    reopened = _reopen(doc)
    assert len(reopened.inline_shapes) == 1
    assert reopened.paragraphs[-1].text == "KPI2 month by month"
    assert reopened.paragraphs[-1].style.name == "Caption"
