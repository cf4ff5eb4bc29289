"""The 2019 trial format, in which the reports for 2019 and 2020 were published, works like the 2021 one.

The report used is tests/fixtures/trial_2020.json: a township's 2020 report written from the template of
spec/sources/format-2019-trial.txt (real ones were published as web pages and PDFs, not as data), with a
negative 本年增/减 and a 政府集中采购 amount. Import of every file kind, checks, the document in HTML, PDF,
Word and Excel, JSON and CSV, versions, carry-over into 2021 and the county's sums.
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest

from reports.carryover import start_from_previous
from reports.catalogue import FORMAT_2019, FORMAT_2021, format_for_year, format_refusal
from reports.county import consolidation, organisation_trend
from reports.exports.data import publication_rows, report_to_json
from reports.exports.document import MissingFontsError, render_html, render_pdf
from reports.exports.excel import report_workbook
from reports.exports.word import render_docx
from reports.findings import report_context
from reports.forms import ProactiveForm
from reports.importing import read_document
from reports.importing.apply import ImportTargetError, import_into
from reports.importing.jsonfile import read_report_json
from reports.models import Report, ReportVersion
from reports.rules import check
from reports.services import save_values
from reports.values import ReportValues, ValuesError

from .conftest import complete_values, make_report

FIXTURE = Path(__file__).parent / "fixtures" / "trial_2020.json"


def trial_values() -> ReportValues:
    return read_report_json(FIXTURE.read_text(encoding="utf-8"))[1]


@pytest.fixture
def trial(township) -> Report:
    return make_report(township, 2020, trial_values())


def _same_numbers(a: ReportValues, b: ReportValues) -> None:
    assert a.format_version == b.format_version
    assert a.table2 == b.table2
    assert a.table3 == b.table3
    assert a.table4 == b.table4


# ---------------------------------------------------------------- the catalogue


def test_the_trial_format_is_the_template_verbatim():
    template = (Path(__file__).resolve().parents[2] / "shared" / "spec" / "sources" / "format-2019-trial.txt")
    t2 = FORMAT_2019.table2
    assert [b.item for b in t2.blocks] == [f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九")]
    assert t2.blocks[0].header == ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量")
    assert [label for label, _ in t2.blocks[1].rows] == ["行政许可", "其他对外管理服务事项"]
    assert t2.blocks[3].header == ("信息内容", "上一年项目数量", "本年增/减")
    assert t2.blocks[4].rows[0][0] == "政府集中采购"
    assert [r.code for r in FORMAT_2019.table3.rows if r.code.startswith("other")] == ["other"]
    assert FORMAT_2019.table3.row("granted").labels[0].rowspan == 20
    if template.exists():
        text = template.read_text(encoding="utf-8")
        for block in t2.blocks:
            for label in (block.item, *block.header[1:], *(r for r, _ in block.rows)):
                assert label in text, label


def test_every_cell_has_one_key_a_kind_and_a_place_in_the_layout():
    for fmt in (FORMAT_2021, FORMAT_2019):
        keys = [c.key for c in fmt.cells]
        assert len(keys) == len(set(keys))
        placed = {p.key for table in ("table2", "table3", "table4") for p in fmt.layout(table).cells if p.key}
        assert placed == set(keys)
    assert FORMAT_2019.cell("table2.licensing_change").kind == "signed"
    assert FORMAT_2019.cell("table2.procurement_amount").kind == "amount"
    assert FORMAT_2021.cell("table2.fees_10k_yuan").unit == "万元"
    # The shorter sub-tables' last column spans the rest of the four-column grid, in both formats.
    fees = next(p for p in FORMAT_2019.layout("table2").cells if p.key == "table2.fees_change")
    assert (fees.col, fees.colspan) == (2, 2)
    assert next(p for p in FORMAT_2021.layout("table2").cells if p.key == "table2.licensing").colspan == 3


def test_a_report_takes_the_format_of_its_year(township):
    assert format_for_year(2019) is FORMAT_2019 and format_for_year(2020) is FORMAT_2019
    assert format_for_year(2021) is FORMAT_2021
    assert make_report(township, 2020).format_version == "2019"
    assert make_report(township, 2021).format_version == "2021"
    assert format_refusal(2020, "2021") == ""  # a 2020 report printed in the 2021 format: its document says so
    assert "须按2021 年格式" in format_refusal(2022, "2019")


# ---------------------------------------------------------------- values, JSON and the checks


def test_json_round_trips_and_a_negative_change_is_a_count_only_where_the_format_says():
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    values = trial_values()
    assert values.table2["licensing_change"] == -2
    assert values.table2["procurement_amount"] == Decimal("86.25")
    out = values.to_json_dict()
    for key in ("format", "columns", "table2", "table3", "table4"):
        assert out[key] == data[key]
    data["table2"]["licensing_previous"] = -1
    with pytest.raises(ValuesError, match="件数不能为负数"):
        ReportValues.from_json_dict(data)


def test_the_trial_report_passes_the_checks_that_apply_to_it(trial):
    findings = check(trial.values(), report_context(trial))
    assert [f for f in findings if f.severity == "error"] == []
    rules = {f.rule for f in findings}
    # The 1,000-字 limit and the 信息处理费 in §六 are the 2021 format's, not the trial format's.
    assert not rules & {"N-S1-LEN", "N-S6-FEE", "T3-FEE-LINK", "S-FEE-UNIT"}


def test_a_broken_trial_report_is_told_what_is_wrong(trial):
    values = trial.values()
    values.table3["new"]["natural"] = 9
    values.table2["penalty_previous"] = None
    found = {f.rule: f for f in check(values)}
    assert "T3-BAL" in found
    assert "table2.penalty_previous" in found["S-CELLS"].cells
    assert "上一年项目数量" in found["S-CELLS"].message


# ---------------------------------------------------------------- the document and its exports


def test_the_document_prints_the_trial_tables(trial):
    html = render_html(trial, draft=True)
    for label in ("本年新制作数量", "其他对外管理服务事项", "本年增/减", "政府集中采购", "采购总金额", "（六）其他处理"):
        assert label in html
    assert 'data-cell="table2.licensing_change" colspan="1"' not in html  # spans only where they span
    assert '<td class="num" data-cell="table2.licensing_change">-2</td>' in html
    assert '<td class="num" data-cell="table2.procurement_amount" colspan="2">86.25</td>' in html
    assert "1.申请人无正当理由逾期不补正" not in html  # the 2021 sub-rows of （六）
    assert "原则上不超过" not in html


def test_the_pdf_of_a_trial_report(trial):
    import pdfplumber

    try:
        pdf = render_pdf(trial, draft=True)
    except MissingFontsError as exc:
        pytest.skip(str(exc))
    with pdfplumber.open(BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
    assert "采购总金额" in text and "其他对外管理服务事项" in text and "-2" in text


def test_word_and_excel_carry_the_trial_layout(trial):
    import docx
    import openpyxl

    d = docx.Document(BytesIO(render_docx(trial, draft=True)))
    texts = {c.text for t in d.tables for row in t.rows for c in row.cells}
    assert {"本年新制作数量", "采购总金额", "-2", "86.25", "（六）其他处理"} <= texts
    wb = openpyxl.load_workbook(BytesIO(report_workbook(trial)))
    ws = wb["二、主动公开"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells[-2].protection.locked is False
    validations = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == "-99999999"]
    assert validations and cells[-2].coordinate in str(validations[0].sqref)


@pytest.mark.parametrize("kind", ["xlsx", "html", "docx", "json"])
def test_every_file_kind_reads_back_as_a_trial_report(trial, kind):
    data = {
        "xlsx": lambda: report_workbook(trial),
        "html": lambda: render_html(trial, draft=False).encode("utf-8"),
        "docx": lambda: render_docx(trial, draft=False),
        "json": lambda: json.dumps(report_to_json(trial), ensure_ascii=False).encode("utf-8"),
    }[kind]()
    result = read_document(f"report.{kind}", data)
    assert result.values.format_version == "2019"
    _same_numbers(result.values, trial.values())
    assert not [n for n in result.notes if n.severity == "error"]
    if kind != "json":  # told by the labels: shown as inferred
        assert any(n.kind == "inferred" and "2019 年试行格式" in n.message for n in result.notes)


def test_a_published_web_page_in_the_trial_format_imports():
    """The template as a web page copies it: one table row per line, cells separated by tabs."""
    values = trial_values()
    fmt = values.format
    lines = ["西村乡人民政府2020年政府信息公开工作年度报告", values.prose["preface"], "一、总体情况"]
    for part in fmt.overview_parts:
        lines += [part.heading, values.prose[f"overview_{part.code}"]]
    lines.append("二、主动公开政府信息情况")
    for block in fmt.table2.blocks:
        lines += [block.item, "\t".join(block.header)]
        for label, fields in block.rows:
            lines.append("\t".join([label, *(str(values.table2[k]) for k in fields)]))
    lines.append("三、收到和处理政府信息公开申请情况")
    lines.append("\t".join(label.text for row in fmt.table3.header for label in row))
    for row in fmt.table3.rows:
        labels = [label.text for label in row.labels]
        lines.append("\t".join([*labels, *(str(values.t3(row.code, c.code)) for c in fmt.table3.columns)]))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    for header_row in fmt.table4.header:
        lines.append("\t".join(label.text for label in header_row))
    lines.append("\t".join(str(values.get(c.key)) for c in fmt.table4.cells))
    lines += ["五、存在的主要问题及改进情况", values.prose["problems"], "六、其他需要报告的事项", values.prose["other_matters"]]
    result = read_document("page.txt", "\n".join(lines).encode("utf-8"))
    assert result.values.format_version == "2019"
    _same_numbers(result.values, values)
    assert result.values.prose["problems"] == values.prose["problems"]


# ---------------------------------------------------------------- paths that write


def test_a_trial_document_is_refused_for_a_2021_report(township, drafter):
    report = make_report(township, 2022)
    with pytest.raises(ImportTargetError, match="须按2021 年格式"):
        import_into(report, trial_values(), by=drafter, prose_fields=[])
    assert report.values().format_version == "2021"


def test_the_editor_takes_a_negative_change_and_refuses_a_negative_count(trial, drafter):
    form = ProactiveForm(trial, {"table2.licensing_change": "-5", "table2.licensing_previous": "-1",
                                 "revision": "0"})
    assert not form.is_valid()
    assert "table2.licensing_change" not in form.errors
    assert "负数" in form.errors["table2.licensing_previous"][0]
    form = ProactiveForm(trial, {**{c.key: form.initial[c.key] for c in FORMAT_2019.table2.cells},
                                 "table2.licensing_change": "－5", "revision": "0"})
    assert form.savable()
    form.save(revision=trial.proactive.revision, by=drafter)
    assert Report.objects.get(pk=trial.pk).values().table2["licensing_change"] == -5
    version = ReportVersion.objects.filter(report=trial).latest("number")
    assert version.data["table2"]["licensing_change"] == -5


def test_a_2020_trial_report_starts_a_2021_report(trial, township, drafter):
    values = trial.values()
    Report.objects.filter(pk=trial.pk).update(status=Report.Status.PUBLISHED)
    new = start_from_previous(township, 2021, by=drafter)
    assert new.format_version == "2021"
    carried = new.values()
    assert carried.table3["carried_over"] == {c: values.t3("carry_forward", c) for c in carried.table3["carried_over"]}
    assert carried.prose["problems"] == values.prose["problems"]
    assert set(carried.table2) == set(FORMAT_2021.table2.fields)
    findings = {f.rule: f for f in check(carried, report_context(new))}
    # 表三's 结转 → 上年结转 is compared; 表二's columns are not comparable, and the report says so.
    assert "T3-CARRY" not in findings
    assert findings["T2-XYEAR"].severity == "info" and "不能相互核对" in findings["T2-XYEAR"].message


def test_the_county_sums_trial_reports_in_the_database(county, township, sibling):
    make_report(township, 2020, trial_values(), status=Report.Status.APPROVED)
    other = trial_values()
    other.table2["licensing_change"] = 3
    other.table2["procurement_amount"] = Decimal("0.75")
    make_report(sibling, 2020, other, status=Report.Status.APPROVED)
    c = consolidation(county, 2020)
    assert c.values.format_version == "2019"
    assert c.values.table2["licensing_change"] == 1  # −2 + 3
    assert c.values.table2["procurement_amount"] == Decimal("87.00")
    assert c.values.table2["licensing"] == 252
    rows = publication_rows(c.values.to_json_dict())
    assert ("表二", "procurement_amount", "政府集中采购", "value", "采购总金额", "87.00") in rows
    assert ("表二", "licensing_change", "行政许可", "value", "本年增/减", 1) in rows


def test_one_year_one_format_a_2020_report_in_the_2021_format_is_left_out_saying_why(county, township, sibling):
    make_report(township, 2020, trial_values(), status=Report.Status.APPROVED)
    kept_2021 = make_report(sibling, 2020, complete_values(), status=Report.Status.APPROVED)
    assert kept_2021.format_version == "2021"
    c = consolidation(county, 2020)
    assert [r.pk for r in c.reports] == [Report.objects.get(organisation=township).pk]
    reason = dict((org.pk, report) for org, report in c.left_out)[sibling.pk].left_out_reason
    assert "2021 年格式" in reason and "未计入" in reason
    assert c.values.table2["licensing"] == 126  # the trial-format report only


def test_a_trend_across_the_two_formats_groups_other_handling_alike(township):
    trial = trial_values()
    trial.table3["other"]["natural"] = 2
    trial.table3["granted"]["natural"] -= 2
    make_report(township, 2020, trial, status=Report.Status.PUBLISHED)
    later = complete_values()
    later.table3["other_3"]["natural"] = 1
    make_report(township, 2022, later, status=Report.Status.PUBLISHED)
    t = organisation_trend(township)
    assert t.years == [2020, 2022]
    assert t.results["（六）其他处理"] == [2, later.t3_group("（六）其他处理", "total")]


def test_versions_of_two_formats_are_compared_cell_by_cell_by_key(township, drafter):
    from reports.versions import diff_versions
    from reports.writing import How, writing

    report = make_report(township, 2020)
    for values in (trial_values(), complete_values()):  # the same year re-imported in the 2021 format
        with writing(report, by=drafter, how=How.IMPORT) as locked:
            save_values(locked, values)
    old, new = ReportVersion.objects.filter(report=report).order_by("number")
    changes = {c.key: c for c in diff_versions(old, new).cells}
    assert (changes["table2.licensing_change"].old, changes["table2.licensing_change"].new) == (-2, None)
    assert changes["table2.fees_10k_yuan"].old is None
    assert changes["table2.fees_10k_yuan"].new == complete_values().table2["fees_10k_yuan"]
    # 表三's shared rows are compared with each other, not shifted by the rows only one format has.
    assert "table3.carry_forward.natural" in changes
    assert changes["table3.carry_forward.natural"].old == 1


def test_the_report_page_says_which_format_the_report_is_in(client, trial, drafter):
    client.force_login(drafter)
    page = client.get(f"/reports/{trial.pk}/").content.decode()
    assert "按2019 年试行格式（政府信息公开工作年度报告格式（试行））填报" in page


@pytest.mark.parametrize("text, typed, expected", [
    ("-3", None, (-3, "")), ("－3", None, (-3, "")), ("−12", None, (-12, "")), ("+2", None, (2, "")),
    ("3", None, (3, "")), ("—", None, (None, "marker")), ("", None, (None, "blank")), ("-4", -4, (-4, "")),
])
def test_a_signed_cell_reads_a_minus_sign_where_a_count_refuses_it(text, typed, expected):
    from reports.importing.cells import CellError, read_count, read_signed
    from reports.importing.result import Cell

    cell = Cell(text, "第1行第2格", typed)
    assert read_signed(cell) == expected
    if expected[0] is not None and expected[0] < 0:
        with pytest.raises(CellError):  # a count refuses it, at the cell ("是负数" or "不是数字")
            read_count(cell)
