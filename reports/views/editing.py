"""Drafting: the report's home page, the six section editors, the live check and the autosave."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..catalogue import Section
from ..forms import (
    SECTION_FORMS,
    Conflict,
    OverviewForm,
    SectionForm,
    TextField,
    count_text,
    filled_keys,
    finding_section,
    printed_mismatches,
    section_texts,
)
from ..merging import difference, merge3
from ..joined import read_where
from ..models import Acknowledgement, Report
from ..permissions import (
    EDITABLE_STATES,
    can,
    can_edit,
    could,
    NOT_FOUND,
    get_report_for_user,
    may_see,
    require_editable,
    visible_organisation_ids,
)
from ..phrasing import apply_standard_sentences, standard_sentences
from ..findings import Shown, cell_anchor, cell_marks, finding_url, report_findings, shown
from ..workflow import comments_by_section
from ..rules import SEVERITY_LABELS, Finding, checked_values
from ..services import load_with_values
from ..values import ReportValues
from ..writing import WriteRefused
from .grid_html import table3_tds

STATES = {
    "empty": "未填写",
    "in_progress": "填写中",
    "complete": "已完成",
    "errors": "有错误",
    "warnings": "需核实",
}


@dataclass
class SectionStatus:
    section: Section
    state: str
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)  # still to be confirmed
    acknowledged: list[Finding] = field(default_factory=list)
    filled: int = 0
    blank: int = 0

    @property
    def label(self) -> str:
        return STATES[self.state]


def section_statuses(report: Report, values: ReportValues, items: list[Shown]) -> list[SectionStatus]:
    """Each section's state: empty, in progress, complete, has errors or has warnings still to confirm."""
    out = []
    for section in report.format.sections:
        mine = [it for it in items if finding_section(it.finding) == section.code]
        filled, blank = filled_keys(values, report, section.code)
        status = SectionStatus(
            section,
            "",
            errors=[it.finding for it in mine if it.state == "error"],
            warnings=[it.finding for it in mine if it.state == "warning"],
            acknowledged=[it.finding for it in mine if it.state == "acknowledged"],
            filled=len(filled),
            blank=len(blank),
        )
        # Blank cells (S-CELLS) are what "in progress" means; they count as an error only at submission.
        real_errors = [f for f in status.errors if f.rule != "S-CELLS"]
        if not filled:
            status.state = "empty"
        elif real_errors:
            status.state = "errors"
        elif status.warnings:
            status.state = "warnings"
        else:
            status.state = "in_progress" if blank else "complete"
        out.append(status)
    return out


def _loaded(report: Report) -> tuple[Report, ReportValues]:
    """The report with all six sections read at once, and its values: read once per request, in three queries
    (one made in the admin may lack sections: they are created, never a 500 for that)."""
    return load_with_values(report.pk)


def _loaded_for(user, report_id: int, check=None, **tables: bool) -> tuple[Report, ReportValues]:
    """As `_loaded`, with the report looked for among those the user may see (404 otherwise) and `check`
    (a permission check that raises) run on it before its values are read: the permission checks and the
    editor's read of the report are one query, not two. `tables`: as `load_with_values`'s."""
    try:
        return load_with_values(report_id, visible=lambda report: may_see(user, report), check=check, **tables)
    except Report.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _loaded_for_editing(user, report_id: int, **tables: bool) -> tuple[Report, ReportValues]:
    """The report and its values if the user may edit it: 404 when they may not see it, 403 when they may
    only read it. `tables`: as `load_with_values`'s."""
    return _loaded_for(user, report_id, lambda report: require_editable(user, report), **tables)


# Which stored tables the editor's background requests read (see `load_with_values`). The live check posts
# every cell of its section, and a refused cell is left out of the rules, so the section's own stored table
# is not needed; the rules need the others. The autosave runs no rules: it needs only its own table's
# stored cells (a refused cell keeps its stored value), the prose (the total length) and the revision; 表三's
# save reads its refused cells' stored values under the lock, with the rows it compares (forms.ApplicationsForm).
CHECK_TABLES = {"proactive": {"table2": False}, "applications": {"table3": False}}
SAVE_TABLES = {"proactive": {"table3": False}, "applications": {"table2": False, "table3": False}}
NO_TABLES = {"table2": False, "table3": False}


def _form_class(section: str) -> type[SectionForm]:
    try:
        return SECTION_FORMS[section]
    except KeyError:
        raise Http404("没有这一部分。") from None


def _finding_link(report: Report, finding: Finding, readable: bool) -> str:
    return finding_url(report, finding) if readable and finding_section(finding) else ""


def can_review(user, report: Report) -> bool:
    """Who opens the section editors read-only: the organisation's people and the county office above it."""
    return user.is_superuser or could(user, "view_history", report)


def report_home(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id)
    if not (request.user.is_superuser or report.organisation_id in visible_organisation_ids(request.user)):
        # Someone who sees the report only because it is published: the document, not the drafting.
        return render(request, "reports/report_home.html", {"report": report, "insider": False})
    report, values = _loaded(report)
    items = report_findings(report, values)
    editable = can_edit(request.user, report)
    readable = editable or can_review(request.user, report)
    days_left = (report.deadline - timezone.localdate()).days
    headings = {s.code: s.heading for s in report.format.sections}
    shown = [
        {
            "finding": it.finding,
            "item": it,
            "label": it.label,
            "section": headings.get(finding_section(it.finding), ""),
            "url": _finding_link(report, it.finding, readable),
        }
        for it in items
        if it.finding.severity in ("error", "warning")
    ]
    return render(
        request,
        "reports/report_home.html",
        {
            "report": report,
            "editable": editable,
            "readable": readable,
            "can_comment": can(request.user, "comment", report),
            "statuses": section_statuses(report, values, items),
            "findings": shown,
            "days_left": days_left,
            "days_overdue": -days_left,
            "insider": True,
            "drafting": report.status in EDITABLE_STATES,
        },
    )


# ---------------------------------------------------------------- the editors


@dataclass(frozen=True)
class EditorCell:
    """One cell of an editor: an input, or a derived sum shown read-only."""

    key: str
    label: str  # row + column: the input's accessible name
    text: str
    derived: bool = False
    r: int = 0
    c: int = 0
    error: str = ""

    @property
    def id(self) -> str:
        return cell_anchor(self.key)


def _cell(form: SectionForm, key: str, r: int = 0, c: int = 0) -> EditorCell:
    bound = form[key]
    value = bound.value()
    return EditorCell(key, str(bound.label), "" if value is None else str(value), r=r, c=c,
                      error=" ".join(form.errors.get(key, [])) if form.is_bound else "")


def _values(form: SectionForm) -> ReportValues:
    return form.values if form.values is not None else form.saved


def table3_grid(form: SectionForm) -> list[dict[str, Any]]:
    """表三 as printed: each row's label cells with their spans, then one cell per column."""
    values = _values(form)
    t3 = values.format.table3
    lines = []
    for r, row in enumerate(t3.rows):
        cells = []
        for c, col in enumerate(t3.columns):
            key = f"table3.{row.code}.{col.code}"
            if row.derived or col.derived:
                text = count_text(values.t3(row.code, col.code))
                cells.append(EditorCell(key, t3.cell_name(row.code, col.code), text, derived=True, r=r, c=c))
            else:
                cells.append(_cell(form, key, r, c))
        lines.append({"row": row, "labels": row.labels, "cells": cells})
    return lines


def grid_cells(lines: list[dict[str, Any]], marks: dict[str, dict], commented: set[str],
               readonly: bool = False) -> list[dict[str, Any]]:
    """Each line's cells as HTML (grid_html.table3_tds), from (cell, the td's classes, its message)."""
    for line in lines:
        tds = []
        for c in line["cells"]:
            mark = marks.get(c.key)
            css = "num derived" if c.derived else "num"
            if c.error:
                css += " is-refused"
            elif mark:
                css += f" is-{mark['state']}"
            if c.key in commented:
                css += " has-comment"
            tds.append((c, css, mark["text"] if mark else ""))
        line["html"] = table3_tds(tds, readonly)
    return lines


def table4_grid(form: SectionForm) -> list[EditorCell]:
    values = _values(form)
    t4 = values.format.table4
    out = []
    for c, (group, col) in enumerate((g, col) for g in t4.groups for col in t4.columns):
        key = f"table4.{group.code}.{col.code}"
        if col.derived:
            out.append(EditorCell(key, t4.cell_name(group.code, col.code), count_text(values.t4(group.code, col.code)),
                                  derived=True, c=c))
        else:
            out.append(_cell(form, key, 0, c))
    return out


def table2_grid(form: SectionForm) -> list[dict[str, Any]]:
    t2 = _values(form).format.table2
    blocks, r = [], 0
    for block in t2.blocks:
        spans = t2.spans(block)
        rows = []
        for label, fields in block.rows:
            rows.append({"label": label, "cells": [(_cell(form, f"table2.{key}", r, c), span)
                                                   for c, (key, span) in enumerate(zip(fields, spans))]})
            r += 1
        header = [(block.header[0], 1), *zip(block.header[1:], spans)]
        blocks.append({"block": block, "header": header, "rows": rows, "width": t2.width})
    return blocks


def derived_texts(values: ReportValues, section: str) -> dict[str, str]:
    """Every derived 总计 cell the section's editor shows."""
    if section == "applications":
        t3 = values.format.table3
        return {
            f"table3.{r.code}.{c.code}": count_text(values.t3(r.code, c.code))
            for r in t3.rows
            for c in t3.columns
            if r.derived or c.derived
        }
    if section == "review_litigation":
        return {f"table4.{g.code}.total": count_text(values.t4(g.code, "total")) for g in values.format.table4.groups}
    return {}


def section_items(report: Report, form: SectionForm) -> list[Shown]:
    """The report's findings as the editor shows them: from the typed form if bound, with acknowledgements.
    Only a warning can be acknowledged (`shown`): without one, the acknowledgements are not read."""
    findings = form.findings if form.is_bound else form.stored_findings()
    acks = _acknowledgements(report) if any(f.severity == "warning" for f in findings) else {}
    return shown(findings, acks)


def _acknowledgements(report: Report) -> dict[str, Acknowledgement]:
    """findings.acknowledgements(report), by a SELECT written once (reports.joined): keyed by the finding's key,
    unique in a report, so their order does not matter."""
    return {a.key: a for a in read_where(Acknowledgement, "report", report.pk, related=("by",), any_order=True)}


def _editor_context(request: HttpRequest, report: Report, form: SectionForm, *,
                    conflict: list[dict[str, str]] | None = None, readonly: bool = False) -> dict[str, Any]:
    section = report.format.section(form.code)
    values = _values(form)
    items = section_items(report, form)
    # Blank cells (S-CELLS) after the rest: a half-filled table has one per row, and they are counted apart too.
    mine = sorted((it for it in items if finding_section(it.finding) == form.code),
                  key=lambda it: it.finding.rule == "S-CELLS")
    comments = comments_by_section(report).get(form.code, [])
    labels = {key: str(form[key].label) for key in form.keys}
    context: dict[str, Any] = {
        "report": report,
        "form": form,
        "readonly": readonly,
        "section": section,
        "sections": report.format.sections,
        "findings": mine,
        "marks": cell_marks(mine),
        "other_findings": sum(1 for it in items if finding_section(it.finding) != form.code and it.state == "error"),
        "blank": filled_keys(values, report, form.code)[1],
        "phrases": standard_sentences(values),
        "conflict": conflict,
        "comments": [{"comment": c, "cell": c.cell, "cell_label": labels.get(c.cell, ""),
                      "anchor": cell_anchor(c.cell) if c.cell in labels else ""} for c in comments],
        "commented_cells": {c.cell for c in comments if c.cell and not c.is_resolved},
        "can_resolve": can(request.user, "resolve_comment", report),
        "can_comment": can(request.user, "comment", report),
        "comment_cells": list(labels.items()),
        "editor_config": {
            "checkUrl": reverse("section_check", args=[report.pk, form.code]),
            "saveUrl": reverse("section_save", args=[report.pk, form.code]),
            "section": form.code,
            "revision": form.stored_revision(),
            "saved": type(form).texts(form.saved, report),
            "blank": filled_keys(values, report, form.code)[1],
            "storageKey": f"gkportal:{request.user.pk}:{report.pk}:{form.code}",
            "severityLabels": SEVERITY_LABELS,
        },
    }
    if form.code == "applications":
        context["grid"] = grid_cells(table3_grid(form), context["marks"], context["commented_cells"], readonly)
        context["fmt"] = report.format
    elif form.code == "review_litigation":
        context["grid"] = table4_grid(form)
        context["fmt"] = report.format
    elif form.code == "proactive":
        context["blocks"] = table2_grid(form)
    else:
        context["cells"] = {key.replace(".", "_"): _cell(form, key) for key in form.keys}
        context["fee_cells"] = [c for k, c in context["cells"].items() if k.startswith("processing_fee")]
        if isinstance(form, OverviewForm):
            context["overview_chars"] = form.overview_chars()
            context["overview_parts"] = [
                _cell(form, f"prose.overview_{p.code}") for p in report.format.overview_parts
            ]
    return context


def _posted_revision(request: HttpRequest) -> int | None:
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


@login_required
def section_edit(request: HttpRequest, report_id: int, section: str) -> HttpResponse:
    """A section's editor; a plain POST (without JavaScript) saves it, as the autosave does.

    Whoever may not edit the report now but works on it or above it (the approver, the county office, a
    drafter once it is submitted) gets the same page read-only: grids, findings, comments, no inputs.
    """
    form_class = _form_class(section)
    if request.method != "POST":
        def readable(report: Report) -> None:
            if not can_edit(request.user, report) and not can_review(request.user, report):
                require_editable(request.user, report)  # the 403 with its reason

        report, values = _loaded_for(request.user, report_id, readable)
        if not can_edit(request.user, report):
            context = _editor_context(request, report, form_class(report, values=values), readonly=True)
            return render(request, f"reports/edit_{section}.html", context)
        return render(request, f"reports/edit_{section}.html",
                      _editor_context(request, report, form_class(report, values=values)))
    report, values = _loaded_for_editing(request.user, report_id)
    form = form_class(report, request.POST, values=values)
    revision = _posted_revision(request)
    # A refused cell (a letter, 1.5, −3) does not stop the others saving: it keeps its stored value.
    if not form.savable() or revision is None:
        return render(request, f"reports/edit_{section}.html", _editor_context(request, report, form), status=400)
    try:
        new_revision = form.save(revision=revision, by=request.user)
    except WriteRefused as exc:
        # The report was locked (or the right withdrawn) after the page was opened: keep what was typed.
        return render(request, f"reports/edit_{section}.html",
                      _editor_context(request, report, form) | {"refused": str(exc)}, status=423)
    except Conflict:
        theirs = section_texts(report, section)
        differ = [
            {"label": str(form[key].label), "theirs": theirs[key], "mine": form.data.get(key, "")}
            for key in form.keys
            if theirs[key] != form.data.get(key, "")
        ]
        report = Report.objects.select_related("organisation").get(pk=report.pk)
        data = request.POST.copy()
        data["revision"] = str(getattr(report, section).revision)
        form = form_class(report, data)
        form.is_valid()
        by = last_saved_by(report, section)
        context = _editor_context(request, report, form, conflict=differ)
        context["conflict_by_me"] = by is not None and by.pk == request.user.pk
        return render(request, f"reports/edit_{section}.html", context, status=409)
    refused = form.refused_keys()
    if refused:
        # The page again, with what was typed in the refused cells still in them, marked 待改正.
        report, values = _loaded_for_editing(request.user, report.pk)
        data = request.POST.copy()
        data["revision"] = str(new_revision)
        again = form_class(report, data, values=values)
        again.is_valid()
        messages.warning(request, f"已保存 {timezone.localtime():%H:%M:%S}；{len(refused)} 个单元格待改正，"
                                  "这些格未保存（保留原值），您填写的内容仍在页面上。")
        return render(request, f"reports/edit_{section}.html", _editor_context(request, report, again))
    messages.success(request, f"已保存 {timezone.localtime():%H:%M:%S}")
    return redirect("section_edit", report.pk, section)


def _json_editing(tables: dict[str, dict[str, bool]], default: dict[str, bool]):
    """For the editor's background requests: errors as JSON with a Chinese message, never a login page.
    `tables[section]` (else `default`): which stored tables the view needs (`load_with_values`)."""
    return lambda view: require_POST(_json_view(view, tables, default))


def _json_view(view, tables: dict[str, dict[str, bool]], default: dict[str, bool]):
    @wraps(view)
    def wrapper(request: HttpRequest, report_id: int, section: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"error": "登录已过期，请重新登录。您的修改已保存在本机浏览器中。"}, status=403)
        try:
            report, values = _loaded_for_editing(request.user, report_id, **tables.get(section, default))
            form_class = _form_class(section)
        except PermissionDenied as exc:
            return JsonResponse({"error": str(exc) or "您不能修改这份报告。"}, status=403)
        except Http404 as exc:
            return JsonResponse({"error": str(exc)}, status=404)
        return view(request, report, values, form_class)

    return wrapper


@_json_editing(CHECK_TABLES, {})
def section_check(request: HttpRequest, report: Report, values: ReportValues,
                  form_class: type[SectionForm]) -> JsonResponse:
    """The form as typed so far → findings, derived sums and per-cell messages (nothing is stored)."""
    form = form_class(report, request.POST, values=values)
    form.is_valid()
    # Read-only from here: the derived sums, worked out once for the grid, the sentences and the checks below.
    values = checked_values(_values(form))
    printed = {k.removeprefix("printed."): v for k, v in request.POST.items() if k.startswith("printed.")}
    payload: dict[str, Any] = {
        "seq": request.POST.get("seq", ""),
        "cell_errors": form.cell_errors(),
        "normalised": form.normalised(),
        "derived": derived_texts(values, form.code),
        "findings": [it.as_dict() | {"section": finding_section(it.finding)} for it in section_items(report, form)],
        "blank": [k for k in filled_keys(values, report, form.code)[1] if k not in form.errors],
        "phrases": {k: {"text": p.text, "problem": p.problem} for k, p in standard_sentences(values).items()},
        "printed": printed_mismatches(values, printed),
    }
    if isinstance(form, OverviewForm):
        payload["overview_chars"] = form.overview_chars()
        payload["overview_over"] = any(f.rule == "N-S1-LEN" for f in form.findings)
        if request.POST.get("generate") == "on_request":
            text, problems = apply_standard_sentences(values.prose["overview_on_request"], values)
            payload["generated"] = {"prose.overview_on_request": text, "problems": problems}
    return JsonResponse(payload)


@_json_editing(SAVE_TABLES, NO_TABLES)
def section_save(request: HttpRequest, report: Report, values: ReportValues,
                 form_class: type[SectionForm]) -> JsonResponse:
    """Autosave: 200 with the new revision, 400 with the refused cells, 409 with what someone else saved.

    The rules are not run: the answer carries no findings (the live check gives them)."""
    form = form_class(report, request.POST, values=values, rules=False)
    revision = _posted_revision(request)
    if revision is None:
        return JsonResponse({"error": "请求缺少修订号，未保存。请刷新页面后再试。"}, status=400)
    if not form.savable():
        return JsonResponse({"error": "请求有误，未保存。请刷新页面后再试。"}, status=400)
    try:
        new_revision = form.save(revision=revision, by=request.user)
    except WriteRefused as exc:
        return JsonResponse({"error": str(exc), "locked": exc.code == "locked"}, status=423)
    except Conflict:
        fresh = Report.objects.get(pk=report.pk)
        section = getattr(fresh, form.code)
        theirs = section_texts(report, form.code)
        by = last_saved_by(fresh, form.code)
        by_me = by is not None and by.pk == request.user.pk
        return JsonResponse(
            {
                "error": ("您在另一个窗口/标签页中保存了这一部分。" if by_me
                          else "其他人在您编辑期间保存了这一部分。"),
                "revision": section.revision,
                "values": theirs,
                "saved_at": f"{timezone.localtime(section.updated_at):%H:%M:%S}",
                "by": "" if by is None else (by.get_full_name() or by.get_username()),
                "by_me": by_me,
                **prose_merges(request, form, theirs),
            },
            status=409,
        )
    # Refused cells kept their stored value; the others are saved. The editor keeps the typed text.
    return JsonResponse({"revision": new_revision, "saved_at": f"{timezone.localtime():%H:%M:%S}",
                         "refused": form.cell_errors(), "stored": form.kept_texts()})


def last_saved_by(report: Report, section: str):
    """Who saved the section last (from its versions), or None when nobody is known."""
    version = report.versions.filter(section=section).select_related("created_by").order_by("-number").first()
    return version.created_by if version is not None else None


def prose_merges(request: HttpRequest, form: SectionForm, theirs: dict[str, str]) -> dict[str, Any]:
    """For each paragraph both sides changed: the three-way merge, or, where the edits overlap, the difference.

    The editor posts the text it loaded as `base.<key>`; without it (an old page) the paragraph is asked.
    """
    merged, diffs = {}, {}
    for key in form.keys:
        base = request.POST.get(f"base.{key}")
        mine = form.data.get(key, "")
        if base is None or not isinstance(form.fields[key], TextField) or len(base) > 100_000:
            continue
        if mine in (base, theirs[key]) or theirs[key] == base:
            continue  # only one side changed it, or both alike: the editor takes it as it is
        result = merge3(base, mine, theirs[key])
        if result.text is not None:
            merged[key] = result.text
        else:
            diffs[key] = difference(theirs[key], mine)
    return {"merged": merged, "diffs": diffs}
