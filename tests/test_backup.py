"""backup_data exports everything; restore_data puts it back into an empty database, exactly."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.backup import backup_models

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list]:
    """Every row of every backed-up model, as serialised data."""
    from django.core import serializers

    return {
        m._meta.label: json.loads(serializers.serialize("json", m._default_manager.order_by("pk")))
        for m in backup_models()
    }


def wipe() -> None:
    from reports.models import Organisation

    Organisation.objects.update(parent=None)  # parent is PROTECTed
    for model in reversed(backup_models()):
        model._default_manager.all().delete()


def test_demo_data_round_trips_exactly_through_backup_and_restore(tmp_path):
    call_command("load_demo", stdout=StringIO())
    before = snapshot()
    assert before["reports.Report"] and before["reports.ApplicationRow"] and before["auth.User"]
    path = tmp_path / "backup.json.gz"
    call_command("backup_data", "--output", str(path), stderr=StringIO())
    wipe()
    assert all(not rows for rows in snapshot().values())
    call_command("restore_data", str(path), stdout=StringIO())
    assert snapshot() == before
    # the database goes on working: new rows get fresh ids
    from reports.models import Organisation

    Organisation.objects.create(name="新机关", kind=Organisation.Kind.TOWNSHIP_GOV)


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    call_command("load_demo", stdout=StringIO())
    path = tmp_path / "backup.json"
    call_command("backup_data", "--output", str(path), stderr=StringIO())
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore_data", str(path))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"table3": {}}', encoding="utf-8")
    with pytest.raises(CommandError, match="不是 backup_data 导出的文件"):
        call_command("restore_data", str(path))
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是 backup_data 导出的文件"):
        call_command("restore_data", str(path))


def test_times_keep_their_microseconds(tmp_path):
    """Django's JSON encoder cuts times to milliseconds; a backup must not."""
    import datetime

    from reports.models import Organisation, Report
    from reports.services import create_report

    org = Organisation.objects.create(name="计时乡人民政府", kind=Organisation.Kind.TOWNSHIP_GOV)
    report = create_report(org, 2024)
    exact = datetime.datetime(2024, 1, 20, 8, 30, 15, 123456, tzinfo=datetime.timezone.utc)
    Report.objects.filter(pk=report.pk).update(created_at=exact, updated_at=exact)
    path = tmp_path / "backup.json"
    call_command("backup_data", "--output", str(path), stderr=StringIO())
    wipe()
    call_command("restore_data", str(path), stdout=StringIO())
    restored = Report.objects.get(pk=report.pk)
    assert (restored.created_at, restored.updated_at) == (exact, exact)


def _backup(tmp_path, name="backup.json"):
    path = tmp_path / name
    call_command("backup_data", "--output", str(path), stderr=StringIO())
    return path


def test_a_truncated_gz_is_refused_in_one_sentence_and_nothing_is_restored(tmp_path):
    call_command("load_demo", stdout=StringIO())
    path = _backup(tmp_path, "backup.json.gz")
    wipe()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CommandError) as caught:
        call_command("restore_data", str(path))
    message = str(caught.value)
    assert "不完整或已损坏" in message and "没有恢复任何数据" in message and "\n" not in message
    assert all(not rows for rows in snapshot().values())


def test_a_record_pointing_at_a_missing_row_is_refused_and_nothing_is_restored(tmp_path):
    call_command("load_demo", stdout=StringIO())
    path = _backup(tmp_path)
    wipe()
    document = json.loads(path.read_text(encoding="utf-8"))
    report = next(r for r in document["records"] if r["model"] == "reports.report")
    report["fields"]["organisation"] = 987654
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("restore_data", str(path))
    assert "对不上" in str(caught.value) and "没有恢复任何数据" in str(caught.value)
    assert all(not rows for rows in snapshot().values())


def test_permissions_are_backed_up_by_natural_key_and_survive_new_permission_ids(tmp_path):
    from django.contrib.auth.models import Group, Permission

    from .conftest import make_user

    change = Permission.objects.get(codename="change_report", content_type__app_label="reports")
    user = make_user("auditor")
    user.user_permissions.add(change)
    Group.objects.create(name="审计").permissions.add(change)
    path = _backup(tmp_path)
    assert '["change_report","reports","report"]' in path.read_text(encoding="utf-8")
    wipe()
    # Another database: the same permission under another id.
    fields = {"codename": change.codename, "name": change.name, "content_type": change.content_type}
    change.delete()
    moved = Permission.objects.create(**fields)
    assert moved.pk != change.pk
    call_command("restore_data", str(path), stdout=StringIO())
    from django.contrib.auth import get_user_model

    restored = get_user_model().objects.get(username="auditor")
    assert list(restored.user_permissions.all()) == [moved]
    assert list(Group.objects.get(name="审计").permissions.all()) == [moved]
    assert restored.has_perm("reports.change_report")
