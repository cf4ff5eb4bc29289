"""§一's five aspects and §五 found however real reports write their headings (N-S1-ASPECTS, N-S5).

The texts are written for these tests in the shapes published reports use; none is copied from one.
"""

from __future__ import annotations

import pytest

from reports import narrative
from reports.importing import read_document
from reports.models import Organisation
from reports.rules import Context, check

from .conftest import SEEDS, complete_values, needs_shared

TOWNSHIP = Context(org_kind=Organisation.Kind.TOWNSHIP_GOV, org_name="西村乡人民政府", year=2023)
OVERSIGHT = "将政务公开纳入年度绩效考核，开展社会评议，全年未发生责任追究情况。"

# Each a whole §一 in one shape: (name, text).
SHAPES = {
    "inline, 方面": (
        "（一）主动公开方面。全年公开信息120条。\n（二）依申请公开方面。规范做好申请登记和答复。\n"
        "（三）政府信息管理方面。落实保密审查。\n（四）信息公开平台建设方面。优化网站栏目。\n"
        f"（五）监督保障方面。{OVERSIGHT}"),
    "inline, 情况": (
        "（一）主动公开情况。全年公开信息120条。\n（二）依申请公开情况。办理申请3件。\n"
        "（三）政府信息管理情况。落实保密审查。\n（四）政务公开平台建设情况。优化网站栏目。\n"
        f"（五）政府信息公开监督保障情况。{OVERSIGHT}"),
    "own paragraphs, 工作": (
        "（一）主动公开工作\n全年公开信息120条。\n（二）依申请公开工作\n办理申请3件。\n"
        "（三）政府信息管理工作\n落实保密审查。\n（四）平台载体建设\n优化网站栏目。\n"
        f"（五）监督保障工作\n{OVERSIGHT}"),
    "one run of text, half-width brackets": (
        "我乡坚持公开为常态。(一)主动公开。全年公开信息120条。(二)依申请公开。办理申请3件。"
        "(三)政府信息管理。落实保密审查。(四)政府信息公开平台建设。优化网站栏目。"
        f"(五)监督保障。{OVERSIGHT}"),
    "一是…五是": (
        "一是主动公开方面，全年公开信息120条。二是依申请公开方面，办理申请3件。"
        "三是加强政府信息管理，落实保密审查。四是推进政务公开平台建设，优化网站栏目。"
        f"五是强化监督保障，{OVERSIGHT}"),
    "1.…5.": (
        "1.主动公开：全年公开信息120条。\n2、依申请公开：办理申请3件。\n3．政府信息管理：落实保密审查。\n"
        f"4.平台建设：优化网站栏目。\n5.监督保障：{OVERSIGHT}"),
}


def with_overview_in_one_box(text: str):
    values = complete_values()
    for part in values.format.overview_parts:
        values.prose[f"overview_{part.code}"] = ""
    values.prose["overview_proactive"] = text
    return values


def aspect_findings(values):
    return [f for f in check(values, TOWNSHIP) if f.rule == "N-S1-ASPECTS"]


@pytest.mark.parametrize("name", list(SHAPES))
def test_a_whole_overview_in_one_box_covers_the_five_aspects_in_every_shape(name):
    assert aspect_findings(with_overview_in_one_box(SHAPES[name])) == []


@pytest.mark.parametrize("name", list(SHAPES))
def test_each_shape_is_cut_into_the_five_aspects_in_order(name):
    codes = [codes for codes, _ in narrative.split_aspects(SHAPES[name]) if codes]
    assert codes == [("proactive",), ("on_request",), ("management",), ("platform",), ("oversight",)]


def test_a_really_missing_aspect_is_still_named():
    text = SHAPES["inline, 方面"].replace("（四）信息公开平台建设方面。优化网站栏目。\n", "")
    (finding,) = aspect_findings(with_overview_in_one_box(text))
    assert finding.code == "parts"
    assert finding.cells == ("prose.overview_platform",)
    assert "缺少（四）政府信息公开平台建设" in finding.message


def test_points_inside_an_aspect_are_not_taken_for_other_aspects():
    text = "（一）主动公开方面。一是推进平台建设，二是加强监督，三是规范信息管理。"
    assert [codes for codes, _ in narrative.split_aspects(text)] == [("proactive",)]
    missing = aspect_findings(with_overview_in_one_box(text))[0]
    assert missing.cells == tuple(f"prose.overview_{c}" for c in ("on_request", "management", "platform", "oversight"))


def test_the_oversight_results_are_looked_for_where_the_oversight_aspect_is_written():
    text = SHAPES["inline, 方面"].replace(OVERSIGHT, "开展年度考核。")
    (finding,) = aspect_findings(with_overview_in_one_box(text))
    assert finding.code == "oversight"
    assert "社会评议、责任追究" in finding.message


SEED = SEEDS / "000_3cc3c4a50339be4b.txt"


def overview_document(overview: str, problems_heading: str = "五、存在的主要问题及改进情况") -> bytes:
    """The seed's title and tables around a §一 and §五 of our own."""
    seed = SEED.read_text(encoding="utf-8")
    head = seed.split("一、总体情况", 1)[0]
    tables = "二、主动公开政府信息情况" + seed.split("二、主动公开政府信息情况", 1)[1].split("五、存在的主要问题", 1)[0]
    return "\n".join([
        head, "一、总体情况", "2023年，我乡扎实推进政务公开。", overview, tables, problems_heading,
        "信息公开的及时性还有差距。下一步，我乡将加强培训，完善制度。", "六、其他需要报告的事项", "本年度未收取信息处理费。",
    ]).encode()


@needs_shared(SEED)
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_importer_puts_each_aspect_in_its_own_box(name):
    prose = read_document("report.txt", overview_document(SHAPES[name])).values.prose
    for part in ("proactive", "on_request", "management", "platform", "oversight"):
        assert prose[f"overview_{part}"].strip(), part
    assert "120条" in prose["overview_proactive"] and "登记" not in prose["overview_proactive"]
    assert "社会评议" in prose["overview_oversight"]


@needs_shared(SEED)
@pytest.mark.parametrize("heading", [
    "五、政府信息公开工作存在的主要问题及改进情况",
    "五、存在的主要问题和改进情况",
    "五、存在的主要问题及改进情况",
])
def test_the_importer_finds_section_five_under_the_2019_and_2021_headings(heading):
    result = read_document("report.txt", overview_document(SHAPES["inline, 方面"], heading))
    assert result.values.prose["problems"].startswith("信息公开的及时性还有差距")
    assert f"“{heading}”应为" not in "\n".join(n.message for n in result.notes)


@needs_shared(SEED)
def test_the_seeds_overview_keeps_its_five_parts():
    prose = read_document("seed.txt", SEED.read_bytes()).values.prose
    assert all(prose[f"overview_{p}"].strip() for p in ("proactive", "on_request", "management", "platform", "oversight"))


@needs_shared(SEED)
def test_a_title_written_2023年度_gives_the_year_and_the_organisation():
    data = overview_document(SHAPES["inline, 方面"]).decode()
    data = data.replace("2023 年政府信息公开工作年度报告", "2023年度政府信息公开工作年度报告", 1)
    result = read_document("report.txt", data.encode())
    assert (result.org_name, result.year) == ("西村乡人民政府", 2023)


@needs_shared(SEED)
def test_a_numbered_point_inside_an_aspect_stays_in_it():
    overview = SHAPES["own paragraphs, 工作"].replace("落实保密审查。", "落实保密审查。\n1.主动公开目录按季度更新。")
    prose = read_document("report.txt", overview_document(overview)).values.prose
    assert "1.主动公开目录按季度更新" in prose["overview_management"]
    assert "目录" not in prose["overview_proactive"]


@needs_shared(SEED)
def test_a_numbered_point_after_the_templates_own_headings_stays_in_its_aspect():
    seed = SEED.read_text(encoding="utf-8").replace("确定专人报送信息", "1.主动公开平台专人维护。\n确定专人报送信息", 1)
    prose = read_document("seed.txt", seed.encode()).values.prose
    assert prose["overview_platform"].startswith("1.主动公开平台专人维护。")
