"""The Word export: the same document structure, 表三/表四 merged as in the format, escaped text, 草稿 only in drafts."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from reports.catalogue import get_format
from reports.exports.word import render_docx
from reports.services import save_values

from .rendering_support import HOSTILE, HOSTILE_PIECES

pytestmark = pytest.mark.django_db

FMT = get_format()


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _spans(table) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, col) of each cell's top-left slot → (rowspan, colspan, text), read back from the Word XML."""
    starts: dict[tuple[int, int], list] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge
            text = "".join(t.text for t in tc.iter(qn("w:t")))
            if vmerge == "continue":
                owner = next(k for k in sorted(starts, reverse=True) if k[1] == c and k[0] < r)
                starts[owner][0] += 1
            else:
                starts[(r, c)] = [1, span, text]
            c += span
    return {k: tuple(v) for k, v in starts.items()}


def test_the_docx_has_the_title_headings_and_prose_in_order(report):
    document = _open(render_docx(report, draft=False))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "西村乡人民政府\n2023年政府信息公开工作年度报告"
    order = [texts.index(s.heading) for s in FMT.sections]
    assert order == sorted(order)
    for part in FMT.overview_parts:
        assert part.heading in texts
    assert texts[-2:] == ["西村乡人民政府", texts[-1]] and texts[-1].endswith("日")
    assert any(t.startswith("一是部分村级公开内容更新不够及时") for t in texts)


def test_table3_in_word_has_the_merged_cells_and_numbers_of_the_format(report):
    values = report.values()
    t3 = _open(render_docx(report, draft=True)).tables[1]
    spans = _spans(t3)
    assert spans[(0, 0)] == (3, 3, FMT.table3.corner)
    assert spans[(0, 3)] == (1, 7, "申请人情况")
    assert spans[(1, 3)] == (2, 1, "自然人") and spans[(1, 4)] == (1, 5, "法人或其他组织")
    assert spans[(1, 9)] == (2, 1, "总计")
    for r, row in enumerate(FMT.table3.rows, start=3):
        col = 0
        for label in row.labels:
            while (r, col) not in spans:
                col += 1
            assert spans[(r, col)] == (label.rowspan, label.colspan, label.text), row.code
            col += label.colspan
        numbers = [spans[(r, 3 + i)][2] for i in range(len(FMT.table3.columns))]
        assert numbers == ["" if v is None else str(v) for v in values.t3_row(row.code)], row.code
    # header rows repeat on every page, and no row splits
    for i, tr in enumerate(t3._tbl.tr_lst):
        assert (tr.trPr.find(qn("w:tblHeader")) is not None) == (i < 3)
        assert tr.trPr.find(qn("w:cantSplit")) is not None


def test_table2_and_table4_in_word_follow_the_format(report):
    tables = _open(render_docx(report, draft=True)).tables
    t2 = _spans(tables[0])
    assert t2[(0, 0)] == (1, 4, "第二十条第（一）项")
    assert t2[(4, 0)] == (1, 4, "第二十条第（五）项") and t2[(5, 1)] == (1, 3, "本年处理决定数量")
    t4 = _spans(tables[2])
    assert t4[(0, 0)] == (1, 5, "行政复议") and t4[(0, 5)] == (1, 10, "行政诉讼")
    assert t4[(1, 0)] == (2, 1, "结果维持") and t4[(1, 5)] == (1, 5, "未经复议直接起诉")
    assert [t4[(3, c)][2] for c in range(15)] == [""] * 5 + ["0"] * 10


def test_prose_with_markup_is_plain_text_in_word(report):
    values = report.values()
    values.prose["problems"] = HOSTILE
    save_values(report, values)
    data = render_docx(report, draft=True)
    texts = "\n".join(p.text for p in _open(data).paragraphs)
    for piece in HOSTILE_PIECES:
        assert piece in texts
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert "127.0.0.1" not in zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()


def test_a_draft_docx_carries_the_watermark_and_a_published_one_never(report):
    def header_xml(data: bytes) -> str:
        import zipfile

        archive = zipfile.ZipFile(io.BytesIO(data))
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/header"))

    assert 'string="草稿"' in header_xml(render_docx(report, draft=True))
    assert "草稿" not in header_xml(render_docx(report, draft=False))


def test_the_docx_page_is_a4_with_the_official_margins_and_page_numbers(report):
    document = _open(render_docx(report, draft=False))
    section = document.sections[0]
    def mm(emu: int) -> float:
        return round(emu / 36000, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    footer = section.footer._element.xml
    assert "PAGE" in footer and "— " in footer


def test_the_docx_says_chinese_and_carries_its_own_title_and_author_not_the_templates(report):
    from django.utils import timezone

    document = _open(render_docx(report, draft=False))
    props = document.core_properties
    assert props.title == report.title and props.author == "西村乡人民政府" == props.last_modified_by
    assert props.language == "zh-CN" and props.comments == "" and "python-docx" not in (props.author + props.comments)
    assert abs((timezone.now() - props.created).total_seconds()) < 120  # not the template's 2013
    langs = [el for el in document.styles.element.iter(qn("w:lang"))]
    assert langs and all(el.get(qn("w:val")) == "zh-CN" == el.get(qn("w:eastAsia")) for el in langs)
    assert _open(render_docx(report, draft=True)).core_properties.title == f"{report.title}（草稿）"
