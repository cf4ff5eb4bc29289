from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import render

from ..models import Membership
from ..permissions import reports_for_user
from .paging import page_links

# Rows a page: a clerk's own reports fit on the first; a province officer's (or a visitor's list of every
# published report) run to tens of thousands, which one page cannot hold.
PAGE_SIZE = 50


def index(request):
    reports = reports_for_user(request.user)
    if request.user.is_authenticated:
        # The user's own organisations' reports first (the draft a clerk came for), then the rest by year and name.
        own = Membership.objects.filter(user=request.user, organisation_id=OuterRef("organisation_id"))
        reports = reports.annotate(own=Exists(own)).order_by("-own", "-year", "organisation__name", "pk")
    else:
        reports = reports.order_by("-year", "organisation__name", "pk")
    pages = Paginator(reports, PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    return render(request, "reports/index.html", {"reports": page.object_list, "page": page, "total": pages.count,
                                                  "page_links": page_links(page, lambda n: f"?page={n}")})
