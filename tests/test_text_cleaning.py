"""Invisible characters dropped wherever text enters, and JSON numbers bounded before conversion (issue 12)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from reports.importing.jsonfile import read_report_json
from reports.exports.data import report_to_json
from reports.models import Organisation
from reports.values import ValuesError, clean_text

from .conftest import Kind, make_org, make_report
from .test_editing import post_section
from .test_import_views import snapshot, upload

pytestmark = pytest.mark.django_db

# DEL, C1 controls (NEL among them), bidi marks, embeddings, overrides and isolates.
INVISIBLE = "\x7f\x80\x85\x9f\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_clean_text_drops_del_c1_and_bidi_controls_and_keeps_line_breaks():
    assert clean_text(f"西村{INVISIBLE}乡\n人民政府\t") == "西村乡\n人民政府\t"
    assert clean_text("报告\u202efdp.exe") == "报告fdp.exe"


def test_the_editor_drops_them_from_prose_and_the_signature(client, report, drafter):
    client.force_login(drafter)
    response = post_section(client, report, "overview", "save", {
        "prose.overview_platform": f"平台{INVISIBLE}建设", "signature.name": "西村乡\u202e人民政府"})
    assert response.status_code == 200
    report.refresh_from_db()
    fresh = type(report).objects.get(pk=report.pk)
    assert fresh.values().prose["overview_platform"] == "平台建设"
    assert fresh.signature_name == "西村乡人民政府"


def test_the_county_office_cannot_give_an_organisation_a_name_with_bidi_overrides(client, county_officer, county):
    client.force_login(county_officer)
    response = client.post("/manage/organisations/new/", {
        "name": "修武县\u202e局育教", "short_name": "县\x85教育局", "kind": Kind.COUNTY_DEPT,
        "parent": county.pk, "deadline_month_day": "01-31"})
    assert response.status_code == 302
    org = Organisation.objects.get(parent=county, kind=Kind.COUNTY_DEPT)
    assert (org.name, org.short_name) == ("修武县局育教", "县教育局")


def test_the_admin_drops_them_from_organisation_names(client, django_user_model, county):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "correct-horse-battery")
    client.force_login(admin)
    response = client.post("/admin/reports/organisation/add/", {
        "name": "修武县\u2066财政局\u2069", "short_name": "县财政局\u200f", "kind": Kind.COUNTY_DEPT,
        "parent": county.pk, "deadline_month_day": "01-31",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="修武县财政局", short_name="县财政局").exists()


def test_download_file_names_never_carry_them(client, county):
    # A name stored before the cleaning (an old import, a database edit): the header must not carry it on.
    org = make_org("西村乡\u202e人民政府\x85", parent=county)
    report = make_report(org, 2023)
    client.force_login(_drafter_of(org))
    for url in (f"/reports/{report.pk}/export.json", f"/reports/{report.pk}/export.xlsx",
                f"/reports/{report.pk}/document.docx"):
        header = client.get(url)["Content-Disposition"]
        assert "%E2%80%AE" not in header and "%C2%85" not in header, (url, header)
        assert "%E8%A5%BF%E6%9D%91%E4%B9%A1%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C2023" in header  # 西村乡人民政府2023


def _drafter_of(org):
    from .conftest import Role, make_user

    return make_user("d", org, Role.DRAFTER)


def test_json_import_drops_them_from_prose(report):
    data = report_to_json(report)
    data["prose"]["problems"] = f"问题{INVISIBLE}改进"
    _payload, values = read_report_json(json.dumps(data))
    assert values.prose["problems"] == "问题改进"


# ---------------------------------------------------------------- JSON numbers


HUGE = "9" * 5000


def _with_number(report, literal: str) -> str:
    text = json.dumps(report_to_json(report))
    return text.replace('"licensing": 0', f'"licensing": {literal}', 1) if '"licensing": 0' in text else (
        text.replace('"licensing": ', f'"licensing": {literal}, "_": ', 1))


@pytest.mark.parametrize("literal", [HUGE, "-" + HUGE, "1." + HUGE, "1e" + "9" * 5000])
def test_a_json_number_of_thousands_of_digits_is_refused_with_a_message(report, literal):
    with pytest.raises(ValuesError, match="位的数字"):
        read_report_json(_with_number(report, literal))


def test_the_import_page_answers_400_not_500_for_a_5000_digit_number(client, report, drafter):
    client.force_login(drafter)
    before = snapshot()
    response = upload(client, f"/reports/{report.pk}/import/", "r.json", _with_number(report, HUGE).encode())
    assert response.status_code == 400
    assert "5000 位的数字" in response.content.decode()
    assert snapshot() == before


def test_load_report_refuses_a_5000_digit_number(tmp_path, report):
    path = tmp_path / "r.json"
    path.write_text(_with_number(report, HUGE), encoding="utf-8")
    with pytest.raises(CommandError, match="5000 位的数字"):
        call_command("load_report", str(path), "--org", report.organisation.name, "--replace")


def test_ordinary_numbers_still_read(report):
    _payload, values = read_report_json(_with_number(report, "12345678"))
    assert values.table2["licensing"] == 12345678
