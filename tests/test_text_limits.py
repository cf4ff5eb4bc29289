"""Length limits on the report's text: the editor, every import, the JSON format, the admin (issue 12)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from reports.importing.jsonfile import read_report_json
from reports.exports.data import report_to_json
from reports.models import OverviewSection, ProblemsSection, Report
from reports.services import save_values
from reports.values import PROSE_FIELDS, PROSE_PART_MAX, PROSE_TOTAL_MAX, ValuesError

from .conftest import SEEDS, needs_shared
from .test_editing import post_section
from .test_import_views import _report_json, _zip, snapshot, upload

pytestmark = pytest.mark.django_db
SEED = SEEDS / "000_3cc3c4a50339be4b.txt"
TOO_LONG = "公开" * 10_172 + "。"  # 20,345 characters


# ---------------------------------------------------------------- the editor


def test_the_editor_refuses_a_part_over_the_limit_at_the_field_and_keeps_the_text(client, report, drafter):
    client.force_login(drafter)
    before = report.values().prose["problems"]
    response = post_section(client, report, "problems", "", {"prose.problems": TOO_LONG})
    assert response.status_code == 200  # refused at the field, like a refused cell; nothing else to save
    page = response.content.decode()
    assert "这一部分最多 20000 字，现有 20345 字。" in page
    assert TOO_LONG in page  # nothing typed is lost: the form comes back with the text
    assert 'maxlength="20000"' not in page  # a browser would cut a paste silently
    assert Report.objects.get(pk=report.pk).values().prose["problems"] == before


def test_autosave_and_the_live_check_name_the_limit_at_the_cell(client, report, drafter):
    client.force_login(drafter)
    before = report.values().prose["overview_management"]
    response = post_section(client, report, "overview", "save", {"prose.overview_management": TOO_LONG})
    # A refused part keeps what is stored (the editor keeps the typed text); the section's others save.
    assert response.status_code == 200
    assert response.json()["refused"]["prose.overview_management"] == "这一部分最多 20000 字，现有 20345 字。"
    assert Report.objects.get(pk=report.pk).values().prose["overview_management"] == before
    check = post_section(client, report, "overview", "check", {"prose.overview_management": TOO_LONG})
    assert "20000" in check.json()["cell_errors"]["prose.overview_management"]


def test_a_part_at_the_limit_is_saved(client, report, drafter):
    client.force_login(drafter)
    text = "字" * PROSE_PART_MAX
    response = post_section(client, report, "problems", "save", {"prose.problems": text})
    assert response.status_code == 200
    assert Report.objects.get(pk=report.pk).values().prose["problems"] == text


def test_the_whole_reports_text_is_limited_too(client, report, drafter):
    values = report.values()
    for name in ("overview_proactive", "overview_on_request", "overview_management"):
        values.prose[name] = "字" * 19_000
    save_values(report, values, prose=True)
    client.force_login(drafter)
    response = post_section(client, report, "problems", "save", {"prose.problems": "问题" * 2_000})
    assert response.status_code == 200
    message = response.json()["refused"]["prose.problems"]
    assert f"整份报告的文字部分合计最多 {PROSE_TOTAL_MAX} 字" in message
    assert Report.objects.get(pk=report.pk).values().prose["problems"] != "问题" * 2_000


# ---------------------------------------------------------------- imports


def _json_file(report, **prose) -> bytes:
    data = report_to_json(report)
    data["prose"].update(prose)
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_json_import_with_a_part_over_the_limit_is_refused_naming_the_part(client, report, drafter):
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "r.json", _json_file(report, problems=TOO_LONG))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“五、存在的主要问题及改进情况”最多 20000 字，现有 20345 字。" in page
    assert snapshot() == before


@needs_shared(SEED)
def test_a_text_document_with_a_part_over_the_limit_is_refused(client, report, drafter):
    text = SEED.read_text(encoding="utf-8")
    head, tail = text.split("五、存在的主要问题及改进情况", 1)
    document = head + "五、存在的主要问题及改进情况\n\n" + TOO_LONG + "\n" + tail
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "r.txt", document.encode())
    assert response.status_code == 400
    assert "“五、存在的主要问题及改进情况”最多 20000 字" in response.content.decode()
    assert snapshot() == before


def test_bulk_import_refuses_the_too_long_document_and_names_it(client, county_officer, township, sibling):
    long_one = json.loads(_report_json("郇封镇人民政府", 2023, 7))
    long_one["prose"] = {"other_matters": TOO_LONG}
    bundle = _zip({"郇封镇2023.json": json.dumps(long_one, ensure_ascii=False).encode(),
                   "西村乡2023.json": _report_json("西村乡人民政府", 2023, 3)})
    client.force_login(county_officer)
    before = snapshot()
    page = upload(client, "/import/", "reports.zip", bundle).content.decode()
    assert "郇封镇2023.json" in page and "“六、其他需要报告的事项”最多 20000 字，现有 20345 字。" in page
    assert page.count('class="import-preview') == 1  # the other document is previewed as usual
    assert snapshot() == before


def test_import_report_command_refuses_too_long_prose(tmp_path, report):
    path = tmp_path / "r.json"
    path.write_bytes(_json_file(report, overview_oversight=TOO_LONG))
    before = snapshot()
    with pytest.raises(CommandError, match="“（五）监督保障”最多 20000 字"):
        call_command("import_report", str(path), "--org", report.organisation.name, "--year", "2023", "--replace")
    assert snapshot() == before


def test_load_report_refuses_too_long_prose_and_stores_nothing(tmp_path, report):
    path = tmp_path / "r.json"
    path.write_bytes(_json_file(report, preface=TOO_LONG))
    before = snapshot()
    with pytest.raises(CommandError, match="“前言”最多 20000 字，现有 20345 字。"):
        call_command("load_report", str(path), "--org", report.organisation.name, "--replace")
    assert snapshot() == before


def test_the_whole_text_limit_applies_to_json_too(report):
    data = report_to_json(report)
    data["prose"] = {name: "字" * 16_000 if i < 4 else "" for i, name in enumerate(PROSE_FIELDS)}
    with pytest.raises(ValuesError, match=f"合计最多 {PROSE_TOTAL_MAX} 字，现有 64000 字"):
        read_report_json(json.dumps(data))


def test_export_json_round_trips_a_report_at_the_limits(client, report, drafter):
    values = report.values()
    for name in PROSE_FIELDS[:3]:
        values.prose[name] = "字" * PROSE_PART_MAX  # 60,000 in all: both limits reached, neither passed
    for name in PROSE_FIELDS[3:]:
        values.prose[name] = ""
    save_values(report, values, prose=True)
    client.force_login(drafter)
    exported = client.get(f"/reports/{report.pk}/export.json").content
    _data, read = read_report_json(exported.decode())
    assert read.prose == values.prose


# ---------------------------------------------------------------- the admin and the models


def test_the_models_declare_the_limit_so_the_admin_enforces_it(report):
    section = OverviewSection.objects.get(report=report)
    section.platform = TOO_LONG
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    assert "platform" in caught.value.message_dict
    assert ProblemsSection._meta.get_field("text").max_length == PROSE_PART_MAX


def test_the_models_refuse_a_too_long_part_whatever_path_writes_it(report):
    """The admin shows report data read-only (reports.writing); the model's own validation still holds."""
    from django.core.exceptions import ValidationError

    section = OverviewSection.objects.get(report=report)
    section.platform = TOO_LONG
    with pytest.raises(ValidationError, match=r"20000.*20345"):
        section.full_clean()
