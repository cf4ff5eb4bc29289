"""load_report and dump_report: the examples' JSON layout, in and out, and clear messages on bad files."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.models import Organisation, Report

from .conftest import EXAMPLES, make_org, needs_shared

pytestmark = pytest.mark.django_db

EXAMPLE_FILES = ["xicun_2023_seed.json", "pingtan_2021.json", "huaian_2024.json"]
TABLE_KEYS = ("format", "columns", "table2", "table3", "table4")


def dump(org: str, year: int) -> dict:
    out = StringIO()
    call_command("dump_report", org, str(year), stdout=out)
    return json.loads(out.getvalue())


@needs_shared(EXAMPLES)
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_load_then_dump_gives_back_the_same_json(name):
    original = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    make_org("测试机关", Organisation.Kind.CITY_GOV)
    call_command("load_report", str(EXAMPLES / name), "--org", "测试机关", stdout=StringIO())
    dumped = dump("测试机关", original["year"])
    assert {k: dumped[k] for k in TABLE_KEYS} == {k: original[k] for k in TABLE_KEYS}
    report = Report.objects.get()
    assert report.origin == Report.Origin.IMPORTED
    assert report.printed_totals == {}  # every printed 总计 equals the derived sum


@needs_shared(EXAMPLES)
def test_seed_blank_review_cells_stay_blank():
    make_org("西村乡人民政府")
    call_command("load_report", str(EXAMPLES / "xicun_2023_seed.json"), "--org", "西村乡人民政府", stdout=StringIO())
    values = Report.objects.get().values()
    assert [values.t4("review", c) for c in ("maintained", "corrected", "other", "pending", "total")] == [None] * 5
    assert values.t4("litigation_direct", "total") == 0
    assert sorted(values.blank_cells()) == sorted(
        f"table4.review.{c}" for c in ("maintained", "corrected", "other", "pending")
    )


def test_full_report_json_round_trips_prose_too(report, tmp_path):
    data = dump("西村乡", 2023)
    assert data["prose"]["other_matters"] == "2023年，本单位未收取信息处理费。"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    other = make_org("郇封镇人民政府")
    call_command("load_report", str(path), "--org", other.name, stdout=StringIO())
    again = dump("郇封镇人民政府", 2023)
    assert {k: v for k, v in again.items() if k != "org"} == {k: v for k, v in data.items() if k != "org"}


def _valid_document() -> dict:
    from .conftest import demo_values

    return demo_values().to_json_dict() | {"year": 2023}


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: "{not json", "不是有效的 JSON"),
        (lambda d: "[]", "不是一个 JSON 对象"),
        (lambda d: d.pop("table3") and d, "缺少 table3"),
        (lambda d: d["table3"].update(new=[1, 2, 3]) or d, "table3.new 应有 7 个数"),
        (lambda d: d["table3"]["granted"].__setitem__(0, -1) or d, "件数不能为负数"),
        (lambda d: d["table3"]["granted"].__setitem__(1, "3") or d, "table3.granted.commercial 应为不小于 0 的整数"),
        (lambda d: d["table3"]["granted"].__setitem__(1, 2.5) or d, "应为不小于 0 的整数"),
        (lambda d: d["table4"]["review"].update(pending=10**12) or d, "超过了允许的最大值"),
        (lambda d: d["table2"].update(fees_10k_yuan="12.1234567") or d, "最多保留 6 位小数"),
        (lambda d: d["table2"].update(fees_10k_yuan="abc") or d, "不是数字"),
        (lambda d: d.update(format="2018") or d, "不支持的报告格式"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_changes_nothing(report, tmp_path, mutate, message):
    before = dump("西村乡", 2023)
    doc = mutate(_valid_document())
    path = tmp_path / "bad.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_report", str(path), "--org", "西村乡", "--replace", stdout=StringIO())
    assert dump("西村乡", 2023) == before


def test_an_existing_report_is_not_overwritten_without_replace(report, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_valid_document()), encoding="utf-8")
    with pytest.raises(CommandError, match="已存在"):
        call_command("load_report", str(path), "--org", "西村乡", stdout=StringIO())


def test_an_approved_report_is_locked_against_loading(report, tmp_path):
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_valid_document()), encoding="utf-8")
    with pytest.raises(CommandError, match="已锁定"):
        call_command("load_report", str(path), "--org", "西村乡", "--replace", stdout=StringIO())


def test_unknown_organisation_and_missing_file_are_explained(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("load_report", str(tmp_path / "nope.json"), "--org", "x")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_valid_document()), encoding="utf-8")
    with pytest.raises(CommandError, match="没有名为“不存在乡”的机关"):
        call_command("load_report", str(path), "--org", "不存在乡")
    make_org("西村乡人民政府")
    with pytest.raises(CommandError, match="没有 2030 年度的报告"):
        call_command("dump_report", "西村乡人民政府", "2030")
