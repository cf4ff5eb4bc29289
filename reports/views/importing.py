"""Importing documents (upload → preview → confirm), downloads as Excel/JSON, next year from last year."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..carryover import CarryoverError, confirm_part, start_from_previous
from ..exports.data import report_to_json
from ..findings import organisation_context, report_context
from ..importing import ACCEPT, ReadError, max_upload_bytes, read_document, too_large_message
from ..importing.apply import (
    ImportTargetError,
    apply_choices,
    create_from_import,
    import_into,
    import_targets,
    overwritten,
    sign,
    unsign,
    values_from_payload,
)
from ..importing.bundle import read_uploads
from ..importing.choices import reading_value, settle
from ..importing.labels import normalise
from ..importing.result import ImportResult, prose_name
from ..exports.excel import analysts_workbook, report_workbook
from ..models import Organisation, Report
from ..permissions import EDITABLE_STATES, get_report_for_editing, get_report_for_user, reports_for_user
from ..publishing import published_file, sha256
from ..exports.document import table2_blocks, table3_lines, table4_cells
from ..rules import Context, check
from .downloads import JSON, XLSX, file_response

def _is_year(text: str) -> bool:
    """Four ASCII digits: str.isdigit() also admits ２ and ², which int() or the database refuse."""
    return len(text) == 4 and text.isascii() and text.isdigit()


def _uploads(request) -> tuple[list[tuple[str, bytes]], str]:
    """The uploaded files' (name, bytes), or a message saying why they can't be taken."""
    files = request.FILES.getlist("file")
    if not files:
        return [], "请选择要导入的文件。"
    out = []
    for f in files:
        if f.size > max_upload_bytes():
            return [], f"{f.name}：{too_large_message(f.size)}"
        out.append((f.name, f.read()))
    return out, ""


def _preview(result: ImportResult, context: Context, user, report=None, target: tuple[int, int] | None = None
             ) -> dict:
    """What the preview template shows of one document.

    A document whose only fault is rows with several readings gets a token too: it is confirmed only with a
    reading chosen for each (apply_choices). `target` is the (organisation, year) whose last year's report
    settled rows, if any did: the token then holds only for it.
    """
    values = result.values
    fmt = values.format
    return {
        "result": result,
        "fmt": fmt,
        "sections": {s.code: s for s in fmt.sections},
        "table2": table2_blocks(values),
        "table3": table3_lines(values),
        "table3_columns": fmt.table3.columns,
        "table4": table4_cells(values),
        "cells": result.cells(),
        "differences": result.differences(),
        "blanks": result.blank_cells(),
        "findings": check(values, context) if result.ok else [],
        "prose": [(prose_name(fmt, k), values.prose[k]) for k in result.prose_found],
        "token": sign(result, user, report=report, target=target if result.settled else None)
        if result.ok or result.choosable else "",
        "reading_prefix": "reading-",  # the bulk preview's: reading-<document>-
        "bulk": False,
        "open_rows": [{"row": o, "index": i, "choices": [(reading_value(r), o.describe(r)) for r in o.readings]}
                      for i, o in enumerate(result.open_rows)],
    }


def _same_org(name: str, org: Organisation) -> bool:
    """The organisation a title names is `org`: its full or short name, or one the other begins with."""
    wanted, full = normalise(name), normalise(org.name)
    short = normalise(org.short_name or "") or full
    return bool(wanted) and (wanted in (full, short) or full.startswith(wanted) or wanted.startswith(short))


def title_disagreement(title: tuple[str, int | None], org: Organisation, year: int) -> str:
    """What the document's title says that the chosen organisation and year don't, in words; '' if nothing."""
    org_name, title_year = title
    parts = []
    if org_name and not _same_org(org_name, org):
        parts.append(f"文档标题中的机关是“{org_name}”，选择的是“{org.name}”")
    if title_year and title_year != year:
        parts.append(f"文档标题是 {title_year} 年度的报告，选择的是 {year} 年度")
    return "；".join(parts)


def existing_report_note(report: Report | None) -> str:
    """What confirming would do to the report already there for that organisation and year."""
    if report is None:
        return ""
    state = report.get_status_display()
    if report.origin == Report.Origin.IMPORTED and report.status in EDITABLE_STATES:
        return f"{report.title}已经存在（{state}，由导入创建）：导入后其中的数字和文字将被这份文档替换。"
    return f"{report.title}已经存在（{state}），不能用导入覆盖：请选择其他机关或年度，或由本机关在该报告的页面中导入。"


def _existing_notes(targets) -> dict[str, str]:
    """existing_report_note for every report of the target organisations, keyed 'org-year'."""
    reports = Report.objects.filter(organisation__in=targets).select_related("organisation")
    return {f"{r.organisation_id}-{r.year}": existing_report_note(r) for r in reports}


# ------------------------------------------------------------------------------------ one report


@login_required
def report_import(request, report_id: int):
    report = get_report_for_editing(request.user, report_id)
    ctx = {"report": report, "accept": ACCEPT, "max_mb": max_upload_bytes() // (1024 * 1024)}
    if request.method != "POST":
        return render(request, "reports/import_upload.html", ctx)
    files, error = _uploads(request)
    if not error and len(files) != 1:
        error = "一次只能导入一个文件。要导入多个机关的报告，请使用“批量导入”。"
    context = report_context(report)
    if not error:
        try:
            # Last year's report settles a 表二 row whose numbers ran together, where one reading alone fits it.
            result = read_document(*files[0], previous=context.previous)
        except ReadError as exc:
            error = f"{files[0][0]}：{exc}"
    if error:
        return render(request, "reports/import_upload.html", ctx | {"error": error}, status=400)
    doc = _preview(result, context, request.user, report, target=(report.organisation_id, report.year))
    doc["overwritten"] = overwritten(report, result.values)
    doc["year_mismatch"] = result.year is not None and result.year != report.year
    doc["org_mismatch"] = bool(result.org_name) and not _same_org(result.org_name, report.organisation)
    return render(request, "reports/import_preview.html", ctx | {"doc": doc},
                  status=200 if result.ok or result.choosable else 400)


@login_required
@require_POST
def report_import_confirm(request, report_id: int):
    report = get_report_for_editing(request.user, report_id)
    try:
        preview = unsign(request.POST.get("token", ""), request.user)
        _check_title(preview.doc, report.organisation, report.year, request.POST.get("confirm_target"))
        _check_settled(preview.doc, report.organisation, report.year)
        values, prose, signature = values_from_payload(preview.doc)
        chosen = apply_choices(preview.doc, values, lambda i: request.POST.get(f"reading-{i}"))
        import_into(report, values, by=request.user, prose_fields=prose, signature=signature, preview=preview)
    except ImportTargetError as exc:
        messages.error(request, str(exc))
        return redirect("report_import", report_id=report.pk)
    messages.success(request, "已导入。" + "".join(chosen) + "请逐项核对数字和文字，特别是预览中提示的地方。")
    return redirect("report_detail", report_id=report.pk)


def _check_title(doc: dict, org: Organisation, year: int, confirmed: str | None) -> None:
    """Refuse a document whose title names another organisation or year, unless the user ticked that it's right."""
    title = doc.get("title") if isinstance(doc, dict) else None
    if not (isinstance(title, list) and len(title) == 2):
        return  # a token without a title (or a garbled one: values_from_payload refuses it)
    name, title_year = title
    differs = title_disagreement((name if isinstance(name, str) else "",
                                  title_year if isinstance(title_year, int) else None), org, year)
    if differs and not confirmed:
        raise ImportTargetError(f"未导入：{differs}。请核对；如确实要导入到{org.name} {year} 年度，"
                                "请勾选“文档标题与所选机关或年度不同，仍要导入”。")


def _check_settled(doc: dict, org: Organisation, year: int) -> None:
    """A row split by last year's report of one organisation is not imported into another's, or another year."""
    settled_for = doc.get("previous_of") if isinstance(doc, dict) else None
    if settled_for and settled_for != [org.pk, year]:
        raise ImportTargetError("未导入：预览中表二有的行是按所识别的机关上一年度的报告拆分的，与现在选择的机关或年度不同。"
                                "请重新上传文件，在预览中核对后再导入。")


# ------------------------------------------------------------------------------------ bulk


def _guess_target(result: ImportResult | None, targets) -> Organisation | None:
    """The organisation the document names, among those the user may import for."""
    if result is None or not result.org_name:
        return None
    wanted = normalise(result.org_name)
    for org in targets:
        if wanted in (normalise(org.name), normalise(org.short_name or "")):
            return org
    return next((org for org in targets if _same_org(result.org_name, org)), None)


@login_required
def bulk_import(request):
    targets = import_targets(request.user)
    if not targets:
        raise PermissionDenied("您没有可以导入报告的机关。")
    ctx = {"accept": ACCEPT + ",.zip", "max_mb": max_upload_bytes() // (1024 * 1024), "targets": targets}
    if request.method != "POST":
        return render(request, "reports/import_bulk.html", ctx)
    files, error = _uploads(request)
    if error:
        return render(request, "reports/import_bulk.html", ctx | {"error": error}, status=400)
    default_year = request.POST.get("year", "").strip()
    docs = []
    for i, doc in enumerate(read_uploads(files)):
        item = {"index": i, "name": doc.name, "error": doc.error}
        if doc.result is not None:
            target = _guess_target(doc.result, targets)
            year = doc.result.year or (int(default_year) if _is_year(default_year) else None)
            # With the organisation and year known, the cross-year checks run against last year's report.
            context = organisation_context(target, year) if target and year else Context(year=year)
            settle(doc.result, context.previous)  # a run-together 表二 row that last year's report settles
            item |= _preview(doc.result, context, request.user,
                             target=(target.pk, year) if target and year else None)
            item["reading_prefix"], item["bulk"] = f"reading-{i}-", True
            item["target"] = target.pk if target else None
            item["year"] = year or ""
            # For the page's own check when the user picks another organisation or year.
            item["title_orgs"] = " ".join(str(o.pk) for o in targets if doc.result.org_name
                                          and _same_org(doc.result.org_name, o))
        docs.append(item)
    existing = _existing_notes(targets)
    for d in docs:
        if d.get("target") and d.get("year"):
            d["existing"] = existing.get(f"{d['target']}-{d['year']}", "")
    return render(request, "reports/import_bulk_preview.html", ctx | {"docs": docs, "existing": existing})


@login_required
@require_POST
def bulk_import_confirm(request):
    targets = {o.pk: o for o in import_targets(request.user)}
    if not targets:
        raise PermissionDenied("您没有可以导入报告的机关。")
    outcomes = []
    for index in request.POST.getlist("selected"):
        token = request.POST.get(f"token-{index}", "")
        name = request.POST.get(f"name-{index}", "")
        org_id = request.POST.get(f"org-{index}", "")
        year = request.POST.get(f"year-{index}", "").strip()
        # The form posts ASCII digits; int() would also read "１" or "٣" as a choice nobody made.
        org = targets.get(int(org_id)) if org_id.isascii() and org_id.isdigit() and len(org_id) < 19 else None
        try:
            if org is None:
                raise ImportTargetError("请选择这份报告所属的机关。")
            if not _is_year(year):
                raise ImportTargetError("报告年度应为四位数字，如 2023。")
            preview = unsign(token, request.user)
            _check_title(preview.doc, org, int(year), request.POST.get(f"confirm-{index}"))
            _check_settled(preview.doc, org, int(year))
            values, prose, signature = values_from_payload(preview.doc)
            chosen = apply_choices(preview.doc, values, lambda i, index=index: request.POST.get(f"reading-{index}-{i}"))
            report = create_from_import(org, int(year), values, by=request.user, prose_fields=prose,
                                        signature=signature, preview=preview)
            outcomes.append({"name": name, "report": report, "chosen": chosen})
        except (ImportTargetError, PermissionDenied) as exc:
            outcomes.append({"name": name, "error": str(exc)})
    if not outcomes:
        return HttpResponseBadRequest("没有选择要导入的文档。".encode())
    status = 200 if all("report" in o for o in outcomes) else 400
    return render(request, "reports/import_bulk_done.html", {"outcomes": outcomes}, status=status)


# ------------------------------------------------------------------------------------ downloads


def report_export_xlsx(request, report_id: int):
    report = get_report_for_user(request.user, report_id)
    frozen = published_file(report, "xlsx")  # a published report's, as frozen at publication
    if frozen is not None:
        return file_response(request, frozen, XLSX, f"{report.title}.xlsx", sha256=sha256(frozen))
    return file_response(request, report_workbook(report), XLSX, f"{report.title}.xlsx")


def report_export_json(request, report_id: int):
    report = get_report_for_user(request.user, report_id)
    text = json.dumps(report_to_json(report), ensure_ascii=False, indent=1) + "\n"
    return file_response(request, text.encode("utf-8"), JSON, f"{report.title}.json")


@login_required
def analysts_export(request):
    reports = reports_for_user(request.user).select_related("organisation__parent").order_by(
        "-year", "organisation__name")
    year = request.GET.get("year", "")
    if year:
        if not _is_year(year):
            return HttpResponseBadRequest("年度应为四位数字。".encode())
        reports = reports.filter(year=int(year))
    name = f"政府信息公开工作年度报告数据{year or ''}.xlsx"
    return file_response(request, analysts_workbook(reports), XLSX, name)


# ------------------------------------------------------------------------------------ next year


@login_required
@require_POST
def start_next_year(request, report_id: int):
    previous = get_report_for_user(request.user, report_id)
    try:
        report = start_from_previous(previous.organisation, previous.year + 1, by=request.user)
    except CarryoverError as exc:
        messages.error(request, str(exc))
        return redirect("report_detail", report_id=previous.pk)
    messages.success(request, f"已新建{report.title}：上年结转已按{previous.year}年度的“结转下年度继续办理”填好，"
                              "文字沿用了上一年度的内容，请逐项修改或确认。")
    return redirect("report_detail", report_id=report.pk)


@login_required
@require_POST
def confirm_carried(request, report_id: int):
    report = get_report_for_editing(request.user, report_id)
    try:
        confirm_part(report, request.POST.get("part", ""), by=request.user)
    except CarryoverError as exc:
        messages.error(request, str(exc))
    return redirect("report_detail", report_id=report.pk)

