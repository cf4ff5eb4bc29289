"""Publishing asks to confirm, and the server holds to it (issue 16, point 9): the publish page shows what will
be published and carries a confirmation bound to the report as shown; a bare POST, or a confirmation of an
older state, publishes nothing and says why."""

from __future__ import annotations

import html
import re

import pytest

from reports.models import Report
from reports.workflow import (STALE_CONFIRMATION, WorkflowError, approve, publication_stamp, publish, reopen,
                              submit)
from reports.workflow_forms import NOT_CONFIRMED

from .workflow_support import complete_report, confirmation

pytestmark = pytest.mark.django_db
S = Report.Status


@pytest.fixture
def ready(township, drafter, approver):
    report = complete_report(township)
    submit(report, by=drafter)
    approve(report, by=approver)
    return report


def shown_stamp(text: str) -> str:
    return re.search(r'name="confirmed" value="([0-9a-f]+)"', text).group(1)


def nothing_published(report: Report) -> bool:
    report.refresh_from_db()
    return report.status == S.APPROVED and not report.publications.exists() \
        and not report.events.filter(action="publish").exists()


def test_the_confirmation_page_shows_what_will_be_published(client, ready, county_officer):
    client.force_login(county_officer)
    text = client.get(f"/reports/{ready.pk}/publish/").content.decode()
    for shown in (ready.title, "西村乡人民政府", "落款", "内容版本", "向社会公开，并冻结保存", "确认发布",
                  'role="status" aria-live="polite"'):
        assert shown in text, shown
    assert shown_stamp(text) == confirmation(ready)["confirmed"]
    assert nothing_published(ready)


def test_a_direct_post_without_the_confirmation_publishes_nothing_and_says_why(client, ready, county_officer):
    client.force_login(county_officer)
    response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "直接发布"})
    assert response.status_code == 400
    text = response.content.decode()
    assert html.escape(NOT_CONFIRMED) in text
    assert "直接发布" in text  # what was typed is kept
    assert shown_stamp(text) == confirmation(ready)["confirmed"]  # the page shown again can be confirmed
    assert nothing_published(ready)


def test_a_confirmation_of_an_older_state_is_refused_and_the_page_shown_again(client, ready, drafter, approver,
                                                                            county_officer):
    client.force_login(county_officer)
    old = shown_stamp(client.get(f"/reports/{ready.pk}/publish/").content.decode())
    # Meanwhile the approver reopens it, the drafter resubmits it, and it is approved again.
    reopen(ready, by=approver, comment="更正表三")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "", "confirmed": old})
    assert response.status_code == 400
    text = response.content.decode()
    assert html.escape(STALE_CONFIRMATION) in text
    new = shown_stamp(text)
    assert new != old and new == confirmation(ready)["confirmed"]
    assert nothing_published(ready)
    assert client.post(f"/reports/{ready.pk}/publish/", {"comment": "", "confirmed": new}).status_code == 302
    ready.refresh_from_db()
    assert ready.status == S.PUBLISHED and ready.publications.count() == 1


def test_renaming_the_organisation_makes_a_confirmation_stale(client, ready, county_officer):
    before = confirmation(ready)
    ready.organisation.name = "西村镇人民政府"  # the name printed in the title and the 落款
    ready.organisation.save()
    client.force_login(county_officer)
    response = client.post(f"/reports/{ready.pk}/publish/", before)
    assert response.status_code == 400 and html.escape(STALE_CONFIRMATION) in response.content.decode()
    assert nothing_published(ready)


def test_the_stale_check_is_made_again_under_the_lock(ready, county_officer):
    with pytest.raises(WorkflowError) as refused:
        publish(ready, by=county_officer, confirmed="0" * 24)
    assert refused.value.code == "stale_confirmation"
    assert nothing_published(ready)
    publish(ready, by=county_officer, **confirmation(ready))
    assert Report.objects.get(pk=ready.pk).status == S.PUBLISHED
