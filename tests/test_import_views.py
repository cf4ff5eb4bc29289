"""Upload → preview → confirm, for one report (its drafters) and in bulk (the county office)."""

import json
import re
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.exports.data import report_to_json
from reports.models import Report

from .conftest import SEEDS, make_org, make_report, make_user, needs_shared

pytestmark = pytest.mark.django_db
SEED = SEEDS / "000_3cc3c4a50339be4b.txt"


def snapshot() -> list:
    """Everything an import could change: every report's JSON, origin and status."""
    return [(r.pk, r.origin, r.status, json.dumps(report_to_json(r), ensure_ascii=False, sort_keys=True))
            for r in Report.objects.order_by("pk")]


def upload(client, url: str, name: str, data: bytes, **extra):
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra})


def token_of(page: str, name: str = "token") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


@needs_shared(SEED)
def test_drafter_previews_the_seed_then_confirms_into_the_report(client, township, drafter):
    report = make_report(township, 2023)
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", SEED.name, SEED.read_bytes())
    assert response.status_code == 200
    page = response.content.decode()
    assert snapshot() == before  # the preview saves nothing
    assert "1.属于国家秘密" in page and "按表格行序" in page  # the lost labels are named
    assert "本年度止件数" in page and "本年废止件数" in page  # and the typo
    assert "第56行第3格" in page  # where each value came from
    assert "行政复议结果维持" in page  # the blank cells are listed
    response = client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)})
    assert response.status_code == 302 and response.url == f"/reports/{report.pk}/"
    report.refresh_from_db()
    values = report.values()
    assert report.origin == Report.Origin.IMPORTED
    assert values.t3("new", "natural") == 4 and values.t3("carry_forward", "total") == 2
    assert values.t4("review", "maintained") is None
    assert values.prose["other_matters"] == "2023年，本单位信息公开工作未发生收取信息处理费情况。"


def test_preview_warns_what_an_import_would_overwrite_and_keeps_prose_the_document_lacks(client, report, drafter):
    from reports.exports.excel import report_workbook

    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(report_workbook(report)))
    wb["三、申请情况"]["D5"] = 9
    wb["五、六"]["A2"] = None  # the clerk emptied §五 in the workbook: no prose for it in the document
    out = BytesIO()
    wb.save(out)
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.xlsx", out.getvalue()).content.decode()
    assert "已填写的 1 个数将被文档中的数替换" in page
    problems = report.values().prose["problems"]
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)})
    values = Report.objects.get(pk=report.pk).values()
    assert values.t3("new", "natural") == 9
    assert values.prose["problems"] == problems


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "文件是空的"),
    ("junk.docx", b"PK\x03\x04" + b"junk" * 100, "无法打开这个 Word 文件"),
    ("page.html", b"<html><body><p>no tables</p></body></html>", "网页中没有表格"),
])
def test_malformed_uploads_get_400_with_a_message_and_change_nothing(client, report, drafter, name, data, message):
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_50_mb_upload_is_refused_with_the_limit_named(client, report, drafter):
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "huge.pdf", b"%PDF" + b"0" * (50 * 1024 * 1024))
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件太大" in page and "20 MB" in page
    assert snapshot() == before


def test_a_spreadsheet_with_text_in_a_count_cell_shows_the_cell_and_cannot_be_confirmed(client, report, drafter):
    from reports.exports.excel import report_workbook

    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(report_workbook(report)))
    wb["二、主动公开"]["B5"] = "若干"
    out = BytesIO()
    wb.save(out)
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "r.xlsx", out.getvalue())
    page = response.content.decode()
    assert "二、主动公开!B5" in page and "“若干”不是数字" in page
    assert response.status_code == 400
    assert "/import/confirm/" not in page and "确认导入" not in page
    assert snapshot() == before


def test_only_the_reports_drafters_may_import(client, report, approver, county_officer, outsider):
    data = json.dumps(report_to_json(report)).encode()
    for user, status in ((approver, 403), (county_officer, 403), (outsider, 404)):
        client.force_login(user)
        assert upload(client, f"/reports/{report.pk}/import/", "r.json", data).status_code == status


def test_a_token_made_for_another_user_or_tampered_with_is_refused(client, report, drafter, township):
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  json.dumps(report_to_json(report)).encode()).content.decode()
    token = token_of(page)
    other = make_user("drafter2", township, "drafter")
    client.force_login(other)
    before = snapshot()
    response = client.post(f"/reports/{report.pk}/import/confirm/", {"token": token}, follow=True)
    assert "预览数据无效" in response.content.decode()
    client.force_login(drafter)
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token[:-3] + "abc"})
    assert snapshot() == before


def test_a_submitted_report_can_no_longer_be_imported_into(client, report, drafter):
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  json.dumps(report_to_json(report)).encode()).content.decode()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    before = snapshot()
    assert client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)}).status_code == 403
    assert snapshot() == before


# ------------------------------------------------------------------------------------ bulk


def _zip(files: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def _report_json(org: str, year: int, natural: int) -> bytes:
    from .conftest import demo_values

    values = demo_values()
    values.table3["new"]["natural"] = natural
    return json.dumps({"org": org, "year": year, **values.to_json_dict()}, ensure_ascii=False).encode()


@needs_shared(SEED)
def test_county_office_imports_a_zip_one_preview_per_document(client, county_officer, township, sibling):
    client.force_login(county_officer)
    bundle = _zip({"年报/西村乡2023.txt": SEED.read_bytes(),
                   "年报/郇封镇2023.json": _report_json("郇封镇人民政府", 2023, 7),
                   "年报/说明.docx": b"PK\x03\x04" + b"junk" * 20})
    before = snapshot()
    response = upload(client, "/import/", "reports.zip", bundle)
    page = response.content.decode()
    assert snapshot() == before
    assert page.count('class="import-preview') == 2
    assert "年报/说明.docx" in page and "无法打开这个 Word 文件" in page
    # Each document's organisation was recognised from its title.
    assert re.search(rf'<option value="{township.pk}" selected>', page)
    assert re.search(rf'<option value="{sibling.pk}" selected>', page)
    form = {"selected": ["0", "1"]}
    for i in ("0", "1"):
        form[f"token-{i}"] = token_of(page, f"token-{i}")
        form[f"org-{i}"] = re.search(rf'name="org-{i}" id="org-{i}">.*?<option value="(\d+)" selected>', page,
                                     re.S).group(1)
        form[f"year-{i}"] = "2023"
        form[f"name-{i}"] = f"doc{i}"
    response = client.post("/import/confirm/", form)
    assert response.status_code == 200
    imported = Report.objects.filter(origin=Report.Origin.IMPORTED).order_by("organisation__name")
    assert [(r.organisation.name, r.year) for r in imported] == [("西村乡人民政府", 2023), ("郇封镇人民政府", 2023)]
    assert Report.objects.get(organisation=sibling).values().t3("new", "natural") == 7


def test_bulk_import_needs_the_supervisor_role_over_the_target(client, township, sibling, drafter, county_officer):
    outsider_county = make_org("别的县人民政府", "county_gov", short_name="别的县")
    foreign = make_user("foreign", outsider_county, "supervisor")
    client.force_login(county_officer)
    page = upload(client, "/import/", "a.json", _report_json("西村乡人民政府", 2022, 1)).content.decode()
    token = token_of(page, "token-0")
    # Another county's officer can't use it, and can't target our township either.
    client.force_login(foreign)
    before = snapshot()
    response = client.post("/import/confirm/", {"selected": ["0"], "token-0": token, "org-0": str(township.pk),
                                                "year-0": "2022", "name-0": "a.json"})
    assert response.status_code == 400
    assert snapshot() == before
    # A drafter may import only for their own organisation.
    client.force_login(drafter)
    page = upload(client, "/import/", "a.json", _report_json("西村乡人民政府", 2022, 1)).content.decode()
    response = client.post("/import/confirm/", {"selected": ["0"], "token-0": token_of(page, "token-0"),
                                                "org-0": str(sibling.pk), "year-0": "2022", "name-0": "a.json"})
    assert response.status_code == 400 and "请选择这份报告所属的机关" in response.content.decode()
    assert snapshot() == before


def test_people_without_a_role_get_403_on_bulk_import(client, db):
    client.force_login(make_user("nobody"))
    assert client.get("/import/").status_code == 403


def test_bulk_import_does_not_overwrite_a_report_entered_in_the_system(client, report, county_officer, township):
    client.force_login(county_officer)
    page = upload(client, "/import/", "a.json", _report_json("西村乡人民政府", 2023, 1)).content.decode()
    before = snapshot()
    response = client.post("/import/confirm/", {"selected": ["0"], "token-0": token_of(page, "token-0"),
                                                "org-0": str(township.pk), "year-0": "2023", "name-0": "a.json"})
    assert response.status_code == 400 and "已经存在" in response.content.decode()
    assert snapshot() == before


# ------------------------------------------------------------------------------------ downloads


def test_report_downloads_as_xlsx_and_json_for_those_who_may_read_it(client, report, drafter, outsider):
    client.force_login(drafter)
    response = client.get(f"/reports/{report.pk}/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()  # RFC 5987: the charset's case is free
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(client.get(f"/reports/{report.pk}/export.json").content)
    assert data["table3"]["new"][0] == 4
    client.force_login(outsider)
    assert client.get(f"/reports/{report.pk}/export.xlsx").status_code == 404
    assert client.get(f"/reports/{report.pk}/export.json").status_code == 404


def test_the_report_page_offers_import_download_and_next_year(client, report, drafter, approver):
    client.force_login(drafter)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "导入文档" in page and "下载 Excel" in page and "以本报告为基础开始 2024 年度报告" in page
    client.force_login(approver)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "下载 Excel" in page and "导入文档" not in page and "2024 年度报告" not in page


def test_the_preview_warns_when_the_document_is_another_organisations_or_years(client, report, drafter):
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  _report_json("郇封镇人民政府", 2022, 1)).content.decode()
    assert "文档标题中的机关是“郇封镇人民政府”" in page
    assert "文档是 2022 年度的报告" in page


# ------------------------------------------------------------------------------------ the checks in a preview


def _last_year_approved_here(org) -> Report:
    """西村乡's 2022 report, approved in gkportal: 结转下年度 (自然人) = 2, so 2023's 上年结转 must be 2."""
    from .conftest import demo_values

    return make_report(org, 2022, demo_values(), status=Report.Status.APPROVED, origin=Report.Origin.ENTERED)


def test_the_preview_checks_against_last_years_report(client, report, drafter, township):
    _last_year_approved_here(township)
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  _report_json("西村乡人民政府", 2023, 4)).content.decode()
    assert "T3-CARRY" in page and "上年（2022年）报告的四、结转下年度继续办理（自然人）为 2" in page


def test_the_preview_uses_the_configured_other_handling_threshold(client, report, drafter, settings):
    from .conftest import complete_values

    values = complete_values()
    values.table3["other_3"]["natural"] = 1
    values.table3["carry_forward"]["natural"] = 1
    document = json.dumps({"org": "西村乡人民政府", "year": 2023, **values.to_json_dict()}, ensure_ascii=False)
    client.force_login(drafter)
    url = f"/reports/{report.pk}/import/"
    assert "T3-OTHER-HIGH" in upload(client, url, "r.json", document.encode()).content.decode()
    settings.GKPORTAL_OTHER_HANDLING_WARN_SHARE = 0.4
    assert "T3-OTHER-HIGH" not in upload(client, url, "r.json", document.encode()).content.decode()


def test_the_bulk_preview_checks_each_document_against_its_organisations_last_year(client, county_officer,
                                                                                   township):
    _last_year_approved_here(township)
    client.force_login(county_officer)
    page = upload(client, "/import/", "西村乡2023.json", _report_json("西村乡人民政府", 2023, 4)).content.decode()
    assert re.search(rf'<option value="{township.pk}" selected>', page)
    assert "T3-CARRY" in page and "上年（2022年）报告的四、结转下年度继续办理（自然人）为 2" in page


def test_the_import_command_checks_against_last_year_before_this_years_report_exists(township, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    _last_year_approved_here(township)
    path = tmp_path / "r.json"
    path.write_bytes(_report_json("西村乡人民政府", 2023, 4))
    out = StringIO()
    call_command("import_report", str(path), "--org", "西村乡", "--year", "2023", "--dry-run", stdout=out)
    assert "二、上年结转（自然人）为 0，但上年（2022年）报告的四、结转下年度继续办理（自然人）为 2" in out.getvalue()
    assert "（T3-CARRY）" in out.getvalue()
    assert not Report.objects.filter(year=2023).exists()


def _with_fee(report, yuan: str, count: int) -> None:
    from decimal import Decimal

    from reports.services import save_values

    values = report.values()
    values.processing_fee_yuan, values.processing_fee_count = Decimal(yuan), count
    save_values(report, values, prose=True)


def test_an_import_keeps_the_processing_fee_a_document_does_not_state(client, report, drafter):
    """Word, PDF, HTML and text documents carry no 信息处理费 fields: the clerk's entry stays."""
    from reports.exports.excel import report_workbook

    _with_fee(report, "12.50", 3)
    workbook = report_workbook(report)
    _with_fee(report, "30.00", 2)  # entered after the workbook was made
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.xlsx", workbook).content.decode()
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)})
    values = Report.objects.get(pk=report.pk).values()
    assert (str(values.processing_fee_yuan), values.processing_fee_count) == ("30.00", 2)
    document = json.loads(json.dumps({"org": "西村乡人民政府", "year": 2023, **report.values().to_json_dict()}))
    document["processing_fee"] = {"yuan": None, "applications": None}
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  json.dumps(document, ensure_ascii=False).encode()).content.decode()
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)})
    kept = Report.objects.get(pk=report.pk).values()
    assert (kept.processing_fee_yuan, kept.processing_fee_count) == (values.processing_fee_yuan,
                                                                     values.processing_fee_count)


def test_an_import_of_a_json_file_with_a_processing_fee_takes_it(client, report, drafter):
    _with_fee(report, "12.50", 3)
    document = {"org": "西村乡人民政府", "year": 2023, **report.values().to_json_dict()}
    document["processing_fee"] = {"yuan": "8.00", "applications": 1}
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  json.dumps(document, ensure_ascii=False).encode()).content.decode()
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)})
    values = Report.objects.get(pk=report.pk).values()
    assert (str(values.processing_fee_yuan), values.processing_fee_count) == ("8.00", 1)


def _json_preview(client, report, natural: int) -> str:
    data = report_to_json(report)
    data["table3"]["new"][0] = natural
    page = upload(client, f"/reports/{report.pk}/import/", "r.json", json.dumps(data).encode()).content.decode()
    return token_of(page)


def test_a_preview_confirmed_twice_imports_once(client, report, drafter):
    """Issue 12: replaying a confirmation overwrote a later save (the clerk's edit survived only in history)."""
    client.force_login(drafter)
    token = _json_preview(client, report, 41)
    assert client.post(f"/reports/{report.pk}/import/confirm/", {"token": token}).status_code == 302
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 41
    before = snapshot()
    response = client.post(f"/reports/{report.pk}/import/confirm/", {"token": token}, follow=True)
    assert "这份预览已经导入过了" in response.content.decode()
    assert snapshot() == before


def test_a_save_after_the_preview_makes_it_stale_and_survives(client, report, drafter):
    client.force_login(drafter)
    token = _json_preview(client, report, 41)
    # The clerk then types in the editor: 新收 自然人 = 7.
    form_page = client.get(f"/reports/{report.pk}/edit/applications/")
    body = {k: v for k, v in form_page.context["form"].initial.items()}
    body = {k: ("" if v is None else str(v)) for k, v in body.items()} | {"table3.new.natural": "7"}
    saved = client.post(f"/reports/{report.pk}/edit/applications/save/", body)
    assert saved.status_code == 200, saved.content
    before = snapshot()
    response = client.post(f"/reports/{report.pk}/import/confirm/", {"token": token}, follow=True)
    assert "这份预览已失效" in response.content.decode()
    assert snapshot() == before
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 7


def test_a_bulk_preview_replayed_after_the_report_changed_is_refused(client, township, county_officer, drafter):
    report = make_report(township, 2022, origin=Report.Origin.IMPORTED)
    data = report_to_json(report)
    data["table3"]["new"][0] = 52
    client.force_login(county_officer)
    page = upload(client, "/import/", "r.json", json.dumps(data).encode(), year="2022").content.decode()
    form = {"selected": "0", "token-0": token_of(page, "token-0"), "org-0": str(township.pk), "year-0": "2022",
            "name-0": "r.json"}
    assert client.post("/import/confirm/", form).status_code == 200
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 52
    before = snapshot()
    again = client.post("/import/confirm/", form)
    assert again.status_code == 400 and "这份预览已经导入过了" in again.content.decode()
    assert snapshot() == before


# ------------------------------------------------------------------------------------ saying it before confirming


def test_the_bulk_preview_says_a_report_exists_there_with_its_state(client, township, county_officer):
    make_report(township, 2023, status=Report.Status.PUBLISHED, origin=Report.Origin.ENTERED)
    client.force_login(county_officer)
    page = upload(client, "/import/", "a.json", _report_json("西村乡人民政府", 2023, 1)).content.decode()
    assert "西村乡人民政府2023年政府信息公开工作年度报告已经存在（已公开发布），不能用导入覆盖" in page
    # Every report of the organisations the user may import for, for the page's check when the select changes.
    existing = json.loads(re.search(r'id="import-existing"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert existing == {f"{township.pk}-2023": "西村乡人民政府2023年政府信息公开工作年度报告已经存在（已公开发布），"
                                                "不能用导入覆盖：请选择其他机关或年度，或由本机关在该报告的页面中导入。"}
    assert "import_bulk.js" in page


def test_bulk_confirm_refuses_another_organisation_or_year_than_the_title_unless_ticked(
        client, township, sibling, county_officer):
    client.force_login(county_officer)
    page = upload(client, "/import/", "a.json", _report_json("西村乡人民政府", 2023, 1)).content.decode()
    assert f'data-title-orgs="{township.pk}"' in page and 'data-title-year="2023"' in page
    post = {"selected": ["0"], "token-0": token_of(page, "token-0"), "org-0": str(sibling.pk), "year-0": "2024",
            "name-0": "a.json"}
    response = client.post("/import/confirm/", post)
    text = response.content.decode()
    assert response.status_code == 400 and not Report.objects.exists()
    assert "文档标题中的机关是“西村乡人民政府”，选择的是“郇封镇人民政府”" in text
    assert "文档标题是 2023 年度的报告，选择的是 2024 年度" in text
    response = client.post("/import/confirm/", post | {"confirm-0": "1"})
    assert response.status_code == 200
    assert [(r.organisation, r.year) for r in Report.objects.all()] == [(sibling, 2024)]


def test_single_confirm_refuses_a_document_of_another_year_unless_ticked(client, report, drafter):
    client.force_login(drafter)
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  _report_json("西村乡人民政府", 2022, 9)).content.decode()
    assert 'name="confirm_target"' in page
    before = snapshot()
    response = client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page)}, follow=True)
    assert "文档标题是 2022 年度的报告，选择的是 2023 年度" in response.content.decode()
    assert snapshot() == before
    client.post(f"/reports/{report.pk}/import/confirm/", {"token": token_of(page), "confirm_target": "1"})
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 9


def test_the_preview_names_rules_in_chinese_with_the_id_in_a_tooltip(client, report, drafter):
    client.force_login(drafter)
    data = json.loads(_report_json("西村乡人民政府", 2023, 1))
    data["table3"]["new"][0] += 5  # 一+二 ≠ 三+四
    page = upload(client, f"/reports/{report.pk}/import/", "r.json",
                  json.dumps(data, ensure_ascii=False).encode()).content.decode()
    badges = re.findall(r'<span class="badge[^"]*" title="规则 ([A-Z0-9-]+)" data-rule="\1">([^<]+)</span>', page)
    assert badges and all(not re.fullmatch(r"[A-Z0-9-]+", name) for _, name in badges)
