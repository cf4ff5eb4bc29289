"""Importing documents (upload → preview → confirm), downloads as Excel/JSON, next year from last year."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from .. import tasks

from ..carryover import CarryoverError, confirm_part, start_from_previous
from ..exports.data import report_to_json
from ..findings import report_context
from ..importing import ACCEPT, ReadError, max_upload_bytes, read_document, too_large_message
from ..importing.apply import (
    ImportTargetError,
    apply_choices,
    create_from_import,
    import_into,
    import_targets,
    overwritten,
    unsign,
    values_from_payload,
)
from ..exports.excel import analysts_workbook, report_workbook
from ..import_preview import is_year, preview, same_org, title_disagreement
from ..models import BackgroundJob, Organisation
from ..permissions import get_report_for_editing, get_report_for_user, reports_for_user
from ..publishing import published_file, sha256
from .downloads import JSON, XLSX, file_response
from .jobs import BackgroundJobCrashed, get_job_for_user

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
    doc = preview(result, context, request.user, report, target=(report.organisation_id, report.year))
    doc["overwritten"] = overwritten(report, result.values)
    doc["year_mismatch"] = result.year is not None and result.year != report.year
    doc["org_mismatch"] = bool(result.org_name) and not same_org(result.org_name, report.organisation)
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
    job = tasks.start(tasks.create_bulk_job(request.user, files, default_year=request.POST.get("year", "").strip()))
    if job.crashed:
        raise BackgroundJobCrashed(job.error)
    if job.status == BackgroundJob.Status.DONE:  # read in-process: the preview at once, as before
        return _bulk_preview_page(request, job, ctx)
    if job.status == BackgroundJob.Status.FAILED:
        return render(request, "reports/import_bulk.html", ctx | {"error": job.error}, status=400)
    return redirect("job_status", job_id=job.pk)


@login_required
def bulk_import_job(request, job_id: int):
    """The preview of a bulk import whose documents a worker has read."""
    job = get_job_for_user(request.user, job_id, kind=BackgroundJob.Kind.BULK_IMPORT)
    if job.status != BackgroundJob.Status.DONE:
        return redirect("job_status", job_id=job.pk)
    targets = import_targets(request.user)
    ctx = {"accept": ACCEPT + ",.zip", "max_mb": max_upload_bytes() // (1024 * 1024), "targets": targets}
    return _bulk_preview_page(request, job, ctx)


def _bulk_preview_page(request, job: BackgroundJob, ctx: dict):
    # Each document's part of the page was rendered (and escaped) by the task, from our own template.
    docs = [d | {"html": mark_safe(d["html"])} for d in job.result["docs"]]
    return render(request, "reports/import_bulk_preview.html", ctx | {"docs": docs,
                                                                      "existing": job.result["existing"]})


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
            if not is_year(year):
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
        if not is_year(year):
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

