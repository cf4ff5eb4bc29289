from django.shortcuts import render

from ..permissions import reports_for_user


def index(request):
    reports = reports_for_user(request.user).order_by("-year", "organisation__name")
    return render(request, "reports/index.html", {"reports": reports})
