"""Separation of duties: who drafted a report does not approve it, and neither they nor its approver publish it."""

from __future__ import annotations

import pytest

from reports.models import Membership, Report
from reports.workflow import approve, reopen, return_report, submit

from .conftest import Role, make_user
from .workflow_support import complete_report, confirmation, edit

pytestmark = pytest.mark.django_db
S = Report.Status

APPROVE_REFUSED = "您起草或提交了这份报告，不能由您审核通过：请由本机关其他审核人审核。"
PUBLISH_DRAFTED = "您起草或提交了这份报告，不能由您公开发布：请由主管部门其他人员发布。"
PUBLISH_APPROVED = "这份报告由您审核通过，不能再由您公开发布：请由主管部门其他人员发布。"


@pytest.fixture
def ready(township):
    return complete_report(township)


@pytest.fixture
def both(township):
    """A township clerk who holds both the drafter's and the approver's role."""
    person = make_user("both", township, Role.DRAFTER)
    Membership.objects.create(user=person, organisation=township, role=Role.APPROVER)
    return person


def amend(report, person, sentence: str) -> None:
    """A save by `person`: one more sentence in 五、存在的主要问题及改进情况."""
    edit(report, person, prose_problems=report.values().prose["problems"] + sentence + "。")


def post_approve(client, report, person):
    client.force_login(person)
    return client.post(f"/reports/{report.pk}/approve/", {"comment": "同意"})


def status_of(report) -> str:
    return Report.objects.get(pk=report.pk).status


def test_an_approver_who_saved_the_report_cannot_approve_it(client, ready, both, drafter):
    amend(ready, both, "本年度存在的主要问题是……")
    submit(ready, by=drafter)
    response = post_approve(client, ready, both)
    assert response.status_code == 400
    assert APPROVE_REFUSED in response.content.decode()
    assert status_of(ready) == S.SUBMITTED
    assert not ready.events.filter(action="approve").exists()


def test_an_approver_who_submitted_the_report_cannot_approve_it(client, ready, both):
    submit(ready, by=both)
    response = post_approve(client, ready, both)
    assert response.status_code == 400 and APPROVE_REFUSED in response.content.decode()
    assert status_of(ready) == S.SUBMITTED


def test_the_refusal_is_shown_before_pressing_with_the_button_disabled(client, ready, both):
    submit(ready, by=both)
    client.force_login(both)
    html = client.get(f"/reports/{ready.pk}/").content.decode()
    assert APPROVE_REFUSED in html and 'disabled aria-describedby="duty-approve">审核通过' in html
    html = client.get(f"/reports/{ready.pk}/approve/").content.decode()
    assert APPROVE_REFUSED in html and "disabled>审核通过" in html


def test_a_return_does_not_clear_what_the_approver_wrote_before_it(client, ready, both, drafter, approver):
    amend(ready, both, "由兼任审核人的人员起草")
    submit(ready, by=drafter)
    return_report(ready, by=approver, comment="请补充")
    amend(ready, drafter, "由填报人补充")
    submit(ready, by=drafter)
    response = post_approve(client, ready, both)
    assert response.status_code == 400 and APPROVE_REFUSED in response.content.decode()
    response = post_approve(client, ready, approver)
    assert response.status_code == 302 and status_of(ready) == S.APPROVED


def test_what_someone_else_approved_before_no_longer_counts(client, ready, both, drafter, approver):
    """Drafted in one round and approved by another person, then reopened and corrected by a colleague."""
    amend(ready, both, "第一轮由兼任审核人的人员起草")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    reopen(ready, by=approver, comment="更正第六部分")
    amend(ready, drafter, "第二轮由填报人更正")
    submit(ready, by=drafter)
    response = post_approve(client, ready, both)
    assert response.status_code == 302 and status_of(ready) == S.APPROVED


def test_a_different_approver_approves(client, ready, drafter, approver):
    amend(ready, drafter, "填报人起草")
    submit(ready, by=drafter)
    assert post_approve(client, ready, approver).status_code == 302
    assert status_of(ready) == S.APPROVED


def test_the_approver_cannot_also_publish(client, ready, drafter, approver, county):
    Membership.objects.create(user=approver, organisation=county, role=Role.SUPERVISOR)
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(approver)
    html = client.get(f"/reports/{ready.pk}/").content.decode()
    assert PUBLISH_APPROVED in html
    response = client.post(f"/reports/{ready.pk}/publish/", {})
    assert response.status_code == 400 and PUBLISH_APPROVED in response.content.decode()
    assert status_of(ready) == S.APPROVED


def test_a_drafter_cannot_also_publish(client, ready, drafter, approver, county):
    Membership.objects.create(user=drafter, organisation=county, role=Role.SUPERVISOR)
    amend(ready, drafter, "填报人起草")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(drafter)
    response = client.post(f"/reports/{ready.pk}/publish/", {})
    assert response.status_code == 400 and PUBLISH_DRAFTED in response.content.decode()
    assert status_of(ready) == S.APPROVED


def test_three_different_people_take_the_report_to_publication(client, ready, drafter, approver, county_officer):
    amend(ready, drafter, "填报人起草")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(county_officer)
    assert client.post(f"/reports/{ready.pk}/publish/", confirmation(ready)).status_code == 302
    assert status_of(ready) == S.PUBLISHED
    assert list(ready.events.values_list("actor__username", flat=True)) == ["drafter", "approver", "officer"]


def test_an_import_is_drafting_and_the_countys_prefill_is_not(township, county, drafter, approver, county_officer):
    """The write path's kinds: who imported numbers drafted them; the consolidated sums are computed."""
    from reports.county import prefill_consolidated_report
    from reports.duties import conflict
    from reports.importing.apply import import_into

    from .conftest import complete_values

    report = complete_report(township)
    values = complete_values()
    import_into(report, values, by=drafter, prose_fields=[])
    assert conflict(report, drafter, "approve") == APPROVE_REFUSED
    assert conflict(report, approver, "approve") == ""

    own = prefill_consolidated_report(county, 2023, by=county_officer)
    assert own.versions.get().kind == "prefill"
    assert conflict(own, county_officer, "publish") == ""
