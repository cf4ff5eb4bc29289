"""The report's home page, the section editors, the check endpoint and the save endpoint."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import rules
from reports.forms import SECTION_FORMS
from reports.models import Report
from reports.rules import Finding
from reports.signals import section_saved

from .conftest import Role, complete_values, demo_values, make_report, make_user

pytestmark = pytest.mark.django_db

SECTIONS = ["overview", "proactive", "applications", "review_litigation", "problems", "other_matters"]


def edit_url(report, section, action=""):
    name = {"": "section_edit", "check": "section_check", "save": "section_save"}[action]
    return reverse(name, args=[report.pk, section])


def texts(report, section):
    return SECTION_FORMS[section].texts(report.values(), report)


def revision(report, section):
    return getattr(Report.objects.get(pk=report.pk), section).revision


def post_section(client, report, section, action, changes=None, rev=None):
    """Post a section's whole form, as the editor does: what is stored, with `changes` typed over it."""
    data = texts(report, section) | (changes or {})
    data["revision"] = str(revision(report, section) if rev is None else rev)
    return client.post(edit_url(report, section, action), data)


@pytest.fixture
def signals():
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    section_saved.connect(receiver)
    yield received
    section_saved.disconnect(receiver)


# ---------------------------------------------------------------- the report's home page


def test_home_page_lists_the_six_sections_with_their_states(client, report, drafter):
    client.force_login(drafter)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    states = dict(re.findall(r'data-section="(\w+)" data-state="(\w+)"', page))
    assert states == {
        "overview": "complete",
        "proactive": "complete",
        "applications": "complete",
        "review_litigation": "in_progress",  # the five 行政复议 cells are blank (four entered)
        "problems": "complete",
        "other_matters": "complete",
    }
    assert "4 处未填" in page
    assert 'class="workflow-panel' in page
    assert reverse("report_document", args=[report.pk]) in page
    assert edit_url(report, "applications") in page


def test_a_new_report_is_empty_everywhere(client, township, drafter):
    report = make_report(township, 2024)
    client.force_login(drafter)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert set(re.findall(r'data-state="(\w+)"', page)) == {"empty"}
    assert "开始填写" in page


def test_home_page_shows_errors_and_warnings_and_links_to_the_cell(client, report, drafter, monkeypatch):
    def a_warning(values, context):
        return [Finding("N-TEST", "warning", "“截转”应为“结转”。", ("prose.overview_on_request",), section="overview")]

    monkeypatch.setattr(rules, "RULES", [*rules.RULES, a_warning])
    values = complete_values()
    values.table3["carry_forward"]["natural"] = 3
    from reports.services import save_values

    save_values(report, values)
    client.force_login(drafter)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    states = dict(re.findall(r'data-section="(\w+)" data-state="(\w+)"', page))
    assert states["applications"] == "errors"
    assert states["overview"] == "warnings"
    assert states["review_litigation"] == "complete"
    assert "第（七）项总计（自然人）为 2，但 一+二−四 = 1" in page
    assert f'{edit_url(report, "applications")}#cell-table3-new-natural' in page
    assert f'{edit_url(report, "overview")}#cell-prose-overview_on_request' in page


def test_home_page_counts_the_days_to_the_deadline(client, township, drafter, monkeypatch):
    report = make_report(township, 2025)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 1, 21))
    client.force_login(drafter)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "2026年1月31日" in page and "还有 10 天" in page
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 2, 3))
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "已逾期 3 天" in page


def test_readers_see_the_home_page_with_links_to_read_only_sections(client, report, approver, county_officer):
    for user in (approver, county_officer):
        client.force_login(user)
        page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
        assert edit_url(report, "applications") in page
        assert "继续填写" not in page and "开始填写" not in page and ">查看<" in page


# ---------------------------------------------------------------- the editors


@pytest.mark.parametrize("section", SECTIONS)
def test_every_editor_opens_with_labelled_inputs(client, report, drafter, section):
    client.force_login(drafter)
    page = client.get(edit_url(report, section)).content.decode()
    form = SECTION_FORMS[section](report)
    for key in form.keys:
        html_id = "cell-" + key.replace(".", "-")
        tag = re.search(rf'<(input|textarea)[^>]*id="{html_id}"[^>]*>', page)
        assert tag, key
        labelled = "aria-label=" in tag.group(0) or f'<label for="{html_id}"' in page
        assert labelled, key
    assert 'id="editor-config"' in page
    assert "<script>" not in page and "onclick" not in page  # nothing inline: a strict CSP is coming
    assert reverse("report_document", args=[report.pk]) in page


def test_table_three_editor_has_the_printed_labels_and_derived_cells(client, report, drafter):
    client.force_login(drafter)
    page = client.get(edit_url(report, "applications")).content.decode()
    fmt = report.format
    assert fmt.table3.corner in page
    assert 'rowspan="22"' in page and "三、本年度办理结果" in page
    assert 'aria-label="一、本年新收政府信息公开申请数量（自然人）"' in page
    assert 'aria-label="（三）不予公开3.危及“三安全一稳定”（社会公益组织）"' in page
    assert page.count("<input type=\"text\" inputmode=\"numeric\"") == 24 * 6
    assert re.search(r'<output id="cell-table3-total-natural"[^>]*>2</output>', page)
    assert re.search(r'<output id="cell-table3-carry_forward-total"[^>]*>2</output>', page)


def test_editing_is_refused_to_readers_and_hidden_from_outsiders(client, report, approver, outsider):
    client.force_login(approver)
    page = client.get(edit_url(report, "applications"))
    assert page.status_code == 200 and "只读" in page.content.decode()
    assert "<input" not in page.content.decode().split('id="review"')[1].split("</aside>")[0]
    assert post_section(client, report, "applications", "save").status_code == 403
    assert client.post(edit_url(report, "applications"), {"revision": "1"}).status_code == 403
    client.force_login(outsider)
    assert client.get(edit_url(report, "applications")).status_code == 404
    assert post_section(client, report, "applications", "check").status_code == 404


def test_an_unknown_section_is_not_found(client, report, drafter):
    client.force_login(drafter)
    assert client.get(f"/reports/{report.pk}/edit/table9/").status_code == 404
    assert client.post(f"/reports/{report.pk}/edit/table9/save/", {"revision": "0"}).status_code == 404


def test_anonymous_users_are_sent_to_log_in_and_background_requests_get_json(client, report):
    assert client.get(edit_url(report, "applications")).status_code == 302
    response = client.post(edit_url(report, "applications", "save"), {"revision": "1"})
    assert response.status_code == 403 and "登录" in response.json()["error"]


def test_background_endpoints_take_only_post(client, report, drafter):
    client.force_login(drafter)
    assert client.get(edit_url(report, "applications", "check")).status_code == 405


# ---------------------------------------------------------------- checking as they type


def test_check_reports_an_unbalanced_column_naming_both_sides(client, report, drafter):
    client.force_login(drafter)
    answer = post_section(client, report, "applications", "check", {"table3.carry_forward.natural": "3"}).json()
    finding, total = [f for f in answer["findings"] if f["rule"] == "T3-BAL"]
    assert "总计" in total["message"] and "table3.carry_forward.total" in total["cells"]
    assert finding["severity"] == "error"
    assert finding["section"] == "applications"
    assert finding["message"].startswith("第（七）项总计（自然人）为 2，但 一+二−四 = 1")
    assert "table3.carry_forward.natural" in finding["cells"]
    assert answer["derived"]["table3.carry_forward.total"] == "3"
    assert answer["cell_errors"] == {}
    assert report.values().t3("carry_forward", "natural") == 2  # a check stores nothing


def test_check_gives_derived_sums_normalised_text_and_messages_at_cells(client, report, drafter):
    client.force_login(drafter)
    answer = post_section(client, report, "applications", "check", {
        "table3.new.natural": "１２",
        "table3.new.commercial": "1,000",
        "table3.new.research": "abc",
        "table3.granted.legal": "-1",
        "table3.new.social": "",
        "seq": "17",
    }).json()
    assert answer["seq"] == "17"
    assert answer["normalised"] == {"table3.new.natural": "12", "table3.new.commercial": "1000"}
    assert answer["derived"]["table3.new.total"] == "1012"
    assert set(answer["cell_errors"]) == {"table3.new.research", "table3.granted.legal"}
    assert "不是数字" in answer["cell_errors"]["table3.new.research"]
    assert "负数" in answer["cell_errors"]["table3.granted.legal"]
    assert "table3.new.research" not in answer["blank"]  # refused, not blank: the clerk typed something
    assert "table3.new.social" in answer["blank"]
    assert answer["phrases"]["on_request"]["problem"].startswith("表三还有")


def test_check_compares_a_pasted_total_with_the_sum(client, report, drafter):
    client.force_login(drafter)
    answer = post_section(client, report, "applications", "check", {
        "printed.table3.new.total": "5", "printed.table3.granted.total": "2", "printed.table3.partial.total": "x",
    }).json()
    assert set(answer["printed"]) == {"table3.new.total", "table3.partial.total"}
    assert "粘贴的总计为 5，但按各项相加为 4" in answer["printed"]["table3.new.total"]


def test_check_of_section_one_counts_characters_and_writes_standard_sentences(client, report, drafter):
    client.force_login(drafter)
    answer = post_section(client, report, "overview", "check", {"prose.overview_platform": "平台 建设\n" * 3}).json()
    assert answer["overview_chars"] == sum(
        len("".join(report.values().prose[f"overview_{p}"].split()))
        for p in ("proactive", "on_request", "management", "oversight")
    ) + 12
    assert answer["overview_over"] is False
    assert "generated" not in answer
    answer = post_section(client, report, "overview", "check", {"generate": "on_request"}).json()
    generated = answer["generated"]["prose.overview_on_request"]
    assert generated.startswith("本年新收政府信息公开申请4件，上年结转0件，办结2件，其中予以公开2件")
    assert answer["generated"]["problems"] == ["表四还有 4 个单元格未填写，填完后才能生成。"]


def test_check_flags_a_long_section_one(client, report, drafter):
    client.force_login(drafter)
    answer = post_section(client, report, "overview", "check", {"prose.overview_platform": "字" * 1001}).json()
    assert answer["overview_over"] is True


# ---------------------------------------------------------------- saving


def test_saving_stores_the_section_bumps_its_revision_and_tells_the_versions_keeper(
    client, report, drafter, signals
):
    client.force_login(drafter)
    before = revision(report, "applications")
    response = post_section(client, report, "applications", "save",
                            {"table3.new.legal": "１", "table3.carry_forward.legal": "1"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["revision"] == before + 1 == revision(report, "applications")
    assert re.fullmatch(r"\d\d:\d\d:\d\d", answer["saved_at"])
    stored = Report.objects.get(pk=report.pk).values()
    assert stored.t3("new", "legal") == 1 and stored.t3("carry_forward", "total") == 3
    [(sender, kwargs)] = signals
    assert sender is Report
    assert kwargs["report"].pk == report.pk and kwargs["section"] == "applications" and kwargs["by"] == drafter
    assert kwargs["report"].values().t3("new", "legal") == 1  # the receiver sees the saved values


def test_saving_keeps_blank_apart_from_zero(client, report, drafter):
    client.force_login(drafter)
    post_section(client, report, "review_litigation", "save", {"table4.review.maintained": "0"})
    values = Report.objects.get(pk=report.pk).values()
    assert values.t4("review", "maintained") == 0
    assert values.t4("review", "corrected") is None


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_saves_what_was_typed(client, report, drafter, section):
    changes = {
        "overview": {"prose.overview_management": "新的文字。", "prose.preface": "前言。",
                     "signature.name": "西村乡人民政府办公室", "signature.date": "2024-01-20"},
        "proactive": {"table2.licensing": "1,234", "table2.fees_10k_yuan": "96171.60"},
        "applications": {"table3.denied_5.social": "3", "table3.new.social": "3", "table3.carry_forward.social": "0"},
        "review_litigation": {"table4.litigation_direct.pending": "２"},
        "problems": {"prose.problems": "一是……二是……"},
        "other_matters": {"prose.other_matters": "收取信息处理费3940元。", "processing_fee.yuan": "3,940",
                          "processing_fee.applications": "2"},
    }[section]
    client.force_login(drafter)
    assert post_section(client, report, section, "save", changes).status_code == 200
    fresh = Report.objects.get(pk=report.pk)
    shown = texts(fresh, section)
    expected = {k: v.replace(",", "").replace("２", "2") for k, v in changes.items()}
    assert {k: shown[k] for k in changes} == expected
    if section == "overview":
        assert fresh.signature_date == datetime.date(2024, 1, 20) and fresh.preface == "前言。"
    if section == "proactive":
        assert fresh.values().table2["fees_10k_yuan"] == Decimal("96171.60")


@pytest.mark.parametrize(
    "changes",
    [
        {"table3.new.natural": "-4"},
        {"table3.new.natural": "100000000"},
        {"table3.new.natural": "99999999999999999999999999"},
        {"table3.new.natural": "four"},
        {"table3.new.natural": "4.5"},
        {"table3.new.natural": "4", "table3.granted.natural": "1e3"},
    ],
)
def test_a_refused_cell_keeps_its_stored_value_and_the_others_save(client, report, drafter, changes, signals):
    client.force_login(drafter)
    response = post_section(client, report, "applications", "save", changes | {"table3.new.legal": "1"})
    assert response.status_code == 200
    refused = response.json()["refused"]
    assert set(refused) <= set(changes) and refused
    assert all(response.json()["stored"][k] == texts(report, "applications")[k] for k in refused)
    values = Report.objects.get(pk=report.pk).values()
    assert values.t3("new", "natural") == 4  # refused: the stored value stands
    assert values.t3("new", "legal") == 1  # the section's other cells are saved


@pytest.mark.parametrize(
    "section, changes",
    [
        ("proactive", {"table2.fees_10k_yuan": "-1"}),
        ("proactive", {"table2.fees_10k_yuan": "1.1234567"}),
        ("proactive", {"table2.fees_10k_yuan": "123456789012"}),
        ("other_matters", {"processing_fee.yuan": "12.345"}),
        ("other_matters", {"processing_fee.applications": "-2"}),
        ("overview", {"signature.date": "去年"}),
        ("overview", {"signature.name": "名" * 101}),
    ],
)
def test_bad_values_in_other_sections_are_refused_at_their_cells(client, report, drafter, section, changes):
    client.force_login(drafter)
    before = texts(report, section)
    response = post_section(client, report, section, "save", changes)
    assert response.status_code == 200 and set(response.json()["refused"]) == set(changes)
    assert texts(Report.objects.get(pk=report.pk), section) == before


def test_a_refused_cell_is_left_out_of_the_checks(client, report, drafter):
    client.force_login(drafter)
    zero = {f"table3.{r}.{c}": "0" for r in ("new", "carried_over") for c in
            ("natural", "commercial", "research", "social", "legal", "other_org")}
    answer = post_section(client, report, "applications", "check", zero | {"table3.new.natural": "十二"}).json()
    rules = {f["rule"] for f in answer["findings"]}
    assert "T3-ZERO-CARRY" not in rules  # a letter is not a 0: "本年没有新收申请" would be false
    assert "T3-BAL" not in {f["rule"] for f in answer["findings"] if "table3.new.natural" in f["cells"]}
    assert answer["cell_errors"] == {"table3.new.natural": "请填写数字（整数）：“十二”不是数字。"}
    answer = post_section(client, report, "applications", "check", zero).json()
    assert "T3-ZERO-CARRY" in {f["rule"] for f in answer["findings"]}  # with a real 0 the rule fires


@pytest.mark.parametrize("rev", ["", "abc", "-1", "99999999999999999999"])
def test_a_save_without_a_sensible_revision_is_refused(client, report, drafter, rev):
    client.force_login(drafter)
    data = texts(report, "problems") | {"prose.problems": "改了", "revision": rev}
    response = client.post(edit_url(report, "problems", "save"), data)
    assert response.status_code in (400, 409)
    assert Report.objects.get(pk=report.pk).problems.text != "改了"


def test_a_post_aimed_at_another_organisations_report_changes_nothing(client, report, outsider, drafter, sibling):
    other = make_report(sibling, 2023, demo_values())
    client.force_login(drafter)
    assert post_section(client, other, "applications", "check").status_code == 404
    assert post_section(client, other, "applications", "save", {"table3.new.natural": "9"}).status_code == 404
    assert other.values().t3("new", "natural") == 4
    client.force_login(outsider)
    response = post_section(client, report, "applications", "save", {"table3.new.natural": "9"})
    assert response.status_code == 404
    response = client.post(edit_url(report, "applications"), texts(report, "applications") | {"revision": "1"})
    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 4


def test_a_submitted_report_can_no_longer_be_saved(client, report, drafter):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.SUBMITTED)
    client.force_login(drafter)
    response = post_section(client, report, "problems", "save", {"prose.problems": "改了"})
    assert response.status_code == 403 and "已提交待审核”，已锁定，不能再修改" in response.json()["error"]


def test_a_stale_save_gets_409_with_what_the_other_person_saved(client, report, drafter):
    other = make_user("drafter2", report.organisation, Role.DRAFTER)
    loaded_at = revision(report, "applications")
    client.force_login(other)
    theirs = {"table3.new.commercial": "1", "table3.carry_forward.commercial": "1"}
    assert post_section(client, report, "applications", "save", theirs).status_code == 200
    client.force_login(drafter)
    response = post_section(client, report, "applications", "save", {"table3.new.natural": "5"}, rev=loaded_at)
    assert response.status_code == 409
    answer = response.json()
    assert answer["revision"] == loaded_at + 1
    assert answer["values"]["table3.new.commercial"] == "1"
    assert answer["values"]["table3.new.natural"] == "4"
    assert "其他人" in answer["error"]
    assert Report.objects.get(pk=report.pk).values().t3("new", "natural") == 4  # nothing overwritten


def test_sections_do_not_conflict_with_each_other(client, report, drafter):
    client.force_login(drafter)
    rev = revision(report, "problems")
    assert post_section(client, report, "applications", "save", {"table3.new.legal": "0"}).status_code == 200
    assert post_section(client, report, "problems", "save", {"prose.problems": "新"}, rev=rev).status_code == 200


# ---------------------------------------------------------------- without JavaScript


def test_a_plain_form_post_saves_and_comes_back(client, report, drafter):
    client.force_login(drafter)
    response = post_section(client, report, "problems", "", {"prose.problems": "无脚本也能保存。"})
    assert response.status_code == 302 and response.url == edit_url(report, "problems")
    assert Report.objects.get(pk=report.pk).problems.text == "无脚本也能保存。"
    assert "已保存" in client.get(response.url).content.decode()


def test_a_plain_form_post_with_a_bad_cell_saves_the_others_and_keeps_everything_typed(client, report, drafter):
    """Without JavaScript as with it: a refused cell keeps its stored value, the section's other cells save."""
    before = report.values().t3("new", "natural")
    rev = revision(report, "applications")
    client.force_login(drafter)
    response = post_section(client, report, "applications", "", {"table3.new.natural": "四", "table3.new.legal": "7"})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="cell-table3-new-natural" name="table3.new.natural" value="四"', page)
    assert re.search(r'id="cell-table3-new-legal" name="table3.new.legal" value="7"', page)
    assert "“四”不是数字" in page and "1 个单元格待改正" in page
    assert f'name="revision" id="revision" value="{rev + 1}"' in page  # the next plain save is not a conflict
    stored = Report.objects.get(pk=report.pk).values()
    assert stored.t3("new", "legal") == 7 and stored.t3("new", "natural") == before


def test_a_plain_form_post_that_cannot_be_read_at_all_saves_nothing(client, report, drafter):
    client.force_login(drafter)
    response = post_section(client, report, "applications", "", {"table3.new.legal": "7"}, rev="x")
    assert response.status_code == 400
    assert Report.objects.get(pk=report.pk).values().t3("new", "legal") == 0


def test_a_plain_form_post_after_someone_else_saved_shows_the_differences(client, report, drafter):
    rev = revision(report, "problems")
    client.force_login(drafter)
    post_section(client, report, "problems", "save", {"prose.problems": "对方的文字"})
    response = post_section(client, report, "problems", "", {"prose.problems": "我的文字"}, rev=rev)
    assert response.status_code == 409
    page = response.content.decode()
    assert "对方为“对方的文字”，您为“我的文字”" in page
    assert f'name="revision" id="revision" value="{rev + 1}"' in page
    assert Report.objects.get(pk=report.pk).problems.text == "对方的文字"


def test_the_public_sees_a_published_report_without_the_drafting_details(client, report):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert report.title in page and reverse("report_document", args=[report.pk]) in page
    assert "data-state=" not in page and "检查结果" not in page and "截止日期" not in page


def test_a_report_missing_sections_gets_them_when_opened(client, report, drafter):
    from reports.models import ApplicationRow, ProblemsSection

    ProblemsSection.objects.filter(report=report).delete()
    ApplicationRow.objects.filter(section__report=report, row="denied_3").delete()
    client.force_login(drafter)
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200
    assert client.get(edit_url(report, "problems")).status_code == 200
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.problems.text == "" and fresh.applications.rows.count() == 24


def test_an_imported_documents_printed_totals_give_way_when_the_clerk_saves_that_table(client, report, drafter):
    """T3-SUM/T3-ROW/T4-* compare a document's printed 总计 with the sums: they must not outlive the clerk's word."""
    from reports.findings import findings_for_report

    Report.objects.filter(pk=report.pk).update(
        printed_totals={"table3.total.natural": 3, "table4.litigation_direct.total": 1})
    report.refresh_from_db()
    rules = {f.rule for f in findings_for_report(report)}
    assert {"T3-SUM", "T4-LIT-D"} <= rules
    client.force_login(drafter)
    assert post_section(client, report, "applications", "save").status_code == 200
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.printed_totals == {"table4.litigation_direct.total": 1}  # 表四's stands until 表四 is saved
    rules = {f.rule for f in findings_for_report(fresh)}
    assert "T3-SUM" not in rules and "T4-LIT-D" in rules


def test_a_printed_total_that_the_corrected_cells_add_up_to_is_no_longer_reported(report):
    from reports.findings import findings_for_report

    total = report.values().t3("total", "natural")
    Report.objects.filter(pk=report.pk).update(printed_totals={"table3.total.natural": total + 1})
    report.refresh_from_db()
    assert "T3-SUM" in {f.rule for f in findings_for_report(report)}
    Report.objects.filter(pk=report.pk).update(printed_totals={"table3.total.natural": total})
    report.refresh_from_db()
    assert "T3-SUM" not in {f.rule for f in findings_for_report(report)}
