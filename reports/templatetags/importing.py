"""The import/export panel of a report's page, and the links of the report list."""

from django import template

from ..carryover import pending_parts
from ..importing.result import prose_name
from ..models import Membership, Report
from ..permissions import can_edit, roles_for

register = template.Library()


@register.inclusion_tag("reports/_import_panel.html", takes_context=True)
def import_panel(context, report: Report):
    user = context["request"].user
    editable = can_edit(user, report)
    next_year = report.year + 1
    allowed = (Membership.Role.DRAFTER in roles_for(user, report.organisation)
               and not Report.objects.filter(organisation=report.organisation, year=next_year).exists())
    carried = ([{"part": m.part, "name": prose_name(report.format, m.part)} for m in pending_parts(report)]
               if user.is_authenticated else [])
    return {"report": report, "can_edit": editable, "next_year": next_year, "next_year_allowed": allowed,
            "carried": carried, "request": context["request"], "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("reports/_import_links.html", takes_context=True)
def import_links(context):
    from ..importing.apply import import_targets

    user = context["request"].user
    return {"user": user, "can_bulk_import": bool(import_targets(user)) if user.is_authenticated else False}
