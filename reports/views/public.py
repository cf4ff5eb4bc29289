"""The public pages (no login): the 政府信息公开年报 column, each published report, its files and numbers.

Everything here reads frozen Publications only: what was published is what is served, byte for byte.
The PDF and HTML downloads are files named by their SHA-256 (reports.published_files), found with one
query that reads no bytes and streamed from disk, with the SHA-256 as ETag.
URLs are stable by organisation id and year (/gongkai/<id>/<year>/); an organisation's name in place of
its id redirects there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from .. import published_files
from ..models import Organisation, Publication, Report
from ..exports.data import publication_csv, publication_json
from ..exports.document import document_article
from .downloads import CSV, HTML, JSON, PDF, file_response, stored_file_response

KIND_ORDER = {kind: i for i, kind in enumerate(Organisation.Kind.values)}
LIGHT_FIELDS = ("html", "pdf", "data", "docx", "xlsx")


def _org_sort_key(org: Organisation) -> tuple[int, str]:
    return KIND_ORDER.get(org.kind, len(KIND_ORDER)), org.name


def _latest_by_report(publications) -> dict[int, dict[str, Any]]:
    """report id → {"latest": the newest publication, "count": how many}, from a list of publications."""
    out: dict[int, dict[str, Any]] = {}
    for p in publications:
        entry = out.setdefault(p.report_id, {"latest": p, "first": p, "count": 0})
        entry["count"] += 1
        if p.number > entry["latest"].number:
            entry["latest"] = p
        if p.number < entry["first"].number:
            entry["first"] = p
    return out


def _column_title(orgs: list[Organisation]) -> str:
    """The column's owner: the one organisation at the top of every published one, if there is one."""
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    roots = set()
    for org in orgs:
        node = org.pk
        while parents.get(node):
            node = parents[node]
        roots.add(node)
    if len(roots) == 1:
        return Organisation.objects.get(pk=roots.pop()).name
    return ""


def public_index(request):
    publications = list(
        Publication.objects.defer(*LIGHT_FIELDS).select_related("report__organisation").order_by("published_at")
    )
    latest = _latest_by_report(publications)
    years: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in latest.values():
        years[entry["latest"].report.year].append(entry)
    for entries in years.values():
        entries.sort(key=lambda e: _org_sort_key(e["latest"].report.organisation))
    orgs = sorted({e["latest"].report.organisation for e in latest.values()}, key=_org_sort_key)
    return render(request, "public/index.html", {
        "years": sorted(years.items(), reverse=True),
        "organisations": orgs,
        "column_owner": _column_title(orgs),
    })


def public_org(request, org_id: int):
    org = get_object_or_404(Organisation, pk=org_id)
    publications = Publication.objects.defer(*LIGHT_FIELDS).filter(report__organisation=org).select_related("report")
    entries = sorted(_latest_by_report(publications).values(), key=lambda e: -e["latest"].report.year)
    if not entries:
        raise Http404("该机关还没有公开发布的年度报告。")
    return render(request, "public/organisation.html", {"organisation": org, "entries": entries})


def _published(org_id: int, year: int) -> tuple[Report, list[Publication]]:
    report = Report.objects.select_related("organisation").filter(organisation_id=org_id, year=year).first()
    versions = list(report.publications.defer(*LIGHT_FIELDS).order_by("number")) if report else []
    if not versions:
        raise Http404("没有找到这份公开发布的年度报告。")
    return report, versions


def _latest_full(report: Report, *without: str) -> Publication:
    return report.publications.defer(*without).order_by("-number").first()


def public_report(request, org_id: int, year: int):
    report, versions = _published(org_id, year)
    latest = _latest_full(report, "pdf", "docx", "xlsx")
    return render(request, "public/report.html", {
        "report": report,
        "organisation": report.organisation,
        "latest": latest,
        "first": versions[0],
        "versions": versions,
        "corrections": [v for v in versions if v.is_correction],
        # Frozen at publication from our own template, where every user text was escaped.
        "article": mark_safe(document_article(latest.html)),
    })


FILE_COLUMNS = ("pk", "number", "title", "pdf_sha256", "html_sha256")


def _file_row(org_id: int, year: int, number: int | None = None) -> dict[str, Any]:
    """What serving a published file needs (its hashes, title, number): one query that reads no bytes.

    Plain SQL, compiled once: on a download the ORM's compiling cost more than the query (3 ms against
    0.05 ms on a busy machine).
    """
    sql, _ = _file_row_sql(number is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, year, *([number] if number is not None else [])])
        found = cursor.fetchone()
    if found is None:
        raise Http404("没有找到这份公开发布的年度报告。" if number is None else "没有这一版。")
    return dict(zip(FILE_COLUMNS, found))


@lru_cache(maxsize=2)
def _file_row_sql(numbered: bool) -> tuple[str, Any]:
    publications = Publication.objects.filter(report__organisation_id=0, report__year=0)
    if numbered:
        publications = publications.filter(number=0)
    query = publications.order_by("-number").values_list(*FILE_COLUMNS)[:1].query
    return query.sql_with_params()


def _stored(row: dict[str, Any], ext: str) -> Path:
    """The publication's file, checked against its SHA-256; written from the database if missing or altered."""
    if ext == "pdf":
        def load() -> bytes:
            return bytes(Publication.objects.values_list("pdf", flat=True).get(pk=row["pk"]))
    else:
        def load() -> bytes:
            return Publication.objects.values_list("html", flat=True).get(pk=row["pk"]).encode("utf-8")
    return published_files.file_for(row[f"{ext}_sha256"], ext, load)


def _pdf(request, row: dict[str, Any], *, immutable: bool) -> HttpResponse:
    suffix = f"（第{row['number']}版）" if immutable and row["number"] > 1 else ""
    return stored_file_response(request, _stored(row, "pdf"), PDF, f"{row['title']}{suffix}.pdf",
                                sha256=row["pdf_sha256"], immutable=immutable)


def public_pdf(request, org_id: int, year: int):
    return _pdf(request, _file_row(org_id, year), immutable=False)


def public_version_pdf(request, org_id: int, year: int, number: int):
    return _pdf(request, _file_row(org_id, year, number), immutable=True)


def public_version_html(request, org_id: int, year: int, number: int):
    row = _file_row(org_id, year, number)
    return stored_file_response(request, _stored(row, "html"), HTML, f"{row['title']}.html", attachment=False,
                                sha256=row["html_sha256"], immutable=True)


def public_json(request, org_id: int, year: int):
    report, _ = _published(org_id, year)
    publication = _latest_full(report, "html", "pdf", "docx", "xlsx")
    body = json.dumps(publication_json(publication), ensure_ascii=False, indent=1).encode("utf-8")
    return file_response(request, body, JSON, f"{publication.title}.json", attachment=False)


def public_csv(request, org_id: int, year: int):
    report, _ = _published(org_id, year)
    publication = _latest_full(report, "html", "pdf", "docx", "xlsx")
    # The byte-order mark lets Excel and WPS open the UTF-8 file with its Chinese intact.
    body = ("\ufeff" + publication_csv(publication)).encode("utf-8")
    return file_response(request, body, CSV, f"{publication.title}.csv")


def public_alias(request, org_key: str, year: int | None = None):
    """/gongkai/西村乡人民政府/2023/ (full or short name) → the stable /gongkai/<id>/2023/."""
    if "\x00" in org_key:  # PostgreSQL refuses NUL in a query; no name holds one
        raise Http404("没有找到这个机关。")
    matches = list(Organisation.objects.filter(Q(name=org_key) | Q(short_name=org_key))[:2])
    if len(matches) != 1:
        raise Http404("没有找到这个机关。")
    if year is None:
        return redirect("public_org", matches[0].pk)
    return redirect("public_report", matches[0].pk, year)
