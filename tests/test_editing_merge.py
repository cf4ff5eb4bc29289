"""Prose merges (issue 16 point 5): edits at different places of one paragraph merge by themselves."""

from __future__ import annotations

from django.urls import reverse

from reports.merging import difference, hunks, merge3
from reports.models import Membership

from .conftest import make_user
from .test_editing import post_section, revision, texts

BASE = "一是公开目录更新不及时。二是依申请公开答复不规范。三是培训不够。"
MINE = "一是公开目录更新不及时，部分栏目长期空白。二是依申请公开答复不规范。三是培训不够。"
THEIRS = "一是公开目录更新不及时。二是依申请公开答复不规范。三是业务培训不够深入。"


def test_edits_at_different_places_merge_character_by_character():
    assert merge3(BASE, MINE, THEIRS).text == (
        "一是公开目录更新不及时，部分栏目长期空白。二是依申请公开答复不规范。三是业务培训不够深入。")


def test_overlapping_edits_are_not_merged():
    result = merge3(BASE, BASE.replace("公开目录更新不及时", "目录更新慢"), BASE.replace("公开目录更新不及时", "目录不全"))
    assert result.text is None and result.conflicts >= 1


def test_the_same_edit_on_both_sides_is_taken_once():
    assert merge3(BASE, MINE, MINE).text == MINE
    assert merge3("甲乙丙", "甲乙X丙", "甲乙X丙").text == "甲乙X丙"


def test_insertions_at_both_ends_merge_and_touching_edits_are_asked():
    assert merge3("abc", "Xabc", "abcY").text == "XabcY"
    assert merge3("abc", "abXc", "abYc").text is None


def test_hunks_are_in_base_coordinates():
    assert hunks("abcdef", "abXdef") == [(2, 3, "X")]
    assert hunks("abc", "abc!") == [(3, 3, "!")]


def test_the_difference_marks_what_each_side_has():
    assert difference("甲乙丙", "甲丁丙") == [(0, "甲"), (-1, "乙"), (1, "丁"), (0, "丙")]


def _stale_save(client, report, loaded_at, mine):
    data = texts(report, "problems") | {"prose.problems": mine, "revision": str(loaded_at), "base.prose.problems": BASE}
    return client.post(reverse("section_save", args=[report.pk, "problems"]), data)


def test_a_stale_save_of_a_paragraph_gets_the_merge_and_names_a_second_tab(client, report, drafter):
    client.force_login(drafter)
    post_section(client, report, "problems", "save", {"prose.problems": BASE})
    loaded_at = revision(report, "problems")
    assert post_section(client, report, "problems", "save", {"prose.problems": THEIRS}).status_code == 200
    response = _stale_save(client, report, loaded_at, MINE)
    assert response.status_code == 409
    answer = response.json()
    assert answer["by_me"] is True and "另一个窗口/标签页" in answer["error"]
    assert answer["merged"] == {"prose.problems": merge3(BASE, MINE, THEIRS).text}
    assert answer["diffs"] == {}


def test_a_colleagues_overlapping_edit_comes_with_the_difference(client, report, drafter):
    colleague = make_user("drafter2", report.organisation, Membership.Role.DRAFTER, first_name="王芳")
    client.force_login(drafter)
    post_section(client, report, "problems", "save", {"prose.problems": BASE})
    loaded_at = revision(report, "problems")
    client.force_login(colleague)
    theirs = BASE.replace("培训不够", "培训次数少")
    assert post_section(client, report, "problems", "save", {"prose.problems": theirs}).status_code == 200
    client.force_login(drafter)
    answer = _stale_save(client, report, loaded_at, BASE.replace("培训不够", "培训内容浅")).json()
    assert answer["by_me"] is False and answer["by"] == "王芳"
    assert answer["merged"] == {}
    assert [op for op, _ in answer["diffs"]["prose.problems"]] == [0, -1, 1, 0]
