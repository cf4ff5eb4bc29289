"""Template tags of the workflow: the report's panel, a section's comments, the navigation's counts."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ..duties import conflict
from ..models import Membership, Notification, Report
from ..permissions import actions_for, can, could, roles_for
from ..workflow import comments_by_section, submission_blockers, was_published
from ..workflow_forms import BUTTONS, SectionCommentForm, TransitionForm

register = template.Library()

STATUS_STYLES = {"draft": "secondary", "submitted": "info", "returned": "warning", "approved": "success",
                 "published": "primary"}
BUTTON_STYLES = {"submit": "primary", "return": "warning", "approve": "success", "publish": "danger",
                 "reopen": "outline-secondary"}


@register.simple_tag(takes_context=True)
def workflow_panel(context, report: Report) -> dict[str, Any]:
    """What the panel shows this user: the state, what they may do now, the comments, the blockers."""
    user = context["request"].user
    roles = roles_for(user, report.organisation)
    actions = actions_for(user, report)
    correction = "publish" in actions and was_published(report)
    comments = comments_by_section(report) if roles else {}
    open_count = sum(1 for cs in comments.values() for c in cs if not c.is_resolved)
    forms = [
        {"action": a, "button": BUTTONS[a], "style": BUTTON_STYLES[a], "url": reverse(f"report_{a}", args=[report.pk]),
         "form": TransitionForm(a, correction=correction and a == "publish", open_comments=open_count,
                                auto_id=f"id_{a}_%s"),
         "duty": conflict(report, user, a)}
        for a in actions
    ]
    editable_now = report.status in (Report.Status.DRAFT, Report.Status.RETURNED)
    blockers = submission_blockers(report) if roles and editable_now else []
    sections = report.format.sections
    headings = {s.code: s.heading for s in sections}
    return {
        "roles": roles,
        "status_style": STATUS_STYLES.get(report.status, "secondary"),
        "forms": forms,
        "submit_blocked": bool(blockers) and "submit" in actions,
        "blockers": [(headings.get(f.section, ""), f) for f in blockers],
        "sections": [(s, comments.get(s.code, [])) for s in sections] if roles else [],
        "has_comments": any(comments.values()),
        "open_comments": open_count,
        "open_list": [(headings.get(c.section, ""), c) for cs in comments.values() for c in cs if not c.is_resolved],
        "can_comment": can(user, "comment", report, roles),
        "can_resolve": can(user, "resolve_comment", report, roles),
        "comment_form": SectionCommentForm(auto_id="id_comment_%s"),
        "can_view_history": could(user, "view_history", report, roles),
        "events": list(report.events.select_related("actor").order_by("-at", "-pk")) if roles else [],
    }


@register.inclusion_tag("reports/_section_comments.html", takes_context=True)
def section_comments(context, report: Report, section: str) -> dict[str, Any]:
    """A section's comments with the resolve buttons, for the editor to show beside the section."""
    user = context["request"].user
    roles = roles_for(user, report.organisation)
    comments = comments_by_section(report).get(section, []) if roles else []
    return {"report": report, "section": section, "comments": comments,
            "can_resolve": can(user, "resolve_comment", report, roles), "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def nav_counts(context) -> dict[str, Any]:
    """For the navigation bar: unread notifications, and whether the user manages organisations."""
    request = context.get("request")  # absent on pages rendered without one (the CSRF failure page)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0, "manages": False}
    return {
        "unread": Notification.unread_count(user),
        # supervised_ids(user) holds the supervised organisations themselves: it is non-empty exactly when this
        # exists, without walking a province's whole tree on every page.
        "manages": Membership.objects.filter(user=user, role=Membership.Role.SUPERVISOR).exists(),
    }
