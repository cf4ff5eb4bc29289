"""import_report: prints what was read and the findings; --dry-run changes nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.exports.data import report_to_json
from reports.models import Report

from .conftest import SEEDS, needs_shared

pytestmark = pytest.mark.django_db
SEED = SEEDS / "000_3cc3c4a50339be4b.txt"


def run(*args) -> str:
    out = StringIO()
    call_command("import_report", *args, stdout=out)
    return out.getvalue()


@needs_shared(SEED)
def test_dry_run_prints_what_was_read_and_changes_nothing(township):
    out = run(str(SEED), "--org", "西村乡", "--year", "2023", "--dry-run")
    assert "表三 一、本年新收政府信息公开申请数量（自然人） = 4  ← 第56行第3格" in out
    assert "空白：表四 行政复议结果维持" in out
    assert "本年度止件数" in out and "1.属于国家秘密" in out
    assert "校验结果" in out and "--dry-run" in out
    assert not Report.objects.exists()


@needs_shared(SEED)
def test_without_dry_run_the_report_is_created_as_imported(township):
    run(str(SEED), "--org", "西村乡人民政府", "--year", "2023")
    report = Report.objects.get()
    assert report.origin == Report.Origin.IMPORTED
    assert report.values().t3("total", "total") == 2
    assert report.values().prose["overview_platform"].startswith("确定专人报送信息")


def test_an_existing_report_needs_replace_and_a_locked_one_is_refused(report, tmp_path):
    path = tmp_path / "r.json"
    data = report_to_json(report)
    data["table3"]["new"][0] = 6
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="已存在"):
        run(str(path), "--org", "西村乡", "--year", "2023")
    run(str(path), "--org", "西村乡", "--year", "2023", "--replace")
    assert Report.objects.get().values().t3("new", "natural") == 6
    Report.objects.update(status=Report.Status.APPROVED)
    with pytest.raises(CommandError, match="已锁定"):
        run(str(path), "--org", "西村乡", "--year", "2023", "--replace")


def test_unreadable_files_are_explained_and_nothing_is_saved(township, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="文件是空的"):
        run(str(empty), "--org", "西村乡", "--year", "2023")
    bad = tmp_path / "bad.txt"
    bad.write_text("二、主动公开政府信息情况\n规章\t一\t0\t0\n", encoding="utf-8")
    with pytest.raises(CommandError, match="无法读取"):
        run(str(bad), "--org", "西村乡", "--year", "2023")
    with pytest.raises(CommandError, match="找不到文件"):
        run(str(tmp_path / "missing.txt"), "--org", "西村乡", "--year", "2023")
    assert not Report.objects.exists()


@needs_shared(SEED)
def test_a_wrong_year_is_suggested_as_the_mistake_not_blamed_on_the_document(township):
    out = run(str(SEED), "--org", "西村乡", "--year", "2024", "--dry-run")
    assert "文档标题是 2023 年度的报告，而 --year 是 2024。是不是年度填错了？应为 --year 2023？" in out
    assert "S-PERIOD" not in out
    assert "[总体情况五个方面齐全]" in out and "（N-S1-ASPECTS）" in out  # a name for people, the id after
    with pytest.raises(CommandError, match="请改正 --year"):
        run(str(SEED), "--org", "西村乡", "--year", "2024")
    assert not Report.objects.exists()
    run(str(SEED), "--org", "西村乡", "--year", "2024", "--year-as-given")
    assert Report.objects.get().year == 2024
