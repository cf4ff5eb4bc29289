"""The fixed per-request work of the editor's requests (issue 15 point 1, second round): the user's memberships
read once per request, the account state read with the user, the permission checks folded into the report's
read — with every right still checked, and a change of rights seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.accounts import password_set_by_other
from reports.models import Account, Membership
from reports.permissions import REQUEST_SCOPED, can_edit, roles_for

pytestmark = pytest.mark.django_db


def count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_a_request_scoped_user_reads_its_memberships_once(drafter, report):
    setattr(drafter, REQUEST_SCOPED, True)
    assert count(lambda: roles_for(drafter, report.organisation)) == 1
    assert count(lambda: [roles_for(drafter, report.organisation), can_edit(drafter, report)]) == 0


def test_a_user_object_outside_a_request_reads_its_memberships_every_time(drafter, report):
    assert can_edit(drafter, report)
    Membership.objects.filter(user=drafter).delete()
    assert not can_edit(drafter, report)


def test_a_role_withdrawn_during_the_request_is_seen_at_once(drafter, report):
    setattr(drafter, REQUEST_SCOPED, True)
    assert can_edit(drafter, report)
    Membership.objects.get(user=drafter).delete()
    assert not can_edit(drafter, report)
    assert roles_for(drafter, report.organisation) == set()


def test_a_supervisor_above_still_counts_and_a_drafter_reads_no_ancestors(drafter, county_officer, report):
    setattr(county_officer, REQUEST_SCOPED, True)
    assert Membership.Role.SUPERVISOR in roles_for(county_officer, report.organisation)
    setattr(drafter, REQUEST_SCOPED, True)
    roles_for(drafter, report.organisation)
    assert count(lambda: roles_for(drafter, report.organisation.parent)) == 0  # no ancestors read


def test_the_middleware_marks_the_signed_in_user(client, drafter, report):
    client.force_login(drafter)
    response = client.get(reverse("section_edit", args=[report.pk, "applications"]))
    assert getattr(response.wsgi_request.user, REQUEST_SCOPED, False)


def test_the_account_state_is_read_with_the_user_and_still_forces_the_password_change(client, drafter, report):
    client.force_login(drafter)
    url = reverse("section_edit", args=[report.pk, "applications"])
    assert client.get(url).status_code == 200
    Account.objects.update_or_create(user=drafter, defaults={"must_change_password": True})  # as in the admin
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("password_change")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert not [q for q in captured.captured_queries if q["sql"].startswith('SELECT 1 AS "a" FROM "reports_account"')]


def test_a_password_set_by_someone_else_ends_the_session_and_is_forced_after_signing_in(client, drafter, report):
    client.force_login(drafter)
    password_set_by_other(drafter)
    drafter.set_password("Xy-12345678")
    drafter.save()
    url = reverse("section_check", args=[report.pk, "applications"])
    assert client.post(url, {}).status_code == 403  # signed out: the JSON answer, not a page
    client.force_login(drafter)
    response = client.get(reverse("section_edit", args=[report.pk, "applications"]))
    assert response.status_code == 302 and response.url == reverse("password_change")


def test_a_reader_of_a_published_report_cannot_check_or_save_it(client, outsider, report):
    from reports.models import Report

    Report.objects.filter(pk=report.pk).update(status=Report.Status.PUBLISHED)
    client.force_login(outsider)
    for name in ("section_check", "section_save"):
        response = client.post(reverse(name, args=[report.pk, "applications"]), {"revision": "0"})
        assert response.status_code == 403 and "error" in response.json()


def test_a_report_out_of_sight_is_404_before_anything_is_read(client, outsider, report):
    client.force_login(outsider)
    sql = []
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("section_check", args=[report.pk, "applications"]), {"revision": "0"})
    sql = [q["sql"] for q in captured.captured_queries]
    assert response.status_code == 404
    assert not [q for q in sql if "reports_applicationrow" in q or "INSERT" in q]
