"""Hostile files and fields for the import: upload → preview → confirm, the county office's bulk import, and
next year from last year.

Random bytes, damaged real documents (our own exports with bytes changed), JSON documents with absurd cells
and control characters in their text, forged and foreign tokens: never a 500, the preview stores nothing,
and a confirmed import stores only valid values, into a report the user may edit.
"""

from __future__ import annotations

import io
import json
import re
import time
import uuid
import zipfile

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from reports.exports.word import render_docx
from reports.exports.data import report_to_json
from reports.importing.apply import SALT, import_targets
from reports.exports.excel import report_workbook
from reports.models import CarriedText, Report
from reports.exports.document import render_html

from .conftest import Kind, Role, make_org, make_report, make_user
from .hostile_support import (
    assert_valid_storage,
    form_data,
    hostile_text,
    logged_in,
    others,
    rolled_back,
    post_files,
    snapshot,
)
from .properties import examples

pytestmark = pytest.mark.django_db

PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", b"\xff\xfe",
            b"\xfe\xff", b"<html><table><tr><td>", b"<?xml version='1.0'?>", b"{", b"[", b'{"format": "2021", ',
            "一、总体情况\n二、主动公开政府信息情况\n".encode(), "表三\t自然人\t商业企业\n".encode("gb18030")]
NAMES = ["r.txt", "r.json", "r.docx", "r.xlsx", "r.pdf", "r.html", "r.zip", "r", ".docx", "a/../../b.json",
         "/", ".", "..", "a/", "C:\\", 'r".json', "r\r\n.json"]


def filename() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NAMES), hostile_text().filter(lambda s: 0 < len(s) < 200).map(
        lambda s: s.replace("\x00", "") or "x"))


@pytest.fixture
def other_report(sibling):
    """郇封镇's draft: 西村乡's drafter must never change it."""
    return make_report(sibling, 2023)


@pytest.fixture
def documents(report) -> list[bytes]:
    """The report as each kind of document the importer reads: material for damaged copies."""
    return [
        json.dumps(report_to_json(report), ensure_ascii=False).encode(),
        report_workbook(report),
        render_docx(report, draft=True),
        render_html(report, draft=True).encode(),
    ]


@st.composite
def damaged(draw, documents: list[bytes]) -> bytes:
    """A real document with a few bytes changed, cut short, or random bytes behind a telling first few."""
    if draw(st.booleans()):
        return draw(st.sampled_from(PREFIXES)) + draw(st.binary(max_size=3000))
    data = bytearray(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data) - 1))
        data[at:at + 4] = draw(st.binary(min_size=1, max_size=8))
    if draw(st.booleans()):
        data = data[:draw(st.integers(1, len(data)))]
    return bytes(data)


def cell_value() -> st.SearchStrategy:
    """What a JSON document may hold where a count belongs."""
    return st.one_of(st.none(), st.integers(-10**30, 10**30), st.floats(), st.booleans(), hostile_text(),
                     st.lists(st.integers(), max_size=2), st.just({}))


# NUL, \v and lone surrogates reach a JSON file as escapes (\u0000, \u000b, \ud800): json.dumps writes them so.
PROSE_TEXT = st.one_of(hostile_text(), st.sampled_from(["\x00", "\ud800", "含\x00空\x0b字", "\udfff尾", "\x1b[31m"]))


@st.composite
def json_document(draw, report: Report) -> bytes:
    """The report's JSON with hostile cells, prose, organisation and year put into it."""
    data = report_to_json(report)
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.sampled_from(sorted(data["table3"])))
        data["table3"][row][draw(st.integers(0, 6))] = draw(cell_value())
    if draw(st.booleans()):
        data["table2"]["licensing"] = draw(cell_value())
    if draw(st.booleans()):
        data["table2"]["fees_10k_yuan"] = draw(cell_value())
    if draw(st.booleans()):
        data["processing_fee"] = {"yuan": draw(cell_value()), "applications": draw(cell_value())}
    if draw(st.booleans()):
        data["org"] = draw(st.one_of(PROSE_TEXT, cell_value()))
    if draw(st.booleans()):
        data["year"] = draw(cell_value())
    for name in draw(st.lists(st.sampled_from([*sorted(data["prose"]), "nope", "\ud800"]), max_size=3, unique=True)):
        data["prose"][name] = draw(PROSE_TEXT)
    return json.dumps(data).encode()


def _upload(client, url: str, name: str, data: bytes, **extra):
    return post_files(client, url, [(name, data)], extra)


def _token(page: str, name: str = "token") -> str | None:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    return found.group(1) if found else None


@examples(30)
@given(data=st.data())
def test_a_damaged_or_random_upload_is_previewed_or_refused_and_stores_nothing(data, report, drafter, documents):
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        response = _upload(client, reverse("report_import", args=[report.pk]), data.draw(filename()),
                           data.draw(damaged(documents)))
        assert response.status_code in (200, 400), response.status_code
        event(f"HTTP {response.status_code}")
        assert snapshot() == before


@pytest.mark.parametrize("name", ["/", ".", "..", "a/", "../"])
def test_an_upload_whose_name_is_no_file_name_is_refused_with_a_message(name, report, drafter):
    """Django drops a file part whose name sanitises to nothing: the clerk is asked for a file, nothing stored."""
    client = logged_in(drafter)
    before = snapshot()
    response = _upload(client, reverse("report_import", args=[report.pk]), name,
                       json.dumps(report_to_json(report)).encode())
    assert response.status_code == 400
    assert "请选择要导入的文件" in response.content.decode()
    assert snapshot() == before


@examples(25)
@given(data=st.data())
def test_a_hostile_json_document_is_refused_or_imported_with_valid_values_only(data, report, drafter, other_report):
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        response = _upload(client, reverse("report_import", args=[report.pk]), "r.json",
                           data.draw(json_document(report)))
        assert response.status_code in (200, 400), response.status_code
        assert snapshot() == before
        token = _token(response.content.decode())
        event(f"preview {response.status_code}, token: {bool(token)}")
        if token is None:
            return
        response = client.post(reverse("report_import_confirm", args=[report.pk]), {"token": token})
        assert response.status_code == 302
        after = snapshot()
        assert others(after, report.pk) == others(before, report.pk)
        assert_valid_storage()


def forged_doc() -> st.SearchStrategy:
    """What a token could carry if its payload were not what the preview made (a leaked key, a bug)."""
    leaf = st.one_of(st.none(), st.integers(-10**20, 10**20), st.text(max_size=10), st.booleans(), st.floats())
    return st.one_of(
        st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                     max_leaves=8),
        st.fixed_dictionaries({"format": st.one_of(st.just("2021"), leaf), "table2": st.just({}),
                               "fee": leaf, "table3": st.just([]), "table4": leaf, "printed": st.one_of(
                                   st.lists(leaf), st.dictionaries(st.text(max_size=5), leaf)),
                               "prose": st.one_of(st.lists(leaf), st.dictionaries(st.text(max_size=5), leaf)),
                               "signature": st.one_of(st.lists(leaf, max_size=3), leaf)}),
    )


@examples(25)
@given(data=st.data())
def test_a_confirmation_with_a_forged_foreign_or_garbled_token_changes_nothing(data, report, drafter, township):
    other_user = make_user("drafter2", township, Role.DRAFTER) if not township.memberships.filter(
        user__username="drafter2").exists() else township.memberships.get(user__username="drafter2").user
    kind = data.draw(st.sampled_from(["text", "forged", "foreign"]))
    if kind == "text":
        token = data.draw(hostile_text())
    else:
        user = drafter if kind == "forged" else other_user
        token = signing.dumps({"user": user.pk, "doc": data.draw(forged_doc()), "nonce": uuid.uuid4().hex,
                                 "at": time.time(), "rev": None}, salt=SALT, compress=True)
    client = logged_in(drafter)
    with rolled_back():
        before = snapshot()
        body = data.draw(form_data(["token"], {"token": token}))
        response = client.post(reverse("report_import_confirm", args=[report.pk]), body)
        assert response.status_code == 302, response.status_code
        assert response.url.endswith("/import/")
        assert snapshot() == before


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


@examples(15)
@given(data=st.data())
def test_a_bulk_upload_of_random_files_and_zips_is_previewed_and_stores_nothing(
        data, county_officer, report, documents):
    files = data.draw(st.lists(st.tuples(filename(), damaged(documents)), min_size=1, max_size=3))
    if data.draw(st.booleans()):
        files = [("all.zip", _zip({f"{i}/{name}"[:100]: content for i, (name, content) in enumerate(files)}))]
    client = logged_in(county_officer)
    with rolled_back():
        before = snapshot()
        year = data.draw(st.one_of(hostile_text(), st.integers(-10**9, 10**9).map(str)))
        response = post_files(client, reverse("bulk_import"), files, {"year": year})
        assert response.status_code in (200, 400), response.status_code
        event(f"HTTP {response.status_code}")
        assert snapshot() == before


@pytest.fixture
def bulk_preview(county_officer, township, report):
    """The county office's preview of one good document: its token, ready for the confirmation."""
    client = logged_in(county_officer)
    data = json.dumps(report_to_json(report) | {"year": 2022}, ensure_ascii=False).encode()
    page = _upload(client, reverse("bulk_import"), "西村乡2022.json", data).content.decode()
    return _token(page, "token-0")


@examples(25)
@given(data=st.data())
def test_a_bulk_confirmation_with_hostile_fields_imports_only_into_the_subtree(
        data, county_officer, drafter, township, sibling, bulk_preview):
    foreign = Report.objects.filter(organisation__name="岳村乡人民政府").first() or make_report(
        make_org("岳村乡人民政府", parent=make_org("温县人民政府", Kind.COUNTY_GOV)), 2022)
    base = {"selected": "0", "token-0": bulk_preview, "org-0": str(township.pk), "year-0": "2022", "name-0": "西村乡"}
    user = data.draw(st.sampled_from([county_officer, county_officer, drafter]))
    client = logged_in(user)
    with rolled_back():
        before = snapshot()
        body = data.draw(form_data(list(base), base, extra_keys=["token-1", "org-1", "year-1", "selected"]))
        if data.draw(st.booleans()):
            body["org-0"] = data.draw(st.sampled_from([str(sibling.pk), str(foreign.organisation_id), "",
                                                       "99999999999999999999999", "-1", "１"]))
        response = client.post(reverse("bulk_import_confirm"), body)
        assert response.status_code in (200, 400, 403), response.status_code
        after = snapshot()
        changed = {pk for pk, r in after["reports"].items() if before["reports"].get(pk) != r}
        event(f"HTTP {response.status_code}, {len(changed)} changed")
        if not changed:
            assert after == before
            return
        assert {Report.objects.get(pk=pk).organisation_id for pk in changed} <= {o.pk for o in import_targets(user)}
        assert foreign.pk not in changed
        assert_valid_storage()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("org-0", "１", "请选择这份报告所属的机关"), ("org-0", "٣", "请选择这份报告所属的机关"),
    ("org-0", "-1", "请选择这份报告所属的机关"), ("org-0", "9" * 5000, "请选择这份报告所属的机关"),
    ("year-0", "２０２２", "报告年度应为四位数字"),
    ("year-0", "22", "报告年度应为四位数字")])
def test_a_bulk_confirmation_reads_only_the_ascii_choices_the_form_offers(
        field, value, message, county_officer, township, bulk_preview):
    """int() reads "１" as 1: a hand-made post must not pick an organisation or a year nobody chose."""
    client = logged_in(county_officer)
    before = snapshot()
    body = {"selected": "0", "token-0": bulk_preview, "org-0": str(township.pk), "year-0": "2022",
            "name-0": "西村乡", field: value}
    response = client.post(reverse("bulk_import_confirm"), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


@examples(12)
@given(data=st.data())
def test_next_year_and_confirming_carried_text_change_only_the_users_own_reports(
        data, report, drafter, outsider, other_report):
    user = data.draw(st.sampled_from([drafter, outsider]))
    target = data.draw(st.sampled_from([report.pk, other_report.pk, 10**12]))
    page = data.draw(st.sampled_from(["report_next_year", "report_confirm_carried"]))
    for marked in (report, other_report):  # marks to confirm: each report's §五 copied from last year
        CarriedText.objects.get_or_create(report=marked, part="problems", defaults={"digest": "0" * 64})
    client = logged_in(user)
    with rolled_back():
        before = snapshot()
        body = data.draw(form_data(["part"], {"part": "problems"}))
        response = client.post(reverse(page, args=[target]), body)
        assert response.status_code in (302, 403, 404), response.status_code
        event(f"{page} HTTP {response.status_code}")
        after = snapshot()
        changed = {pk for pk, r in after["reports"].items() if before["reports"].get(pk) != r}
        own = {m.organisation_id for m in user.memberships.filter(role=Role.DRAFTER)}
        assert {Report.objects.get(pk=pk).organisation_id for pk in changed} <= own
        own_reports = set(Report.objects.filter(organisation_id__in=own).values_list("pk", flat=True))
        assert [c for c in after["carried"] if c[1] not in own_reports] == \
            [c for c in before["carried"] if c[1] not in own_reports]  # nobody confirms another's marks
        event("a mark confirmed" if len(after["carried"]) < len(before["carried"]) else "marks unchanged")
        if changed:
            assert_valid_storage()
        else:
            assert {k: v for k, v in after.items() if k != "carried"} == {k: v for k, v in before.items()
                                                                            if k != "carried"}
