"""CSRF is enforced everywhere: every URL of the site refuses a POST without the token, and changes nothing.

The URLconf is walked, so a view added later is covered without anyone listing it here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import BackgroundJob, Membership, RoleGrant, SectionComment

from .hostile_support import concrete_url, routes, snapshot
from .workflow_support import complete_report, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def values(report, township, county, drafter, approver, county_officer):
    """A real object for every parameter a route takes."""
    comment = SectionComment.objects.create(report=report, section="problems", author=approver, text="请补充")
    grant = RoleGrant.objects.create(user=drafter, organisation=township, role=Membership.Role.APPROVER,
                                     granted_by=county_officer)
    return {
        "report_id": report.pk, "section": "problems", "comment_id": comment.pk, "organisation_id": township.pk,
        "user_id": drafter.pk, "membership_id": Membership.objects.get(user=drafter).pk, "org_id": county.pk,
        "year": 2023, "number": 1, "org_key": "西村乡", "object_id": report.pk, "content_type_id": 1,
        "id": drafter.pk, "uidb64": "MQ", "token": "set-password", "grant_id": grant.pk,
        "job_id": BackgroundJob.objects.create(kind=BackgroundJob.Kind.PUBLISH, user=drafter, report=report,
                                               status=BackgroundJob.Status.FAILED, error="渲染失败").pk,
    }


def _strict(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_every_url_refuses_a_post_without_the_csrf_token_and_changes_nothing(values, drafter, county_officer):
    urls = [concrete_url(route, values) for route, _name in routes()]
    assert len(urls) > 100  # the walk found the site: reports, county, manage, public, accounts, admin
    for user in (drafter, county_officer):
        client = _strict(user)
        before = snapshot()
        for url in urls:
            response = client.post(url, {"revision": "0", "prose.problems": "改了", "comment": "退回",
                                         "text": "意见", "section": "problems", "key": "x", "part": "problems"})
            assert response.status_code == 403, (url, response.status_code)
            assert "页面已过期" in response.content.decode(), url  # the CSRF page, not a permission refusal
        assert snapshot() == before


def test_a_token_from_another_session_is_refused_too(report, drafter, approver):
    other = Client(enforce_csrf_checks=True)
    other.force_login(approver)
    other.get(reverse("report_detail", args=[report.pk]))
    token = other.cookies["csrftoken"].value
    client = _strict(drafter)
    client.get(reverse("section_edit", args=[report.pk, "problems"]))  # the drafter has a cookie of their own
    assert client.cookies["csrftoken"].value != token
    before = snapshot()
    response = client.post(reverse("section_save", args=[report.pk, "problems"]),
                           {"revision": str(report.problems.revision), "prose.problems": "改了"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 403
    assert snapshot() == before


def test_with_the_token_the_same_posts_go_through(report, drafter, township, approver):
    """The control: the refusals above are CSRF's, since the pages' own token makes them work."""
    client = _strict(drafter)
    client.get(reverse("section_edit", args=[report.pk, "problems"]))
    token = client.cookies["csrftoken"].value
    revision = report.problems.revision
    response = client.post(reverse("section_save", args=[report.pk, "problems"]),
                           {"revision": str(revision), "prose.problems": "改了"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    ready = complete_report(township, 2022)
    set_status(ready, "submitted")
    approving = _strict(approver)
    approving.get(reverse("report_detail", args=[ready.pk]))
    response = approving.post(reverse("report_comment_add", args=[ready.pk]),
                              {"section": "problems", "text": "请补充", "csrfmiddlewaretoken":
                               approving.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert ready.section_comments.filter(text="请补充").exists()


def test_no_view_is_exempt_from_csrf():
    from django.urls import get_resolver

    def callbacks(resolver):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                yield from callbacks(p)
            else:
                yield p

    exempt = [str(p.pattern) for p in callbacks(get_resolver()) if getattr(p.callback, "csrf_exempt", False)]
    assert exempt == []
