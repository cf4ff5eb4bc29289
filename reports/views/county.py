"""The county office's pages: progress of every organisation, the consolidated tables (and .xlsx), trends."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ..charts import trend_charts
from ..county import (
    CONSOLIDATING_KINDS,
    SORT_KEYS,
    ConsolidationError,
    cell_breakdown,
    cell_keys,
    cell_label,
    cell_value,
    consolidation,
    county_trend,
    dashboard_rows,
    filter_and_sort,
    organisation_lines,
    organisation_trend,
    prefill_consolidated_report,
    reporting_year,
    state_choices,
    state_summary,
    supervised_organisations,
)
from .paging import page_links
from ..tasks import county_xlsx, county_xlsx_name, create_county_xlsx_job, start
from ..models import BackgroundJob, Membership, Organisation, Report
from ..permissions import roles_for, subtree_ids
from ..exports.document import table2_blocks, table3_lines, table4_cells
from .downloads import XLSX, file_response
from .jobs import BackgroundJobCrashed

FIRST_YEAR, LAST_YEAR = 2008, 2100
DEFAULT_SORT = "deadline"
PAGE_SIZE = 200  # a county has a few dozen organisations; a city or a province may have thousands
LEFT_OUT_SHOWN = 200  # the tables page names this many left-out organisations; the .xlsx names them all
SORT_LABELS = {"name": "机关", "kind": "机关类型", "state": "状态", "changed": "最后更新", "deadline": "截止日期",
               "errors": "错误", "warnings": "提示"}


def _error(request, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "county/error.html", {"title": title, "message": message}, status=status)


def _supervises(user, org: Organisation) -> bool:
    return user.is_superuser or Membership.Role.SUPERVISOR in roles_for(user, org)


def county_view(view):
    """Resolve `org_id` to an organisation the user supervises (403 page otherwise) and check `year`."""

    @login_required
    @wraps(view)
    def wrapper(request, org_id: int, *args, **kwargs):
        root = Organisation.objects.filter(pk=org_id).first()
        if root is None:
            return _error(request, "没有找到该机关", "没有找到该机关，请从导航栏的“全县进度”进入。", 404)
        if not _supervises(request.user, root):
            return _error(request, "无权查看", f"只有{root.name}的政府信息公开工作主管部门可以查看本页。", 403)
        year = kwargs.get("year")
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            return _error(request, "年度有误", f"报告年度应在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间。", 404)
        return view(request, root, *args, **kwargs)

    return wrapper


def _common(root: Organisation, year: int | None, tab: str) -> dict:
    this_year = reporting_year(timezone.localdate())
    years = list(range(this_year, max(FIRST_YEAR, this_year - 5) - 1, -1))
    if year is not None and year not in years:
        years.append(year)
    return {"root": root, "year": year, "years": years, "tab": tab, "nav_year": year or this_year}


@login_required
def home(request):
    roots = supervised_organisations(request.user)
    if not roots and request.user.is_superuser:
        roots = list(Organisation.objects.filter(parent=None).order_by("name"))
    if not roots:
        return _error(request, "无权查看", "本页供政府信息公开工作主管部门（县政务公开办）使用，您的账号没有这一角色。", 403)
    root = roots[0]
    year = reporting_year(timezone.localdate())
    if not Report.objects.filter(organisation_id__in=subtree_ids([root]), year=year).exists():
        # Nothing started for the coming year yet: show the latest year that has reports.
        latest = (Report.objects.filter(organisation_id__in=subtree_ids([root]), year__lte=year)
                  .order_by("-year").values_list("year", flat=True).first())
        year = latest or year
    return redirect("county_dashboard", root.pk, year)


def _query(params: dict, **changes) -> str:
    merged = {k: v for k, v in (params | changes).items() if v}
    return "?" + urlencode(merged) if merged else "?"


@county_view
def dashboard(request, root: Organisation, year: int):
    today = timezone.localdate()
    rows = dashboard_rows(root, year, today)
    states = state_choices()
    kinds = sorted({(r.organisation.kind, r.organisation.get_kind_display()) for r in rows})
    state = request.GET.get("state", "")
    state = state if state in dict(states) else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    overdue = request.GET.get("overdue") == "1"
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort.removeprefix("-") in SORT_KEYS else DEFAULT_SORT
    params = {"state": state, "kind": kind, "overdue": "1" if overdue else "", "sort": sort}
    columns = [
        {
            "label": label,
            "link": _query(params, sort=f"-{key}" if sort == key else key),
            "aria": "ascending" if sort == key else "descending" if sort == f"-{key}" else "",
        }
        for key, label in SORT_LABELS.items()
    ]
    shown = Paginator(filter_and_sort(rows, state=state, kind=kind, overdue=overdue, sort=sort), PAGE_SIZE)
    page = shown.get_page(request.GET.get("page"))
    return render(request, "county/dashboard.html", _common(root, year, "dashboard") | {
        "today": today,
        "rows": page.object_list,
        "page": page,
        "page_links": page_links(page, lambda n: _query(params, page=str(n))),
        "total": len(rows),
        "summary": [(s, label, n, _query({}, state=s)) for s, label, n in state_summary(rows)],
        "overdue_count": sum(r.overdue for r in rows),
        "overdue_link": _query({}, overdue="1"),
        "states": states,
        "kinds": kinds,
        "state": state,
        "kind": kind,
        "overdue": overdue,
        "sort": sort,
        "columns": columns,
        "labels": SORT_LABELS,  # each cell says its column where a phone stacks the row (county.css)
    })


def _tables_context(root: Organisation, year: int) -> dict:
    c = consolidation(root, year)
    fmt = c.fmt
    return {
        "consolidation": c,
        "values": c.values,
        "fmt": fmt,
        "sections": {s.code: s for s in fmt.sections},
        "table2": table2_blocks(c.values),
        "table3": table3_lines(c.values),
        "table3_columns": fmt.table3.columns,
        "table4": table4_cells(c.values),
        "cells": [(key, cell_label(fmt, key)) for key in cell_keys(fmt)],
    }


@county_view
def tables(request, root: Organisation, year: int):
    own = Report.objects.filter(organisation=root, year=year).first()
    context = _tables_context(root, year)
    left_out = context["consolidation"].left_out
    organisations = len(context["consolidation"].reports) + len(left_out)
    summed = [r.organisation for r in context["consolidation"].reports] + [o for o, _ in left_out]
    return render(request, "county/tables.html", _common(root, year, "tables") | context | {
        # Governments below that consolidate their own subtree: summed by their consolidated report alone.
        "governments_below": sum(1 for o in summed if o is not None and o.kind in CONSOLIDATING_KINDS),
        "left_out_shown": left_out[:LEFT_OUT_SHOWN],
        "left_out_more": max(0, len(left_out) - LEFT_OUT_SHOWN),
        "own_report": own,
        "cell_url": reverse("county_cell", args=[root.pk, year]),
        # A large subtree's .xlsx is made by a task, the user waiting on the job page; a county's downloads at once.
        "xlsx_as_job": organisations > settings.GKPORTAL_COUNTY_XLSX_TASK_ABOVE,
    })


@county_view
def tables_xlsx(request, root: Organisation, year: int):
    return file_response(request, county_xlsx(root, year), XLSX, county_xlsx_name(root, year))


@require_POST
@county_view
def tables_xlsx_job(request, root: Organisation, year: int):
    """Start making the .xlsx as a task (the tables page offers this above GKPORTAL_COUNTY_XLSX_TASK_ABOVE
    organisations) and show its page, which offers the file when it is ready."""
    running = [j for j in BackgroundJob.objects.filter(
        user=request.user, kind=BackgroundJob.Kind.COUNTY_XLSX, status__in=[BackgroundJob.Status.QUEUED,
                                                                          BackgroundJob.Status.RUNNING])
        if j.params.get("root") == root.pk and j.params.get("year") == year and not j.stalled]
    if running:  # a second click while the first is being made: its page, not the work twice
        return redirect("job_status", job_id=running[0].pk)
    job = start(create_county_xlsx_job(request.user, root, year))
    if getattr(job, "crashed", False):
        raise BackgroundJobCrashed(job.error)
    return redirect("job_status", job_id=job.pk)


@county_view
def cell(request, root: Organisation, year: int):
    c = consolidation(root, year)
    key = request.GET.get("key", "")
    if key not in cell_keys(c.fmt):
        return _error(request, "没有这个单元格", "没有找到要分解的单元格，请回到汇总表点击其中的数字。", 404)
    breakdown = cell_breakdown(c, key)
    # A province's cell has thousands of reports: drawing them all took ~4 s at 20,000 organisations, and no one
    # reads past the largest; a page at a time, largest first, as on the dashboard.
    shown = Paginator(breakdown, PAGE_SIZE)
    page = shown.get_page(request.GET.get("page"))
    return render(request, "county/cell.html", _common(root, year, "tables") | {
        "label": cell_label(c.fmt, key),
        "total": cell_value(c.values, key),
        "breakdown": page.object_list,
        "page": page,
        "page_links": page_links(page, lambda n: _query({"key": key}, page=str(n))),
        "counted": len(breakdown),
        "consolidation": c,
    })


@require_POST
@county_view
def prefill(request, root: Organisation, year: int):
    if not (request.user.is_superuser or Membership.objects.filter(
            user=request.user, organisation=root, role=Membership.Role.SUPERVISOR).exists()):
        return _error(request, "无权操作", f"只有{root.name}本级的主管部门可以生成本级汇总报告。", 403)
    try:
        report = prefill_consolidated_report(root, year, by=request.user)
    except ConsolidationError as exc:
        messages.error(request, str(exc))
        return redirect("county_tables", root.pk, year)
    messages.success(
        request,
        f"已用下属机关已审核通过的报告的汇总数填写《{report.title}》的表二、表三、表四；"
        f"截止日期为 {report.deadline.year}年{report.deadline.month}月{report.deadline.day}日。",
    )
    return redirect("report_detail", report.pk)


@county_view
def trends(request, root: Organisation):
    # Read as lines, not 20,000 model instances for a <select> (a province); the one chosen as a model.
    options = organisation_lines(root)
    chosen = request.GET.get("org", "")
    line = next((o for o in options if str(o.pk) == chosen), None)
    if chosen and line is None:
        return _error(request, "没有找到该机关", f"该机关不在{root.name}的下属机关之中。", 404)
    subject = Organisation.objects.get(pk=line.pk) if line is not None else None
    trend = organisation_trend(subject) if subject else county_trend(root)
    # 20,000 <option>s for a province: joined here (escaped) rather than by the template's loop, 3× slower.
    selected = mark_safe(" selected")
    options_html = format_html_join("", '<option value="{}"{}>{}</option>', (
        (o.pk, selected if o is line else "", o.name) for o in options))
    return render(request, "county/trends.html", _common(root, None, "trends") | {
        "subject": subject,
        "options_html": options_html,
        "trend": trend,
        "charts": trend_charts(trend),
    })
