"""The document as Word (.docx), for offices that print their red-header copies from Word or WPS.

Same structure as the HTML and the PDF (it reads the same `document_context`): title, preface, the six
headings, 表二/表三/表四 with the catalogue's merged cells, the 落款. Text goes in through python-docx,
which escapes it, so whatever a user typed stays text. Layout follows GB/T 9704-2012 as print.css does.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from django.utils import timezone

from ..catalogue import Placed
from ..models import Report
from .document import document_context
from ..templatetags.documents import paragraph_texts
from ..values import clean_text

# The official fonts first; Word and WPS substitute what an office lacks.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"
LINE = Pt(28.95)  # 22 lines of 三号 in the 225 mm text block
TEXT_WIDTH_MM = 156


def _em_width(text: str) -> float:
    """A line's width in characters of the body size: Latin letters and digits are half a character."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def grid(values, table: str) -> tuple[list[Placed], int, int]:
    """A table as the catalogue lays it out, with each value cell's text: (cells, rows, header rows)."""
    layout = values.format.layout(table)
    cells = [replace(p, text=_cell_text(values.get(p.key))) if p.key else p for p in layout.cells]
    return cells, layout.rows, layout.header_rows


# Column widths in mm (156 mm in all), as in document.css.
T2_WIDTHS = (53.04, 34.32, 34.32, 34.32)
T3_WIDTHS = (5.0, 24.18, 55.69, 11.23, 8.74, 8.74, 11.23, 11.23, 8.74, 11.23)
T4_WIDTHS = (10.4,) * 15


# ---------------------------------------------------------------- low-level formatting


def _fonts(rpr_parent, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set a run's or style's fonts for Chinese and Latin text, dropping theme fonts that would win."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
         latin: str = LATIN_FONT):
    # XML can't hold control characters: text stored before clean_text, or typed in the admin, may have them.
    run = paragraph.add_run(clean_text(text))
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(run._r, font, latin)
    return run


def _para(doc_or_cell, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, line=LINE,
          keep_with_next: bool = False, space_before: float = 0):
    p = doc_or_cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.first_line_indent = Pt(32) if indent else Pt(0)
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(0)
    if line is None:
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = line
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True
    return p


def _row_flags(row, *, header: bool) -> None:
    """No row split across pages; header rows repeat on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _cell_margins(table, *, top: int, side: int) -> None:
    """Narrow cell margins (in twips): Word's default 1.9 mm a side would squeeze 表三's numeric columns."""
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for name, width in (("top", top), ("left", side), ("bottom", top), ("right", side)):
        el = OxmlElement(f"w:{name}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    look = tblpr.find(qn("w:tblLook"))  # the schema orders tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        tblpr.append(margins)


def _table(doc, grid: tuple[list[Placed], int, int], widths: tuple[float, ...], size: float, *, keep: bool):
    cells, nrows, nheader = grid
    table = doc.add_table(rows=nrows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, top=30 if size < 12 else 60, side=28)
    ncols = len(widths)
    # python-docx's table.cell() walks the whole table on each call: take every cell once, before merging
    # (placed cells never overlap, so each merge touches only its own cells).
    slots = table._cells
    for i, w in enumerate(widths):
        table.columns[i].width = Mm(w)
    for i, cell in enumerate(slots):
        cell.width = Mm(widths[i % ncols])
    for r, row in enumerate(table.rows):
        _row_flags(row, header=r < nheader)
    for placed in cells:
        cell = slots[placed.row * ncols + placed.col]
        if placed.rowspan > 1 or placed.colspan > 1:
            last = slots[(placed.row + placed.rowspan - 1) * ncols + placed.col + placed.colspan - 1]
            cell = cell.merge(last)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        fmt = p.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT if placed.kind == "label" and placed.rowspan == 1 \
            else WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(round(size * 1.3, 1))
        # Keeping every row with the next keeps 表三 whole on one page, as in the PDF.
        fmt.keep_with_next = keep and placed.row + placed.rowspan < nrows
        _run(p, placed.text, font=SONG_FONT if placed.kind == "num" else BODY_FONT, size=size)
    return table


def _page_number_footer(footer, align) -> None:
    """「— N —」 in 四号 宋体."""
    p = footer.paragraphs[0]
    p.paragraph_format.alignment = align
    p.paragraph_format.first_line_indent = Pt(0)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        p.paragraph_format.right_indent = Pt(14)
    else:
        p.paragraph_format.left_indent = Pt(14)
    _run(p, "— ", font=SONG_FONT, size=14)
    run = _run(p, "", font=SONG_FONT, size=14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _run(p, " —", font=SONG_FONT, size=14)


WATERMARK_XML = (
    '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    "<w:r><w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>'
    '<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="gkportal_draft_watermark" o:spid="_x0000_s1025" type="#_x0000_t136"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:360pt;height:180pt;rotation:315;'
    "z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f"'
    ' fillcolor="#c00000" stroked="f">'
    '<v:fill opacity=".15"/><v:textpath style="font-family:&quot;黑体&quot;;font-size:1pt" string="草稿"/>'
    "</v:shape></w:pict></w:r></w:p>"
)


def _watermark(header) -> None:
    """The 草稿 watermark of a draft: a WordArt shape behind the text, as Word's own watermarks are."""
    header._element.append(parse_xml(WATERMARK_XML))


# ---------------------------------------------------------------- the document


def _describe(doc, *, title: str, author: str) -> None:
    """The file's own properties: ours, in Chinese, not those of python-docx's 2013 template (en-US)."""
    props = doc.core_properties
    now = timezone.now().replace(microsecond=0)
    props.title, props.author, props.last_modified_by = title, author, author
    props.subject = "政府信息公开工作年度报告"
    props.comments = props.keywords = props.category = ""
    props.language = "zh-CN"
    props.created = props.modified = now
    props.revision = 1
    # Proofing and font language of every run that does not say otherwise: Chinese, not en-US.
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for lang in doc.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")


def render_docx(report: Report, *, draft: bool) -> bytes:
    """The report as a .docx with the structure of the official document; a draft carries 草稿."""
    ctx = document_context(report, draft=draft)
    doc = Document()
    _describe(doc, title=clean_text(ctx["title"]) + ("（草稿）" if draft else ""),
              author=clean_text(ctx["signature_name"]))

    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal.element, BODY_FONT)

    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(23)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    if draft:
        _watermark(section.header)
        _watermark(section.even_page_header)

    title = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, line=Pt(35))
    _run(title, report.organisation.name, font=TITLE_FONT, size=22)
    title.add_run().add_break()
    _run(title, f"{report.year}年政府信息公开工作年度报告", font=TITLE_FONT, size=22)
    _para(doc, indent=False)  # the blank line under the title

    def prose(text: str, placeholder: str = "") -> None:
        lines = paragraph_texts(text)
        if not lines and draft and placeholder:
            lines = [placeholder]
        for line in lines:
            _run(_para(doc), line)

    def heading(text: str, level: int, *, new_page: bool = False) -> None:
        p = _para(doc, keep_with_next=True)
        p.paragraph_format.page_break_before = new_page
        p.paragraph_format.outline_level = level - 1
        _run(p, text, font=HEI_FONT if level == 1 else KAI_FONT)

    values, sections = ctx["values"], ctx["sections"]
    prose(values.prose["preface"])
    heading(sections["overview"].heading, 1)
    for part, text in ctx["overview_parts"]:
        heading(part.heading, 2)
        prose(text, sections["overview"].placeholder)
    heading(sections["proactive"].heading, 1)
    _table(doc, grid(values, "table2"), T2_WIDTHS, 12, keep=False)
    _para(doc, indent=False, line=Pt(12))
    # 表三 with its heading nearly fills a page: start it on one, so no word processor can split it.
    heading(sections["applications"].heading, 1, new_page=True)
    _table(doc, grid(values, "table3"), T3_WIDTHS, 9, keep=True)
    _para(doc, indent=False, line=Pt(12))
    heading(sections["review_litigation"].heading, 1)
    _table(doc, grid(values, "table4"), T4_WIDTHS, 10, keep=True)
    _para(doc, indent=False, line=Pt(12))
    heading(sections["problems"].heading, 1)
    prose(values.prose["problems"], sections["problems"].placeholder)
    heading(sections["other_matters"].heading, 1)
    prose(values.prose["other_matters"], sections["other_matters"].placeholder)

    _para(doc, indent=False, keep_with_next=True)
    # 成文日期右空四字; the organisation centred over the date (GB/T 9704-2012 7.3.5.1).
    name, date = ctx["signature_name"], ctx["signature_date_text"]
    shift = max(0.0, (_em_width(date) - _em_width(name)) / 2)
    for text, right in ((name, 4 + shift), (date, 4)):
        p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, keep_with_next=text == name)
        p.paragraph_format.right_indent = Pt(16 * right)
        _run(p, text)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
