"""A clerk imports last year's Word-copied text, checks the preview, confirms; then starts next year."""

import pytest
from playwright.sync_api import expect

from reports.models import Report
from reports.services import create_report

from ..conftest import SEEDS, needs_shared
from .conftest import login, screenshot

SEED = SEEDS / "000_3cc3c4a50339be4b.txt"


@needs_shared(SEED)
@pytest.mark.django_db(transaction=True)
def test_clerk_imports_the_seed_checks_the_preview_and_confirms(page, township, drafter):
    report = create_report(township, 2023)
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_role("link", name="导入文档").click()
    page.get_by_label("文件").set_input_files(str(SEED))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-notes")).to_contain_text("按表格行序认定为：1.属于国家秘密")
    expect(page.locator(".import-notes")).to_contain_text("“本年度止件数”应为“本年废止件数”")
    expect(page.locator(".import-blanks")).to_contain_text("行政复议结果维持")
    screenshot(page, "import-preview-seed")
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") is None  # nothing saved yet
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("[role=status]").first).to_contain_text("已导入")
    expect(page.locator("span.badge", has_text="从已有文档导入")).to_be_visible()
    page.get_by_role("button", name="以本报告为基础开始 2024 年度报告").click()
    expect(page.locator("#carried-texts")).to_contain_text("（二）依申请公开")
    screenshot(page, "carryover-marks")
    page.locator("#carried-texts li", has_text="前言").get_by_role("button", name="已核对，确认沿用").click()
    expect(page.locator("#carried-texts")).not_to_contain_text("前言")
    assert Report.objects.get(year=2024).values().t3("carried_over", "natural") == 2


@pytest.mark.django_db(transaction=True)
def test_county_officer_imports_two_reports_at_once(page, township, sibling, county_officer, tmp_path):
    import json

    from ..conftest import demo_values

    for name, org in (("xicun.json", "西村乡人民政府"), ("huanfeng.json", "郇封镇人民政府")):
        (tmp_path / name).write_text(json.dumps({"org": org, "year": 2022, **demo_values().to_json_dict()},
                                                ensure_ascii=False), encoding="utf-8")
    login(page, "officer")
    page.get_by_role("link", name="批量导入已有报告").click()
    page.get_by_label("文件或压缩包").set_input_files([str(tmp_path / "xicun.json"), str(tmp_path / "huanfeng.json")])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.get_by_label("所属机关").first).to_have_value(str(township.pk))
    screenshot(page, "import-bulk-preview")
    page.get_by_role("button", name="导入选中的文档").click()
    expect(page.locator(".list-group-item", has_text="已导入")).to_have_count(2)
    assert set(Report.objects.filter(year=2022).values_list("organisation__name", flat=True)) == {
        "西村乡人民政府", "郇封镇人民政府"}


@pytest.mark.django_db(transaction=True)
def test_the_bulk_preview_says_at_once_when_another_organisation_or_year_is_picked(
        page, township, sibling, county_officer, tmp_path):
    import json

    from ..conftest import demo_values

    create_report(sibling, 2024)
    path = tmp_path / "xicun.json"
    path.write_text(json.dumps({"org": "西村乡人民政府", "year": 2023, **demo_values().to_json_dict()},
                               ensure_ascii=False), encoding="utf-8")
    login(page, "officer")
    page.get_by_role("link", name="批量导入已有报告").click()
    page.get_by_label("文件或压缩包").set_input_files([str(path)])
    page.get_by_role("button", name="上传并预览").click()
    differs, there = page.locator(".import-title-differs"), page.locator(".import-existing")
    expect(differs).to_be_hidden()
    page.get_by_label("所属机关").select_option(str(sibling.pk))
    page.get_by_label("年度", exact=True).fill("2024")
    expect(differs).to_contain_text("文档标题中的机关是“西村乡人民政府”，选择的是“郇封镇人民政府”")
    expect(differs).to_contain_text("文档标题是 2023 年度的报告，选择的是 2024 年度")
    expect(there).to_contain_text("郇封镇人民政府2024年政府信息公开工作年度报告已经存在（草稿）")
    screenshot(page, "import-bulk-target-changed")
    page.get_by_role("button", name="导入选中的文档").click()
    expect(page.locator("body")).to_contain_text("请勾选“文档标题与所选机关或年度不同，仍要导入”")
    assert not Report.objects.filter(organisation=township).exists()


PINGTAN_PAGE = SEEDS.parent / "corpus" / "pingtan_2021_page.txt"


@needs_shared(PINGTAN_PAGE)
@pytest.mark.django_db(transaction=True)
def test_a_clerk_chooses_the_reading_of_a_run_together_row_and_the_preview_is_accessible(page, drafter):
    """No last year to settle 「行政规范性文件693665」: the clerk must pick a reading; nothing is guessed."""
    from reports.models import Organisation

    from ..conftest import make_org
    from .axe import axe_violations, describe, serious

    org = make_org("平潭综合实验区", Organisation.Kind.COUNTY_GOV)
    from reports.models import Membership
    Membership.objects.create(user=drafter, organisation=org, role=Membership.Role.DRAFTER)
    report = create_report(org, 2021)
    login(page, "drafter")
    page.goto(f"/reports/{report.pk}/import/")
    page.get_by_label("文件").set_input_files(str(PINGTAN_PAGE))
    page.get_by_role("button", name="上传并预览").click()
    choice = page.get_by_label("本年制发 69、本年废止 3、现行有效 665")
    expect(choice).to_be_visible()
    assert not serious(axe_violations(page)), "\n".join(describe("import preview", serious(axe_violations(page))))
    screenshot(page, "import-preview-choose-reading")
    page.get_by_role("button", name="确认导入").click()  # no reading chosen: the browser does not send it
    assert Report.objects.get(pk=report.pk).values().table2["normative_issued"] is None
    choice.check()
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("[role=status]").first).to_contain_text("按您选择的读法导入")
    saved = Report.objects.get(pk=report.pk).values()
    assert (saved.table2["normative_issued"], saved.table2["normative_repealed"],
            saved.table2["normative_in_force"]) == (69, 3, 665)
