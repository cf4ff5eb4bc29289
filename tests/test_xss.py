"""Script typed into every text field comes out as text: in every page, the PDF and the Word file.

One world where every field a person can type holds the payload: the five parts of §一, 前言, 落款, §五,
§六, section comments, return and reopen reasons, the 更正说明, acknowledgement explanations, organisation
names and short names, people's names. Then every page that shows them is parsed: no script of ours runs
them, no element carries an on…= handler, and the payload is there, escaped.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.exports.word import render_docx
from reports.exports.data import report_to_json
from reports.findings import acknowledge, findings_for_report
from reports.exports.document import render_pdf
from reports.values import PROSE_FIELDS
from reports.workflow import add_comment, approve, publish, reopen, return_report, submit

from .conftest import Kind, Role, complete_values, make_org, make_report, make_user
from .hostile_support import XSS, logged_in
from .workflow_support import edit

pytestmark = pytest.mark.django_db

# Short enough for a 简称 (50 characters), and still three ways to run a script.
XSS_SHORT = "<svg onload=alert(2)>\"'><script>alert(2)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_SHORT = "&lt;script&gt;alert(2)&lt;/script&gt;"


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes; the text inside script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: str, *, shows: tuple[str, ...] = (ESCAPED,), where: str = "") -> None:
    """No script but our own files and JSON data, no on…= handler anywhere; the payload there as text."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", (where, tag, attrs)
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (where, tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (where, tag, attrs)
    for text in shows:
        assert text in html, (where, text)


def _named(label: str) -> str:
    return f"{label}{XSS}"


@pytest.fixture
def world(db):
    """Every typed field holds the payload; the report went through return, approval, publication, correction."""
    county = make_org(_named("修武县"), Kind.COUNTY_GOV, short_name=XSS_SHORT)
    town = make_org(_named("西村乡"), parent=county, short_name=XSS_SHORT)
    people = {
        "drafter": make_user("drafter", town, Role.DRAFTER, first_name=_named("李")),
        "approver": make_user("approver", town, Role.APPROVER, first_name=_named("王")),
        "officer": make_user("officer", county, Role.SUPERVISOR, first_name=_named("张")),
    }
    values = complete_values()
    # The demo's own text stays (it passes the rules), the payload follows as a paragraph of its own.
    values.prose.update({name: f"{values.prose[name]}\n{name}：{XSS}" for name in PROSE_FIELDS})
    report = make_report(town, 2023, values, signature_name=XSS_SHORT)
    drafter, approver, officer = people["drafter"], people["approver"], people["officer"]
    for f in findings_for_report(report):
        if f.severity == "warning":
            acknowledge(report, f.key, by=drafter, explanation=_named("说明"))
    submit(report, by=drafter, comment=_named("提交"))
    add_comment(report, by=approver, section="problems", text=_named("意见"))
    return_report(report, by=approver, comment=_named("退回"))
    submit(report, by=drafter)
    approve(report, by=approver, comment=_named("通过"))
    publish(report, by=officer, comment=_named("发布"))
    reopen(report, by=officer, comment=_named("重开"))
    # A change of prose for the versions page to show as a difference.
    edit(report, drafter, "problems", prose_problems=f"{values.prose['problems']}\n{_named('修改')}")
    submit(report, by=drafter)
    approve(report, by=approver)
    publish(report, by=officer, correction_note=_named("更正"))
    # A draft for next year, with one of last year's warnings acknowledged: the editors and the findings.
    draft = make_report(town, 2024, values)
    warning = next((f for f in findings_for_report(draft) if f.severity == "warning"), None)
    if warning is not None:
        acknowledge(draft, warning.key, by=drafter, explanation=_named("说明"))
    return {"county": county, "town": town, "report": report, "draft": draft, **people}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.getvalue().decode()  # a published file is streamed


def test_every_page_shows_typed_script_as_text(world):
    report, draft, county, town = world["report"], world["draft"], world["county"], world["town"]
    drafter, approver, officer = (logged_in(world[k]) for k in ("drafter", "approver", "officer"))
    pages = [
        (drafter, reverse("home")),
        (drafter, reverse("report_detail", args=[report.pk])),
        (approver, reverse("report_detail", args=[report.pk])),
        (officer, reverse("report_detail", args=[report.pk])),
        (drafter, reverse("report_detail", args=[draft.pk])),
        (drafter, reverse("report_document", args=[report.pk])),
        (drafter, reverse("report_document", args=[draft.pk])),
        (drafter, reverse("report_findings", args=[report.pk])),
        (drafter, reverse("report_findings", args=[draft.pk])),
        (drafter, reverse("report_versions", args=[report.pk])),
        (officer, reverse("report_versions", args=[report.pk]) + "?old=1&new=9"),
        (drafter, reverse("inbox")),
        (approver, reverse("inbox")),
        (officer, reverse("inbox")),
        (drafter, reverse("report_submit", args=[draft.pk])),
        (officer, reverse("county_dashboard", args=[county.pk, 2023])),
        (officer, reverse("county_tables", args=[county.pk, 2023])),
        (officer, reverse("county_cell", args=[county.pk, 2023]) + "?key=table3.new.natural"),
        (officer, reverse("county_trends", args=[county.pk])),
        (officer, reverse("county_trends", args=[county.pk]) + f"?org={town.pk}"),
        (officer, reverse("manage_home")),
        (officer, reverse("manage_org_edit", args=[town.pk])),
        (officer, reverse("manage_user", args=[world["drafter"].pk])),
        (officer, reverse("bulk_import")),
        (logged_in(None), reverse("public_index")),
        (logged_in(None), reverse("public_org", args=[town.pk])),
        (logged_in(None), reverse("public_report", args=[town.pk, 2023])),
        (logged_in(None), reverse("public_version_html", args=[town.pk, 2023, 1])),
        (logged_in(None), reverse("public_version_html", args=[town.pk, 2023, 2])),
    ]
    pages += [(drafter, reverse("section_edit", args=[draft.pk, s.code])) for s in draft.format.sections]
    for client, url in pages:
        assert_inert(_page(client, url), where=url)
    # Each field is shown somewhere: the reasons, the note, the explanation, the names, the 简称.
    seen = "".join(_page(c, u) for c, u in pages)
    for label in ("提交", "意见", "退回", "通过", "发布", "重开", "更正", "说明", "李", "王", "张", "修武县", "西村乡",
                  "修改"):
        assert f"{label}{ESCAPED}" in seen, label
    for name in PROSE_FIELDS:
        assert f"{name}：{ESCAPED}" in seen, name
    assert ESCAPED_SHORT in seen


def test_the_json_downloads_keep_the_payload_as_a_plain_string(world):
    report, town = world["report"], world["town"]
    for client, url in ((logged_in(world["drafter"]), reverse("report_export_json", args=[report.pk])),
                        (logged_in(world["drafter"]), reverse("report_findings_json", args=[report.pk])),
                        (logged_in(None), reverse("public_json", args=[town.pk, 2023]))):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff", url  # a browser never takes it for HTML
        assert any(XSS in text for text in _strings(json.loads(response.content))), url


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    return [s for item in node for s in _strings(item)] if isinstance(node, list) else []


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_and_the_word_file_print_typed_script_as_text(world):
    from docx import Document
    from pypdf import PdfReader

    report, draft = world["report"], world["draft"]
    pdfs = [render_pdf(draft, draft=True), bytes(report.publications.get(number=2).pdf)]
    for pdf in pdfs:
        text = _flat("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
        for name in PROSE_FIELDS:
            assert _flat(f"{name}：{XSS}") in text, name
    document = Document(io.BytesIO(render_docx(report, draft=False)))
    paragraphs = [p.text for p in document.paragraphs]
    for name in PROSE_FIELDS:
        assert f"{name}：{XSS}" in paragraphs, name
    assert XSS_SHORT in paragraphs  # the 落款


def test_an_imported_document_with_script_in_its_text_previews_as_text(world):
    draft = world["draft"]
    data = report_to_json(draft)
    data["org"] = XSS
    data["prose"]["problems"] = _named("导入")
    response = logged_in(world["drafter"]).post(
        reverse("report_import", args=[draft.pk]),
        {"file": SimpleUploadedFile(f"{XSS_SHORT}.json", json.dumps(data, ensure_ascii=False).encode())})
    assert response.status_code == 200
    assert_inert(response.content.decode(), shows=(f"导入{ESCAPED}",), where="import preview")

