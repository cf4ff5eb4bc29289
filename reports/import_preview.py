"""What the import previews show of a read document, shared by the import pages and the bulk-import task."""

from __future__ import annotations

from .exports.document import table2_blocks, table3_lines, table4_cells
from .findings import organisation_context
from .importing.apply import sign
from .importing.bundle import Document
from .importing.choices import reading_value, settle
from .importing.labels import normalise
from .importing.result import ImportResult, prose_name
from .models import Organisation, Report
from .permissions import EDITABLE_STATES
from .rules import Context, check


def is_year(text: str) -> bool:
    """Four ASCII digits: str.isdigit() also admits ２ and ², which int() or the database refuse."""
    return len(text) == 4 and text.isascii() and text.isdigit()


def preview(result: ImportResult, context: Context, user, report=None, target: tuple[int, int] | None = None
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


def same_org(name: str, org: Organisation) -> bool:
    """The organisation a title names is `org`: its full or short name, or one the other begins with."""
    wanted, full = normalise(name), normalise(org.name)
    short = normalise(org.short_name or "") or full
    return bool(wanted) and (wanted in (full, short) or full.startswith(wanted) or wanted.startswith(short))


def title_disagreement(title: tuple[str, int | None], org: Organisation, year: int) -> str:
    """What the document's title says that the chosen organisation and year don't, in words; '' if nothing."""
    org_name, title_year = title
    parts = []
    if org_name and not same_org(org_name, org):
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


def existing_notes(targets) -> dict[str, str]:
    """existing_report_note for every report of the target organisations, keyed 'org-year'."""
    reports = Report.objects.filter(organisation__in=targets).select_related("organisation")
    return {f"{r.organisation_id}-{r.year}": existing_report_note(r) for r in reports}


def guess_target(result: ImportResult | None, targets) -> Organisation | None:
    """The organisation the document names, among those the user may import for."""
    if result is None or not result.org_name:
        return None
    wanted = normalise(result.org_name)
    for org in targets:
        if wanted in (normalise(org.name), normalise(org.short_name or "")):
            return org
    return next((org for org in targets if same_org(result.org_name, org)), None)


def bulk_item(index: int, doc: Document, targets, user, default_year: str, existing: dict[str, str]) -> dict:
    """What the bulk preview shows of one document of the upload: its preview, and the organisation and year
    guessed for it (from its title, else the year the user gave)."""
    item = {"index": index, "name": doc.name, "error": doc.error}
    if doc.result is None:
        return item
    target = guess_target(doc.result, targets)
    year = doc.result.year or (int(default_year) if is_year(default_year) else None)
    # With the organisation and year known, the cross-year checks run against last year's report.
    context = organisation_context(target, year) if target and year else Context(year=year)
    settle(doc.result, context.previous)  # a run-together 表二 row that last year's report settles
    item |= preview(doc.result, context, user, target=(target.pk, year) if target and year else None)
    item["reading_prefix"], item["bulk"] = f"reading-{index}-", True
    item["target"] = target.pk if target else None
    item["year"] = year or ""
    # For the page's own check when the user picks another organisation or year.
    item["title_orgs"] = " ".join(str(o.pk) for o in targets if doc.result.org_name
                                  and same_org(doc.result.org_name, o))
    if target and year:
        item["existing"] = existing.get(f"{target.pk}-{year}", "")
    return item
