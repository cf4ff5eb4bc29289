"""A report's findings: the page grouped by section, the same as JSON, and acknowledging a warning."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ..findings import (
    EXPLANATION_MAX_CHARS,
    acknowledge,
    acknowledgements,
    counts,
    finding_url,
)
from ..findings import report_findings as shown_findings
from ..forms import TextField
from ..models import Report
from ..permissions import can_edit, get_report_for_user, roles_for
from ..rules import RULE_INFO, gate, help_texts


class AcknowledgeForm(forms.Form):
    key = forms.CharField(max_length=500, widget=forms.HiddenInput)
    explanation = TextField(
        label="说明（可选）", required=False, max_length=EXPLANATION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：本年集中清理规范性文件，现行有效件数因此减少。"}),
    )


def _get_report_for_findings(user, report_id: int) -> Report:
    """The report if the user works on it or supervises it: findings and explanations are internal."""
    report = get_report_for_user(user, report_id)
    if not user.is_superuser and not roles_for(user, report.organisation):
        raise Http404("没有找到这份报告，或您无权查看。")
    return report


def _findings_context(request, report: Report, failed: tuple[str, str, str] | None = None) -> dict:
    """The page's context; `failed` = (key, error, explanation) of a refused acknowledgement, to show again."""
    shown_items = shown_findings(report)
    editable = can_edit(request.user, report)
    items = []
    for i, it in enumerate(shown_items, start=1):
        f, ack = it.finding, it.ack
        items.append({
            "n": i,
            "finding": f,
            "shown": it,
            "info": RULE_INFO.get(f.rule),
            "url": finding_url(report, f),
            "target": "定位到段落" if f.cells and f.cells[0].startswith("prose.") else "定位到单元格",
            "ack": ack,
            # The same warning with other numbers than when it was acknowledged: the approver should know.
            "ack_changed": it.changed,
            "error": failed[1] if failed and failed[0] == f.key else "",
            "explanation": failed[2] if failed and failed[0] == f.key else "",
            "can_acknowledge": editable and f.severity == "warning",
        })
    sections = []
    for s in report.format.sections:
        mine = [it for it in items if it["finding"].section == s.code]
        sections.append({
            "section": s,
            "items": mine,
            "errors": sum(1 for it in mine if it["finding"].severity == "error"),
            "warnings": sum(1 for it in mine if it["finding"].severity == "warning"),
            "help": help_texts(s.code),
        })
    n = counts(shown_items)
    return {
        "report": report,
        "sections": sections,
        "errors": n["error"],
        "warnings": n["warning"] + n["acknowledged"],
        "acknowledged": n["acknowledged"],
        "blocking": n["blocking"],
        "editable": editable,
        "explanation_max": EXPLANATION_MAX_CHARS,
    }


@login_required
@require_safe
def report_findings(request, report_id: int):
    report = _get_report_for_findings(request.user, report_id)
    return render(request, "reports/findings.html", _findings_context(request, report))


@login_required
@require_safe
def report_findings_json(request, report_id: int):
    report = _get_report_for_findings(request.user, report_id)
    items = shown_findings(report)
    findings = [it.finding for it in items]
    acks = acknowledgements(report)
    rows = []
    for it in items:
        f = it.finding
        row = f.as_dict() | {"state": it.state}
        row["url"] = finding_url(report, f)
        ack = acks.get(f.key) if f.severity == "warning" else None
        row["acknowledged"] = None if ack is None else {
            "by": ack.by.get_full_name() or ack.by.get_username(),
            "at": ack.at.isoformat(),
            "explanation": ack.explanation,
        }
        rows.append(row)
    return JsonResponse({
        "report": report.pk,
        "title": report.title,
        "organisation": report.organisation.name,
        "year": report.year,
        "status": report.status,
        "counts": {
            "error": sum(1 for f in findings if f.severity == "error"),
            "warning": sum(1 for f in findings if f.severity == "warning"),
            "info": sum(1 for f in findings if f.severity == "info"),
            "acknowledged": sum(1 for r in rows if r["acknowledged"]),
            "blocking": len(gate(findings, set(acks))),
        },
        "findings": rows,
    }, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def acknowledge_finding(request, report_id: int):
    report = _get_report_for_findings(request.user, report_id)
    form = AcknowledgeForm(request.POST)
    status, error = 400, ""
    if not form.is_valid():
        key = request.POST.get("key", "")
        error = "；".join(e for errs in form.errors.values() for e in errs)
    else:
        key = form.cleaned_data["key"]
        try:
            acknowledge(report, key, by=request.user, explanation=form.cleaned_data["explanation"])
        except PermissionDenied as exc:
            status, error = 403, str(exc)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "已确认这条提示。审核人和县政务公开办可以看到您的说明。")
            return redirect(reverse("report_findings", args=(report.pk,)))
    messages.error(request, error)
    context = _findings_context(request, report, (key, error, request.POST.get("explanation", "")))
    return render(request, "reports/findings.html", context, status=status)

