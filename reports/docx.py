"""Building blocks for the committee papers the app writes as Word documents.

A small, stable API over python-docx, shared by every report that is a
.docx (the monthly monitoring report; the annual report and the scrutiny
pack build on it too). It knows nothing of KPIs or reports: callers pass
words, statuses already worked out and PNG bytes.

    doc = document(title="Sandwell Children's Trust", subtitle="Monthly …",
                   footer="Sandwell Children's Trust · Dec 2018")
    heading(doc, "Summary analysis", number="4.2.1")
    paragraph(doc, "Of 15 KPIs …")
    markup(doc, summary.text)                      # schedule6's stored markup
    table(doc, ["KPI", "Status"], [["PI1", status_cell("red", "higher")]])
    image(doc, png_bytes, caption="PI1 month by month")
    response.write(to_bytes(doc))

Everything is ordinary Word: named styles (Title, Heading 1–3, List Bullet,
Caption), real tables with a repeating header row, and the footer's
"Page X of Y" as PAGE and NUMPAGES fields, so the committee clerk can edit
the file and Word renumbers it.
"""

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from inspections.models import BRAG, BRAG_SHORT
from kpis import rating
from kpis.exports import BRAG_FILLS, STATUS_FILLS, Fill
from kpis.models import Polarity
from schedule6.markup import blocks

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT = "Arial"
TEXT_COLOUR = RGBColor(0x0B, 0x0C, 0x0C)
MUTED_COLOUR = RGBColor(0x50, 0x5A, 0x5F)
HEADER_FILL = "F3F2F1"
# A4 with 2 cm margins: 17 cm of text across a portrait page, 25.7 cm landscape.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21), Cm(29.7), Cm(2)

# Same markup rule as schedule6.markup: bold hugs its words.
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, and optionally a fill (background and text
    colour), bold, right alignment for figures, and a second, smaller line
    (e.g. which way is better beneath a status)."""

    text: str
    fill: Fill | None = None
    bold: bool = False
    right: bool = False
    note: str = ""


def document(*, title: str, subtitle: str = "", footer: str = "") -> DocumentType:
    """A new A4 document opening with ``title`` (style Title) and ``subtitle``,
    whose footer reads ``footer`` on the left and "Page X of Y" on the right."""
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    _footer(section, footer)
    doc.core_properties.title = title
    doc.core_properties.subject = subtitle
    doc.core_properties.author = "trustmonitor"
    doc.add_paragraph(title, style="Title")
    if subtitle:
        doc.add_paragraph(subtitle, style="Subtitle")
    return doc


def page_layout(doc: DocumentType, *, landscape: bool) -> None:
    """Start a new section on a new page, landscape or portrait (a wide table
    gets a landscape page). The footer carries on from the section before."""
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    wide, tall = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.page_width, section.page_height = wide, tall


def text_width(doc: DocumentType) -> Cm:
    """The width between the margins of the current (last) section."""
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def heading(doc: DocumentType, text: str, *, level: int = 1, number: str = "") -> Paragraph:
    """A heading in Word's Heading ``level`` style, ``number`` (e.g. "4.2.1")
    before its words, so the navigation pane and a table of contents list it."""
    return doc.add_heading(f"{number} {text}" if number else text, level=level)


def paragraph(
    doc: DocumentType,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    muted: bool = False,
    small: bool = False,
    style: str | None = None,
) -> Paragraph:
    """A paragraph of plain text (``muted``: grey, as the page's notes)."""
    para = doc.add_paragraph(style=style)
    if text:
        _run(para, text, bold=bold, italic=italic, muted=muted, small=small)
    return para


def runs(doc: DocumentType, parts: list, *, style: str | None = None) -> Paragraph:
    """A paragraph of several runs: each a string, or a ``Cell`` whose fill
    makes the run a coloured chip (e.g. "Red" on red) and whose bold is kept."""
    para = doc.add_paragraph(style=style)
    for part in parts:
        if isinstance(part, Cell):
            run = _run(para, part.text, bold=part.bold)
            if part.fill:
                _shade_run(run, part.fill)
        else:
            _run(para, str(part))
    return para


def bullets(doc: DocumentType, items: list, *, level: int = 0) -> None:
    """A bulleted list; each item is a string or a list of runs (see ``runs``)."""
    style = "List Bullet" if level == 0 else "List Bullet 2"
    for item in items:
        runs(doc, item if isinstance(item, list) else [item], style=style)


def markup(doc: DocumentType, text: str, *, small: bool = False) -> None:
    """Text stored in the app's simple markup (``schedule6.markup``: blank line
    a paragraph, ``- `` an item, a leading space a sub-item, ``**bold**``) as
    Word paragraphs and bulleted lists with bold runs."""
    for kind, content in blocks(text or ""):
        if kind == "p":
            _inline(doc.add_paragraph(), content, small=small)
            continue
        for depth, words in content:
            _inline(
                doc.add_paragraph(style="List Bullet 2" if depth else "List Bullet"),
                words,
                small=small,
            )


def status_cell(status: str, polarity: str = "") -> Cell:
    """A RAG status as a table cell: the word ("Red") on its colour, never
    colour alone, with which way is better beneath it when ``polarity`` is given."""
    label = rating.STATUS_LABELS.get(status, status)
    note = Polarity(polarity).label if polarity in Polarity.values else ""
    return Cell(label, fill=STATUS_FILLS.get(label), bold=True, note=note)


def brag_cell(status: str, *, short: bool = False) -> Cell:
    """An action's BRAG status as a table cell: its words on its colour
    (``short``: the chip's words, "Blue: complete", for a line of counts)."""
    label = BRAG(status).label if status in BRAG.values else "Not yet rated"
    words = BRAG_SHORT.get(status, label) if short else label
    return Cell(words, fill=BRAG_FILLS.get(label))


def table(
    doc: DocumentType,
    headers: list[str],
    rows: list[list],
    *,
    widths: list[float] | None = None,
    small: bool = True,
) -> Table:
    """A table with a shaded header row that repeats on every page. Each
    cell is a string, None (shown "—") or a ``Cell``; a string may carry the
    app's markup (``**bold**``, paragraphs). ``widths`` are relative column
    widths, scaled to the text width."""
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for cell, header in zip(grid.rows[0].cells, headers, strict=True):
        _fill_cell(cell, Cell(header, fill=Fill(HEADER_FILL), bold=True), small=small)
    _repeat_header(grid.rows[0])
    for values in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _fill_cell(cell, value if isinstance(value, Cell) else Cell(_text(value)), small=small)
    _widths(grid, widths or [1] * len(headers), text_width(doc))
    doc.add_paragraph()  # Word runs two adjacent tables into one.
    return grid


def image(doc: DocumentType, png: bytes, *, width_cm: float = 16, caption: str = "") -> None:
    """A PNG at ``width_cm`` across (its height in proportion), with a caption
    beneath in Word's Caption style."""
    doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    if caption:
        doc.add_paragraph(caption, style="Caption")


def to_bytes(doc: DocumentType) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text(value) -> str:
    return "—" if value is None or value == "" else str(value)


def _run(para: Paragraph, text: str, *, bold=False, italic=False, muted=False, small=False):
    run = para.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if muted:
        run.font.color.rgb = MUTED_COLOUR
    if small:
        run.font.size = Pt(9)
    return run


def _inline(para: Paragraph, text: str, *, small: bool = False) -> None:
    """``**bold**`` as bold runs, everything else as typed."""
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            _run(para, text[position : match.start()], small=small)
        _run(para, match.group(1), bold=True, small=small)
        position = match.end()
    if position < len(text):
        _run(para, text[position:], small=small)


def _fill_cell(cell, value: Cell, *, small: bool) -> None:
    content = [("p", value.text)] if "\n" not in value.text else blocks(value.text)
    first = True
    for kind, words in content or [("p", "")]:
        items = [(0, words)] if kind == "p" else words
        for depth, item in items:
            para = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            if kind == "ul":
                item = ("– " if depth else "• ") + item
            _inline(para, item, small=small)
            for run in para.runs:
                run.bold = True if value.bold else run.bold
                if value.fill:
                    run.font.color.rgb = RGBColor.from_string(value.fill.text)
            if value.right:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            para.paragraph_format.space_after = Pt(2)
    if value.note:
        note = cell.add_paragraph()
        _run(note, value.note, small=True, muted=not value.fill)
        note.paragraph_format.space_after = Pt(0)
        if value.fill:
            note.runs[0].font.color.rgb = RGBColor.from_string(value.fill.text)
    if value.fill:
        _shade(cell._tc.get_or_add_tcPr(), value.fill.background)


def _shade(properties, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


def _shade_run(run, fill: Fill) -> None:
    _shade(run._r.get_or_add_rPr(), fill.background)
    run.font.color.rgb = RGBColor.from_string(fill.text)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(grid: Table, weights: list[float], width) -> None:
    total = sum(weights)
    columns = [int(width * w / total) for w in weights]
    for column, size in zip(grid.columns, columns, strict=True):
        column.width = size
        for cell in column.cells:
            cell.width = size


def _field(para: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin, instruction, separate, a
    cached "1", end: Word and LibreOffice work out the number when they lay
    the page out."""
    for kind, text in (("begin", None), ("instr", code), ("separate", None), ("1", None)):
        run = para.add_run()
        if kind == "instr":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f" {text} "
            run._r.append(instruction)
        elif kind == "1":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    para.add_run()._r.append(end)


def _footer(section, text: str) -> None:
    """The footer's words, then "Page X of Y" on the right. Two paragraphs,
    each aligned to its side, rather than a tab stop: a tab's position would
    not move with a landscape section's wider text."""
    words = section.footer.paragraphs[0]
    _run(words, text, small=True, muted=True)
    pages = section.footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(pages, "Page ", small=True, muted=True)
    _field(pages, "PAGE")
    _run(pages, " of ", small=True, muted=True)
    _field(pages, "NUMPAGES")
    for para in (words, pages):
        para.paragraph_format.space_after = Pt(0)
        for run in para.runs:
            run.font.size = Pt(9)
            run.font.color.rgb = MUTED_COLOUR


def _styles(doc: DocumentType) -> None:
    """Arial throughout, dark headings: a council's committee paper, not Word's blue."""
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT_COLOUR
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Title", 22), ("Subtitle", 13), ("Heading 1", 15), ("Heading 2", 13),
                       ("Heading 3", 11.5), ("Caption", 9)):  # fmt: skip
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = MUTED_COLOUR if name in ("Subtitle", "Caption") else TEXT_COLOUR
        style.font.italic = False
        rfonts = style.element.rPr.rFonts
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(theme), None)
    styles["Title"].paragraph_format.space_after = Pt(4)
    styles["Caption"].font.bold = False
    styles["Caption"].paragraph_format.space_after = Pt(10)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.keep_with_next = True
        styles[name].paragraph_format.space_before = Pt(14 if name == "Heading 1" else 10)
