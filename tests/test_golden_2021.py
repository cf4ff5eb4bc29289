"""Golden files: what the 2021 format's exports print today, byte for byte (or cell for cell).

Each of the three example reports of ../shared/spec/examples (xicun_2023_seed, pingtan_2021, huaian_2024), given
fixed organisations, fixed prose and a fixed 成文日期, is exported as
- HTML: `render_html(report, draft=False)`, the inlined style sheets elided (the rest is compared as is);
- PDF: `render_pdf(report, draft=False)`, the page count and each page's text (pdfplumber); fonts, dates
  and other metadata are not compared;
- Word: `render_docx(report, draft=False)`, a dump of the body (paragraphs with style, alignment, outline level
  and page breaks; tables cell by cell with gridSpan/vMerge), the section's page setup and footers;
- JSON: `report_to_json(report)`; CSV: `publication_csv` of the report's numbers;
- Excel: `report_workbook(report)`, every sheet's merged ranges, non-empty cells (formulas as text, open
  cells marked), comments and data validations;
and the three together in `analysts_workbook`, and a county's `consolidated_workbook`, dumped the same way
(its 「生成时间：YYYY-MM-DD HH:MM」 replaced by 「生成时间：<normalised>」: the only volatile text found).

Each test compares the export with its file under tests/golden/; a difference fails with a unified diff.
To record today's output instead (after a change that is meant to alter the documents), run

    GKPORTAL_GOLDEN_UPDATE=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_golden_2021.py

and review `git diff tests/golden/` before committing. The files are stored byte for byte
(tests/golden/.gitattributes: -text), so the CSV keeps its CRLF line ends.
"""

from __future__ import annotations

import datetime
import difflib
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from reports.exports.data import publication_csv, report_to_json
from reports.exports.document import MissingFontsError, render_html, render_pdf
from reports.importing.jsonfile import read_report_json
from reports.models import Organisation, Report

from .conftest import EXAMPLES, make_org, make_report, needs_shared

pytestmark = [pytest.mark.django_db, needs_shared(EXAMPLES)]

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GKPORTAL_GOLDEN_UPDATE") == "1"
DIFF_LINES = 80
Kind = Organisation.Kind

# The example file, its organisation (name, short name, kind) under a fixed parent, and its 成文日期.
EXAMPLE_ORGS = {
    "xicun_2023_seed": ("西村乡人民政府", "西村乡", Kind.TOWNSHIP_GOV, ("修武县人民政府", "修武县", Kind.COUNTY_GOV)),
    "pingtan_2021": ("平潭综合实验区管理委员会", "平潭", Kind.OTHER, None),
    "huaian_2024": ("淮安市人民政府", "淮安市", Kind.CITY_GOV, ("江苏省人民政府", "江苏省", Kind.PROVINCE_GOV)),
}
NAMES = list(EXAMPLE_ORGS)


def prose_for(org: str, year: int) -> dict[str, str]:
    """Fixed prose of our own: several paragraphs, full-width punctuation and characters HTML must escape."""
    return {
        "preface": f"根据《中华人民共和国政府信息公开条例》规定，现公布{org}{year}年政府信息公开工作年度报告。"
                   f"本报告统计期限自{year}年1月1日起至{year}年12月31日止。",
        "overview_proactive": "全年主动公开政府信息，重点公开财政预决算、惠民补贴等内容。\n"
                              "第二段：公开目录及时更新，A&B <类> 信息“按时”发布。",
        "overview_on_request": "依申请公开的办理情况见表三；答复均在法定期限内作出。",
        "overview_management": "明确政府信息公开工作机构，落实保密审查制度。",
        "overview_platform": "依托政府门户网站政府信息公开专栏发布信息。",
        "overview_oversight": "将政务公开工作纳入年度绩效考核，组织业务培训2次。",
        "problems": "一是部分栏目更新不够及时。下一步建立月度检查制度。\n二是办理人员经验不足。下一步组织专题培训。",
        "other_matters": "" if year == 2024 else f"{year}年，本单位未收取信息处理费。",
    }


def example_report(name: str, *, parent: Organisation | None = None, year: int | None = None,
                   org_name: str | None = None, status: str = Report.Status.DRAFT) -> Report:
    _data, values = read_report_json((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    org, short, kind, parent_spec = EXAMPLE_ORGS[name]
    if org_name is not None:  # the numbers of an example for another organisation: a township
        org, short, kind = org_name, org_name[:3], Kind.TOWNSHIP_GOV
    if parent is None and parent_spec is not None and org_name is None:
        pname, pshort, pkind = parent_spec
        parent = Organisation.objects.filter(name=pname).first() or make_org(pname, pkind, short_name=pshort)
    year = year or _data["year"]
    values.prose.update(prose_for(org, year))
    if name == "pingtan_2021":
        values.processing_fee_yuan, values.processing_fee_count = Decimal("120.50"), 3
    organisation = make_org(org, kind, parent=parent, short_name=short)
    return make_report(organisation, year, values, signature_date=datetime.date(year + 1, 1, 20), status=status)


# ------------------------------------------------------------------------------------------- comparing


def check_golden(relative: str, text: str) -> None:
    """Compare `text` with the golden file (or write it when GKPORTAL_GOLDEN_UPDATE=1)."""
    path = GOLDEN / relative
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"no golden file {path}: record it with GKPORTAL_GOLDEN_UPDATE=1")
    expected = path.read_bytes().decode("utf-8")
    if text == expected:
        return
    diff = list(difflib.unified_diff(expected.splitlines(), text.splitlines(),
                                     f"golden/{relative}", "current output", lineterm="", n=2))
    if not diff:  # only line ends or the final newline differ
        diff = [f"line ends differ: golden {expected[-40:]!r} vs current {text[-40:]!r}"]
    shown = "\n".join(diff[:DIFF_LINES])
    more = f"\n… {len(diff) - DIFF_LINES} more diff lines" if len(diff) > DIFF_LINES else ""
    pytest.fail(f"{relative} differs from its golden file "
                f"(GKPORTAL_GOLDEN_UPDATE=1 records the new output):\n{shown}{more}", pytrace=False)


# ------------------------------------------------------------------------------------------- dumps

GENERATED = re.compile(r"(生成时间：)\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S)


def html_text(html: str) -> str:
    """The document HTML with the inlined style sheets elided (their files are not the format's output)."""
    return STYLE.sub(lambda m: f"{m.group(1)}/* inlined CSS: not compared */{m.group(3)}", html)


def pdf_text(data: bytes) -> str:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        out.append(f"pages: {len(pdf.pages)}")
        for number, page in enumerate(pdf.pages, start=1):
            out.append(f"===== page {number} ({float(page.width):.1f} × {float(page.height):.1f} pt)")
            out.append(page.extract_text() or "")
    return "\n".join(out) + "\n"


def docx_text(data: bytes) -> str:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))

    def para(p: Paragraph) -> str:
        fmt = p.paragraph_format
        flags = [p.style.name if p.style is not None else "-", f"align={p.alignment}"]
        outline = p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None:
            flags.append(f"outline={outline.get(qn('w:val'))}")
        if fmt.page_break_before:
            flags.append("page_break_before")
        if fmt.keep_with_next:
            flags.append("keep_with_next")
        breaks = len(p._p.findall(".//" + qn("w:br")))
        if breaks:
            flags.append(f"breaks={breaks}")
        return f"P [{' '.join(flags)}] {p.text!r}"

    def table(t: Table) -> list[str]:
        lines = [f"TABLE [{t.style.name if t.style is not None else '-'}] grid={len(t._tbl.tblGrid.gridCol_lst)}"]
        for r, tr in enumerate(t._tbl.tr_lst):
            cells = []
            for tc in tr.tc_lst:
                text = "\n".join("".join(x.text or "" for x in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                tags = []
                if tc.grid_span != 1:
                    tags.append(f"span={tc.grid_span}")
                if tc.vMerge is not None:
                    tags.append(f"vmerge={tc.vMerge}")
                cells.append(f"{text!r}" + (f"<{','.join(tags)}>" if tags else ""))
            lines.append(f"  row {r + 1}: " + " | ".join(cells))
        return lines

    out = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(para(Paragraph(child, doc)))
        elif child.tag == qn("w:tbl"):
            out.extend(table(Table(child, doc)))
    for i, section in enumerate(doc.sections):
        out.append(f"SECTION {i + 1}: page {section.page_width.mm:.1f}×{section.page_height.mm:.1f} mm, margins "
                   f"top {section.top_margin.mm:.1f} bottom {section.bottom_margin.mm:.1f} "
                   f"left {section.left_margin.mm:.1f} right {section.right_margin.mm:.1f}, "
                   f"start {section.start_type}")
        for label, part in (("header", section.header), ("even header", section.even_page_header),
                            ("footer", section.footer), ("even footer", section.even_page_footer)):
            if part.is_linked_to_previous:
                continue
            instr = " ".join(x.text.strip() for x in part._element.iter(qn("w:instrText")) if x.text)
            out.append(f"  {label}: {[p.text for p in part.paragraphs]!r}" + (f" fields: {instr}" if instr else ""))
    return "\n".join(out) + "\n"


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        out.append(f"===== sheet {ws.title!r} ({ws.dimensions}) protected={bool(ws.protection.sheet)}")
        merged = sorted(str(r) for r in ws.merged_cells.ranges)
        out.append("merged: " + " ".join(merged))
        for dv in ws.data_validations.dataValidation:
            out.append(f"validation: {dv.type} {dv.operator} {dv.formula1!r} blank={dv.allow_blank} "
                       f"ranges={' '.join(sorted(str(dv.sqref).split()))}")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.value == "":
                    continue
                tags = []
                if not cell.protection.locked:
                    tags.append("open")
                if cell.number_format != "General":
                    tags.append(f"fmt={cell.number_format}")
                tag = f" [{' '.join(tags)}]" if tags else ""
                out.append(f"{cell.coordinate}{tag}: {type(cell.value).__name__} {cell.value!r}")
        # Open cells left blank (a clerk fills them) and comments, which the dump above skips.
        blanks = [c.coordinate for row in ws.iter_rows() for c in row
                  if (c.value is None or c.value == "") and not c.protection.locked]
        if blanks:
            out.append("open blank: " + " ".join(blanks))
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    out.append(f"comment {cell.coordinate}: {cell.comment.text!r}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------- tests


@pytest.fixture(params=NAMES)
def example(request, db):
    return request.param, example_report(request.param)


def test_html(example):
    name, report = example
    check_golden(f"{name}/document.html", html_text(render_html(report, draft=False)))


def test_pdf_text(example):
    name, report = example
    try:
        data = render_pdf(report, draft=False)
    except MissingFontsError as exc:
        pytest.skip(f"no CJK fonts installed: {exc}")
    check_golden(f"{name}/document.pdf.txt", pdf_text(data))


def test_docx_structure(example):
    from reports.exports.word import render_docx

    name, report = example
    check_golden(f"{name}/document.docx.txt", docx_text(render_docx(report, draft=False)))


def test_json_and_csv(example):
    name, report = example
    check_golden(f"{name}/report.json",
                 json.dumps(report_to_json(report), sort_keys=False, ensure_ascii=False, indent=1) + "\n")
    # publication_csv reads only publication.data: the numbers as a publication freezes them.
    check_golden(f"{name}/data.csv", publication_csv(SimpleNamespace(data=report.values().to_json_dict())))


def test_report_workbook(example):
    from reports.exports.excel import report_workbook

    name, report = example
    check_golden(f"{name}/report.xlsx.txt", xlsx_text(report_workbook(report)))


def test_analysts_workbook_of_the_three_examples(db):
    from reports.exports.excel import analysts_workbook

    reports = [example_report(name) for name in NAMES]
    check_golden("analysts.xlsx.txt", xlsx_text(analysts_workbook(reports)))


def test_county_consolidated_workbook(db):
    """A county of four townships: two counted (approved, published), one draft left out, one without a report."""
    from reports.county import consolidation
    from reports.exports.county_excel import consolidated_workbook

    county = make_org("修武县人民政府", Kind.COUNTY_GOV, short_name="修武县")
    example_report("xicun_2023_seed", parent=county, year=2023, status=Report.Status.APPROVED)
    example_report("pingtan_2021", parent=county, year=2023, org_name="郇封镇人民政府", status=Report.Status.PUBLISHED)
    example_report("huaian_2024", parent=county, year=2023, org_name="城关镇人民政府")
    make_org("高村乡人民政府", Kind.TOWNSHIP_GOV, parent=county, short_name="高村乡")
    text = xlsx_text(consolidated_workbook(consolidation(county, 2023)))
    # The one volatile thing in all these exports: when the workbook was made (汇总范围!A2, to the minute).
    text, n = GENERATED.subn(r"\1<normalised>", text)
    assert n == 1, "the consolidated workbook no longer says 生成时间 once: update the normalisation"
    check_golden("county_2023.xlsx.txt", text)
