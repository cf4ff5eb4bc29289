"""The version diff: any two versions, cell by cell under the catalogue's names, and the prose."""

from __future__ import annotations

import pytest

from reports.models import Report
from reports.versions import default_pair, diff_versions, prose_segments
from reports.workflow import approve, return_report, submit

from .workflow_support import complete_report, edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(township):
    return complete_report(township)


def test_it_names_every_changed_cell_as_the_format_does_and_flags_the_sums(ready, drafter):
    edit(ready, drafter, new__natural=5, granted__natural=3)
    edit(ready, drafter, section="proactive")  # nothing changed: no version
    edit(ready, drafter, new__natural=6)
    v1, v2 = ready.versions.order_by("number")
    diff = diff_versions(v1, v2)
    changed = {c.key: (c.name, c.old, c.new, c.derived) for c in diff.cells}
    assert changed == {
        "table3.new.natural": ("一、本年新收政府信息公开申请数量（自然人）", 5, 6, False),
        "table3.new.total": ("一、本年新收政府信息公开申请数量（总计）", 5, 6, True),
    }
    assert diff.cells[0].section == "三、收到和处理政府信息公开申请情况"
    assert not diff.prose


def test_it_compares_any_two_versions_in_either_direction(ready, drafter):
    edit(ready, drafter, new__natural=5)
    edit(ready, drafter, new__natural=7)
    edit(ready, drafter, section="review_litigation", carry_forward__research=1)
    v1, v2, v3 = ready.versions.order_by("number")
    forward = {c.key: (c.old, c.new) for c in diff_versions(v1, v3).cells}
    backward = {c.key: (c.old, c.new) for c in diff_versions(v3, v1).cells}
    assert forward["table3.new.natural"] == (5, 7) and backward["table3.new.natural"] == (7, 5)
    assert forward["table3.carry_forward.research"] == (0, 1)
    assert diff_versions(v2, v2).empty


def test_blank_and_zero_are_different_values(ready, drafter):
    edit(ready, drafter, unable_1__legal=None)
    edit(ready, drafter, unable_1__legal=0)
    v1, v2 = ready.versions.order_by("number")
    cell = next(c for c in diff_versions(v1, v2).cells if c.key == "table3.unable_1.legal")
    assert (cell.name, cell.old, cell.new) == ("（四）无法提供1.本机关不掌握相关政府信息（法律服务机构）", None, 0)


def test_it_shows_changes_in_table_two_table_four_and_the_fees(ready, drafter):
    from reports.services import save_values
    from reports.writing import How, writing

    edit(ready, drafter, section="proactive")
    values = ready.values()
    values.table2["licensing"] = 41
    values.table4["review"]["corrected"] = 2
    values.processing_fee_count = 3
    with writing(ready, by=drafter, how=How.SAVE, section="proactive") as locked:
        save_values(locked, values)
    v1, v2 = ready.versions.order_by("number")
    names = {c.key: c.name for c in diff_versions(v1, v2).cells}
    assert names["table2.licensing"] == "第二十条第（五）项 行政许可（本年处理决定数量）"
    assert names["table4.review.corrected"] == "行政复议结果纠正"
    assert names["table4.review.total"] == "行政复议总计"
    assert names["other_matters.processing_fee_count"] == "收取信息处理费的申请件数"


def test_prose_changes_are_shown_as_deletions_and_insertions_in_phrases(ready, drafter):
    before = ready.values().prose["overview_on_request"]
    edit(ready, drafter, section="overview", prose_overview_on_request=before)
    after = before.replace("本年新收政府信息公开申请4件", "本年新收政府信息公开申请5件")
    edit(ready, drafter, section="overview", prose_overview_on_request=after)
    v1, v2 = ready.versions.order_by("number")
    (change,) = diff_versions(v1, v2).prose
    assert change.name == "一、总体情况（二）依申请公开"
    assert ("delete", "4") in change.segments and ("insert", "5") in change.segments
    text = "".join(t for op, t in change.segments if op in ("equal", "insert"))
    assert "申请5件" in text


def test_long_unchanged_text_is_shortened_around_the_change():
    old = "甲" * 100 + "乙" + "丙" * 100
    new = "甲" * 100 + "丁" + "丙" * 100
    segments = prose_segments(old, new)
    assert [op for op, _ in segments] == ["skip", "equal", "delete", "insert", "equal", "skip"]
    assert segments[1] == ("equal", "甲" * 30) and segments[2] == ("delete", "乙")


def test_by_default_it_shows_what_changed_since_the_report_was_returned(ready, drafter, approver):
    edit(ready, drafter, new__natural=4)  # v1
    submit(ready, by=drafter)  # v2
    return_report(ready, by=approver, comment="请修改")  # v3
    edit(ready, drafter, new__natural=3)  # v4
    old, new = default_pair(ready)
    assert (old.number, old.kind, new.number) == (3, "return", 4)


def test_by_default_it_shows_what_changed_since_the_last_approval(ready, drafter, approver, county_officer):
    from reports.workflow import reopen

    submit(ready, by=drafter)  # v1
    return_report(ready, by=approver, comment="请修改")  # v2
    submit(ready, by=drafter)  # v3
    approve(ready, by=approver)  # v4
    reopen(ready, by=approver, comment="更正")  # v5
    edit(ready, drafter, new__natural=9)  # v6
    old, new = default_pair(ready)
    assert (old.number, old.kind, new.number) == (4, "approve", 6)


def test_without_an_approval_or_return_it_compares_with_the_first_version(ready, drafter):
    assert default_pair(ready) == (None, None)
    edit(ready, drafter, new__natural=5)
    edit(ready, drafter, new__natural=6)
    old, new = default_pair(ready)
    assert (old.number, new.number) == (1, 2)


# ---------------------------------------------------------------- numbers in the prose are whole tokens


def _changes(old: str, new: str) -> list[tuple[str, str]]:
    return [(op, text) for op, text in prose_segments(old, new) if op != "equal"]


def test_a_changed_number_reads_as_the_old_and_the_new_number():
    assert prose_segments("共收到申请65条。", "共收到申请68条。") == (
        ("equal", "共收到申请"), ("delete", "65"), ("insert", "68"), ("equal", "条。"))


def test_a_number_with_thousands_separators_is_one_token():
    assert _changes("收取费用1,234元", "收取费用1,243元") == [("delete", "1,234"), ("insert", "1,243")]
    assert _changes("金额9116.30元", "金额9116.80元") == [("delete", "9116.30"), ("insert", "9116.80")]


def test_dates_change_number_by_number():
    assert _changes("于2023年1月5日公开", "于2024年1月15日公开") == [
        ("delete", "2023"), ("insert", "2024"), ("delete", "5"), ("insert", "15")]
    assert _changes("截至2024-01-31", "截至2024-02-01") == [("delete", "01-31"), ("insert", "02-01")]


def test_prose_without_numbers_is_still_compared_character_by_character():
    assert _changes("加强政务公开", "加强政务公开工作") == [("insert", "工作")]
    assert _changes("主动公开", "依申请公开") == [("delete", "主动"), ("insert", "依申请")]


def test_shortened_context_never_cuts_a_number():
    rest = "乙" * 25 + "123456" + "丙" * 60
    segments = prose_segments("甲" + rest, "丁" + rest)
    assert segments == (("delete", "甲"), ("insert", "丁"), ("equal", "乙" * 25), ("skip", "……"))


def test_the_versions_page_shows_a_changed_number_struck_whole_and_the_new_one_inserted(client, ready, drafter):
    edit(ready, drafter, section="problems", prose_problems="本年共收到群众意见65条，均已答复。")
    edit(ready, drafter, section="problems", prose_problems="本年共收到群众意见68条，均已答复。")
    client.force_login(drafter)
    page = client.get(f"/reports/{ready.pk}/versions/?old=1&new=2").content.decode()
    assert '意见<del class="bg-danger-subtle">65</del><ins class="bg-success-subtle">68</ins>条' in page
