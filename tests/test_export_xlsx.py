"""Excel: one report in the official layout (fill offline, import back) and many reports for analysts."""

from io import BytesIO

import openpyxl
import pytest

from reports.importing import read_document
from reports.exports.excel import analysts_workbook, report_workbook
from reports.models import Report
from reports.values import ReportValues

from .conftest import make_org, make_report

pytestmark = pytest.mark.django_db


def test_the_official_layout_locks_labels_opens_input_cells_and_sums_by_formula(report):
    wb = openpyxl.load_workbook(BytesIO(report_workbook(report)))
    ws = wb["三、申请情况"]
    assert ws["A2"].value == report.format.table3.corner
    assert ws["D5"].value == 4 and ws["D5"].protection.locked is False
    assert ws["A5"].protection.locked is True and ws.protection.sheet is True
    assert ws["J5"].value == "=SUM(D5:I5)"
    assert ws["D28"].value == "=SUM(D7:D27)"  # （七）总计 sums the 22 result rows
    assert "A7:A28" in {str(r) for r in ws.merged_cells.ranges}  # 三、本年度办理结果 spans its 22 rows
    assert wb["四、复议诉讼"]["E5"].value == "=SUM(A5:D5)"
    assert wb["四、复议诉讼"]["A5"].value is None  # the blank 行政复议 cells stay blank
    assert [dv.type for dv in ws.data_validations.dataValidation] == ["whole"]


def test_a_clerk_fills_the_workbook_offline_and_imports_it_back(township):
    report = make_report(township, 2024)
    wb = openpyxl.load_workbook(BytesIO(report_workbook(report)))
    ws = wb["三、申请情况"]
    ws["D5"], ws["E5"] = 3, 1  # 新收: 3 自然人, 1 商业企业
    ws["D7"] = 2
    ws["D29"] = 1
    ws["J5"] = 5  # the clerk typed over the formula: a printed total that differs
    wb["二、主动公开"]["B18"] = 12.5  # 行政事业性收费
    wb["五、六"]["A4"] = "2024年，本机关未收取信息处理费。"
    out = BytesIO()
    wb.save(out)
    result = read_document("filled.xlsx", out.getvalue())
    v = result.values
    assert (v.table3["new"]["natural"], v.table3["new"]["commercial"]) == (3, 1)
    assert v.t3("new", "total") == 4 and v.printed_totals == {"table3.new.total": 5}
    assert str(v.table2["fees_10k_yuan"]) == "12.5"
    assert v.table3["denied_1"]["natural"] is None  # left blank, not 0
    assert v.prose["other_matters"] == "2024年，本机关未收取信息处理费。"


def test_the_analysts_workbook_has_one_row_per_report_and_one_column_per_cell(report, county):
    other = make_report(make_org("修武县自然资源局", "county_dept", parent=county), 2023)
    wb = openpyxl.load_workbook(BytesIO(analysts_workbook(Report.objects.order_by("organisation__name"))))
    ws = wb["报告数据"]
    header = [c.value for c in ws[1]]
    values = ReportValues()
    cells = 10 + 25 * 7 + 15  # 表二, 表三 (with its totals), 表四 (with its totals)
    assert len(header) == 7 + cells
    assert header[:4] == ["机关", "机关类型", "上级机关", "年度"]
    assert "表三 一、本年新收政府信息公开申请数量（自然人）" in header
    assert "表三 （三）不予公开1.属于国家秘密（总计）" in header
    assert "表四 行政诉讼（复议后起诉）总计" in header
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {report.organisation.name, other.organisation.name}
    xicun = dict(zip(header, rows["西村乡人民政府"]))
    assert xicun["表三 四、结转下年度继续办理（总计）"] == 2
    assert xicun["表四 行政复议结果维持"] is None
    assert rows["修武县自然资源局"][2] == "修武县人民政府"
    assert wb["字段说明"]["B2"].value == "table2.regulations_issued" and values.format.version == "2021"


def test_analysts_download_lists_only_what_the_user_may_see(client, report, outsider, county_officer):
    client.force_login(outsider)
    ws = openpyxl.load_workbook(BytesIO(client.get("/export/reports.xlsx").content))["报告数据"]
    assert ws.max_row == 1
    client.force_login(county_officer)
    ws = openpyxl.load_workbook(BytesIO(client.get("/export/reports.xlsx?year=2023").content))["报告数据"]
    assert ws["A2"].value == "西村乡人民政府"
    assert client.get("/export/reports.xlsx?year=abc").status_code == 400
