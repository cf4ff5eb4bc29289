"""A 表二 row whose numbers ran together (no total to check it): settled by last year's report, or chosen
by the clerk in the preview, or refused naming its readings. Never a guess saved."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from reports.importing import read_document
from reports.models import Report
from reports.values import ReportValues

from .conftest import EXAMPLES, SHARED, make_org, make_report, make_user, needs_shared
from .test_import_exact import every_cell, example_values
from .test_import_views import snapshot, token_of, upload

PINGTAN = SHARED / "corpus" / "pingtan_2021_page.txt"
ROW = "行政规范性文件693665"


def last_year(in_force: int = 599, regulations: int = 0) -> ReportValues:
    """A 2020 report in the 2021 format whose 现行有效件数 make 69/3/665 the one reading of the page's row."""
    values = ReportValues(format_version="2021")
    values.table2["normative_in_force"] = in_force
    values.table2["regulations_in_force"] = regulations
    return values


@pytest.fixture
def pingtan(county):
    return make_org("平潭综合实验区", short_name="平潭", parent=county)


# ------------------------------------------------------------------------------- reading


@needs_shared(PINGTAN)
@needs_shared(EXAMPLES)
def test_the_pingtan_page_reads_every_cell_exactly_with_last_years_report():
    result = read_document(PINGTAN.name, PINGTAN.read_bytes(), previous=last_year())
    assert result.ok, [o.message for o in result.open_rows]
    expected = every_cell(example_values("pingtan_2021.json"))
    got = every_cell(result.values)
    assert {k: got[k] for k in expected if got[k] != expected[k]} == {}
    assert result.values.table2["fees_10k_yuan"] == example_values("pingtan_2021.json").table2["fees_10k_yuan"]
    note = next(n for n in result.notes if "按上年报告的现行有效件数 599" in n.message)
    assert "行政规范性文件" in note.message and "本年制发 69、本年废止 3、现行有效 665" in note.message
    assert result.org_name == "平潭综合实验区" and result.year == 2021  # not the breadcrumb, not 「标题:」


@needs_shared(PINGTAN)
def test_the_title_is_found_past_a_breadcrumb_on_the_page_alone():
    page = PINGTAN.read_text(encoding="utf-8").split("==================== 正文 ====================\n")[1]
    assert page.startswith("当前位置：")
    result = read_document("page.txt", page.encode("utf-8"))
    assert result.org_name == "平潭综合实验区" and result.title == "平潭综合实验区2021年政府信息公开工作年度报告"


@needs_shared(PINGTAN)
@pytest.mark.parametrize("previous", [None, last_year(in_force=None), last_year(in_force=10_000),
                                      ReportValues(format_version="2019")])
def test_without_a_last_year_that_settles_it_the_row_stays_open_and_nothing_is_guessed(previous):
    result = read_document(PINGTAN.name, PINGTAN.read_bytes(), previous=previous)
    assert not result.ok and result.choosable
    (row,) = result.open_rows
    assert row.text == ROW and (69, 3, 665) in row.readings and len(row.readings) > 1
    assert all(result.values.table2[f] is None for f in row.fields)
    assert not any(b["key"].startswith("table2.normative") for b in result.blank_cells())  # printed, not blank
    if previous is not None and previous.format_version == "2021" and previous.table2["normative_in_force"]:
        assert "上年报告的现行有效件数为 10000，没有一种读法与之相符" in row.remark


def _open(run: str, label: str = "规章"):
    from reports.importing.result import ImportResult, OpenRow
    from reports.importing.runs import t2_readings

    fields = ("regulations_issued", "regulations_repealed", "regulations_in_force")
    row = OpenRow("表二", label, fields, ("本年制发", "本年废止", "现行有效"), f"{label}{run}", "第1行",
                  tuple(t2_readings(run, 3)))
    result = ImportResult("text", "r.txt", ReportValues(format_version="2021"))
    result.open_rows.append(row)
    return result, row


def test_last_year_that_fits_two_readings_settles_nothing_and_says_so():
    from reports.importing.choices import settle

    result, row = _open("1111")  # 1/1/11, 1/11/1, 11/1/1: with 11 in force last year, 11+1−1 = 11 and 11+1−11 = 1
    settle(result, last_year(regulations=11))
    (still,) = result.open_rows
    assert still.readings == row.readings and "仍有 2 种读法相符" in still.remark
    assert result.values.table2["regulations_issued"] is None and result.settled == []


def test_last_year_that_fits_one_reading_settles_it():
    from reports.importing.choices import settle

    result, _row = _open("1122")  # 1/1/22, 1/12/2, 11/2/2: with 22 last year only 1/1/22 keeps the stock
    settle(result, last_year(regulations=22))
    assert result.open_rows == [] and result.ok and result.settled == ["规章"]
    assert [result.values.table2[f] for f in ("regulations_issued", "regulations_repealed",
                                              "regulations_in_force")] == [1, 1, 22]
    assert result.sources["table2.regulations_in_force"] == "第1行"


# ------------------------------------------------------------------------------- the command


def _run(*args) -> str:
    out = StringIO()
    call_command("import_report", *args, stdout=out)
    return out.getvalue()


@needs_shared(PINGTAN)
@needs_shared(EXAMPLES)
@pytest.mark.django_db
def test_the_command_imports_the_page_exactly_when_last_years_report_settles_the_row(pingtan):
    make_report(pingtan, 2020, last_year(), format_version="2021")
    out = _run(str(PINGTAN), "--org", "平潭综合实验区", "--year", "2021")
    assert "按上年报告的现行有效件数 599 确定了表二“行政规范性文件”一行的拆分" in out
    report = Report.objects.get(organisation=pingtan, year=2021)
    expected = every_cell(example_values("pingtan_2021.json"))
    assert every_cell(report.values()) == expected


@needs_shared(PINGTAN)
@pytest.mark.django_db
def test_the_command_without_last_year_refuses_naming_the_row_and_its_readings_and_saves_nothing(pingtan):
    with pytest.raises(CommandError) as refused:
        _run(str(PINGTAN), "--org", "平潭综合实验区", "--year", "2021")
    message = str(refused.value)
    assert "未导入" in message and "表二“行政规范性文件”" in message and ROW in message
    assert "（本年制发 69、本年废止 3、现行有效 665）" in message and "（本年制发 693、本年废止 6、现行有效 65）" in message
    assert not Report.objects.exists()


# ------------------------------------------------------------------------------- the clerk's choice


@pytest.fixture
def page_report(pingtan):
    return make_report(pingtan, 2021)


@pytest.fixture
def pingtan_drafter(pingtan):
    from reports.models import Membership

    return make_user("pt-drafter", pingtan, Membership.Role.DRAFTER)


def _preview(client, report):
    response = upload(client, f"/reports/{report.pk}/import/", PINGTAN.name, PINGTAN.read_bytes())
    return response, response.content.decode()


def _confirm(client, report, token, **reading):
    return client.post(f"/reports/{report.pk}/import/confirm/", {"token": token, **reading}, follow=True)


@needs_shared(PINGTAN)
@pytest.mark.django_db
def test_the_preview_offers_the_readings_and_the_confirmation_needs_one_chosen(client, page_report, pingtan_drafter):
    client.force_login(pingtan_drafter)
    before = snapshot()
    response, page = _preview(client, page_report)
    assert response.status_code == 200
    assert "import-open-rows" in page and ROW in page
    assert 'type="radio" name="reading-0" value="69,3,665"' in page and "本年制发 69、本年废止 3、现行有效 665" in page
    assert page.count('name="reading-0"') == 10 and 'value="69,3,665" id="reading-0-5" required' in page
    assert "确认导入" in page and "暂不校验" in page
    token = token_of(page)

    refused = _confirm(client, page_report, token)
    assert "请对照原文选择这一行的读法" in refused.content.decode()
    assert snapshot() == before

    invented = _confirm(client, page_report, token, **{"reading-0": "70,3,666"})
    assert "不是预览中列出的读法之一" in invented.content.decode()
    for garbled in ("６９,3,665", "6_9,3,665", "+69,3,665", "69,3,665,", "1" * 5000):
        assert "不是预览中列出的读法之一" in _confirm(client, page_report, token, **{"reading-0": garbled}
                                                      ).content.decode()
    assert snapshot() == before

    done = _confirm(client, page_report, token, **{"reading-0": "69,3,665"})
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert any("按您选择的读法导入：本年制发 69、本年废止 3、现行有效 665" in m for m in said), said
    values = Report.objects.get(pk=page_report.pk).values()
    assert (values.table2["normative_issued"], values.table2["normative_repealed"],
            values.table2["normative_in_force"]) == (69, 3, 665)
    assert values.table2["licensing"] == 2293


@needs_shared(PINGTAN)
@pytest.mark.django_db
def test_with_last_years_report_the_preview_has_nothing_to_choose(client, pingtan, page_report, pingtan_drafter):
    make_report(pingtan, 2020, last_year(), format_version="2021")
    client.force_login(pingtan_drafter)
    response, page = _preview(client, page_report)
    assert response.status_code == 200 and "import-open-rows" not in page
    assert "按上年报告的现行有效件数 599 确定了表二“行政规范性文件”一行的拆分" in page
    _confirm(client, page_report, token_of(page))
    values = Report.objects.get(pk=page_report.pk).values()
    assert values.table2["normative_in_force"] == 665


@needs_shared(PINGTAN)
@pytest.mark.django_db
def test_in_bulk_the_recognised_organisations_last_year_settles_the_row(client, county_officer, pingtan):
    make_report(pingtan, 2020, last_year(), format_version="2021")
    client.force_login(county_officer)
    response = upload(client, "/import/", PINGTAN.name, PINGTAN.read_bytes())
    page = response.content.decode()
    assert "import-open-rows" not in page and "按上年报告的现行有效件数 599" in page
    token = token_of(page, "token-0")
    # Into another organisation the split by 平潭's last year does not hold.
    other = make_org("别的乡人民政府", short_name="别的乡", parent=pingtan.parent)
    wrong = client.post("/import/confirm/", {"selected": "0", "token-0": token, "name-0": "p", "org-0": other.pk,
                                             "year-0": "2021", "confirm-0": "1"})
    assert "按所识别的机关上一年度的报告拆分" in wrong.content.decode()
    assert not Report.objects.filter(year=2021).exists()
    done = client.post("/import/confirm/", {"selected": "0", "token-0": token, "name-0": "p", "org-0": pingtan.pk,
                                            "year-0": "2021"})
    assert done.status_code == 200, done.content.decode()
    assert Report.objects.get(organisation=pingtan, year=2021).values().table2["normative_repealed"] == 3


@needs_shared(PINGTAN)
@pytest.mark.django_db
def test_in_bulk_without_last_year_the_row_is_chosen_per_document(client, county_officer, pingtan):
    client.force_login(county_officer)
    page = upload(client, "/import/", PINGTAN.name, PINGTAN.read_bytes()).content.decode()
    assert 'name="reading-0-0" value="69,3,665"' in page and 'name="selected"' in page
    post = {"selected": "0", "token-0": token_of(page, "token-0"), "name-0": "p", "org-0": pingtan.pk,
            "year-0": "2021"}
    refused = client.post("/import/confirm/", post)
    assert refused.status_code == 400 and "请对照原文选择这一行的读法" in refused.content.decode()
    assert not Report.objects.exists()
    done = client.post("/import/confirm/", post | {"reading-0-0": "69,3,665"})
    assert done.status_code == 200 and "按您选择的读法导入" in done.content.decode()
    assert Report.objects.get(organisation=pingtan, year=2021).values().table2["normative_issued"] == 69
