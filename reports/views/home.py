from django.shortcuts import render

from ..permissions import get_report_for_user, reports_for_user
from ..rendering import document_context


def index(request):
    reports = reports_for_user(request.user).order_by("-year", "organisation__name")
    return render(request, "reports/index.html", {"reports": reports})


def report_detail(request, report_id: int):
    report = get_report_for_user(request.user, report_id)
    return render(request, "reports/detail.html", document_context(report))
