"""The workflow through its pages: the panel, the transition forms, comments, versions and the inbox."""

from __future__ import annotations

import pytest

from reports.models import Notification, Report
from reports.signals import report_published
from reports.workflow import add_comment, approve, publish, return_report, submit

from .workflow_support import complete_report, confirmation, edit, set_status

pytestmark = pytest.mark.django_db
S = Report.Status


@pytest.fixture
def ready(township):
    return complete_report(township)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_panel_offers_the_drafter_to_submit_as_a_post_form_with_csrf(client, ready, drafter):
    client.force_login(drafter)
    html = page(client, f"/reports/{ready.pk}/")
    assert 'data-status="draft"' in html and ">草稿<" in html
    assert f'action="/reports/{ready.pk}/submit/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "提交审核</button>" in html
    for other in ("return", "approve", "publish", "reopen"):
        assert f"/reports/{ready.pk}/{other}/" not in html


def test_the_panel_lists_the_findings_that_block_submission_and_disables_the_button(client, ready, drafter):
    edit(ready, drafter, new__natural=99)
    client.force_login(drafter)
    html = page(client, f"/reports/{ready.pk}/")
    # two T3-BAL errors, and the N-NUMS warning: the prose still says 新收 4件
    assert "以下 3 个问题处理后才能提交审核" in html and 'data-rule="T3-BAL"' in html
    assert "三、收到和处理政府信息公开申请情况</span> — 第（七）项总计（自然人）" in html
    assert 'disabled aria-describedby="submission-blockers">提交审核' in html


def test_the_approver_sees_return_and_approve_with_a_comment_form(client, ready, drafter, approver):
    submit(ready, by=drafter)
    client.force_login(approver)
    html = page(client, f"/reports/{ready.pk}/")
    assert f'action="/reports/{ready.pk}/return/"' in html and f'action="/reports/{ready.pk}/approve/"' in html
    assert "退回理由" in html and 'data-testid="comment-form"' in html
    assert f"/reports/{ready.pk}/submit/" not in html


def test_the_public_sees_a_published_report_without_any_workflow(client, ready, drafter, approver, county_officer):
    submit(ready, by=drafter)
    add_comment(ready, by=approver, section="problems", text="内部意见不公开")
    approve(ready, by=approver)
    publish(ready, by=county_officer)
    html = page(client, f"/reports/{ready.pk}/")
    assert ">已公开发布<" in html
    assert "内部意见不公开" not in html and "操作记录" not in html
    assert '<form method="post" action="/reports' not in html


def test_submitting_through_the_page_redirects_to_the_report_with_a_message(client, ready, drafter):
    client.force_login(drafter)
    response = client.post(f"/reports/{ready.pk}/submit/", {"comment": ""}, follow=True)
    assert response.redirect_chain == [(f"/reports/{ready.pk}/", 302)]
    assert "已提交审核，审核人会收到通知。" in messages_of(response)
    assert Report.objects.get(pk=ready.pk).status == S.SUBMITTED


def test_a_blocked_submission_shows_the_findings_with_400(client, ready, drafter):
    edit(ready, drafter, new__natural=99)
    client.force_login(drafter)
    response = client.post(f"/reports/{ready.pk}/submit/", {"comment": "请审核"})
    html = response.content.decode()
    assert response.status_code == 400
    # two T3-BAL errors, and the N-NUMS warning: the prose still says 新收 4件
    assert "还有 3 个问题需要先处理，暂不能提交审核。" in html and 'data-rule="T3-BAL"' in html
    assert "请审核" in html  # what the user typed is kept
    assert Report.objects.get(pk=ready.pk).status == S.DRAFT


def test_a_return_without_a_reason_is_refused_at_the_field(client, ready, drafter, approver):
    submit(ready, by=drafter)
    client.force_login(approver)
    response = client.post(f"/reports/{ready.pk}/return/", {"comment": "  "})
    assert response.status_code == 400
    assert "请填写退回理由。" in response.content.decode()
    assert Report.objects.get(pk=ready.pk).status == S.SUBMITTED


def test_a_stale_button_in_the_wrong_state_gives_a_message_not_a_crash(client, ready, drafter, approver):
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(approver)
    response = client.post(f"/reports/{ready.pk}/return/", {"comment": "晚了"}, follow=True)
    assert response.redirect_chain == [(f"/reports/{ready.pk}/", 302)]
    assert "这份报告当前为“已审核通过”，您不能退回。" in messages_of(response)
    assert Report.objects.get(pk=ready.pk).status == S.APPROVED


def test_the_transition_page_shows_its_form_on_get(client, ready, drafter, approver):
    submit(ready, by=drafter)
    client.force_login(approver)
    html = page(client, f"/reports/{ready.pk}/return/")
    assert "<h1 class=\"h4 mb-3\">退回修改</h1>" in html and "退回理由" in html


def test_publishing_a_correction_asks_for_the_note_and_keeps_what_was_typed(client, ready, drafter, approver,
                                                                            county_officer):
    from reports.workflow import reopen

    submit(ready, by=drafter)
    approve(ready, by=approver)
    publish(ready, by=county_officer)
    reopen(ready, by=county_officer, comment="更正表三")
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(county_officer)
    assert "更正说明" in page(client, f"/reports/{ready.pk}/publish/")
    response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "第二次发布", "correction_note": "",
                                                           **confirmation(ready)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写更正说明：更正了什么，为什么更正。" in html and "第二次发布" in html
    response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "", "correction_note": "更正了表三。",
                                                           **confirmation(ready)})
    assert response.status_code == 302
    assert ready.events.last().comment == "更正了表三。"


def test_a_failing_publication_is_reported_on_the_page(client, ready, drafter, approver, county_officer):
    submit(ready, by=drafter)
    approve(ready, by=approver)

    def broken(sender, **kwargs):
        raise RuntimeError("renderer failed")

    report_published.connect(broken, weak=False, dispatch_uid="t-view-broken")
    try:
        client.force_login(county_officer)
        response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "", **confirmation(ready)})
    finally:
        report_published.disconnect(dispatch_uid="t-view-broken")
    assert response.status_code == 400
    assert "发布失败" in response.content.decode()
    assert Report.objects.get(pk=ready.pk).status == S.APPROVED


def test_a_transition_must_be_posted_with_a_csrf_token(ready, drafter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(drafter)
    response = client.post(f"/reports/{ready.pk}/submit/", {"comment": ""})
    assert response.status_code == 403
    assert "页面已过期，请刷新后重试" in response.content.decode()
    assert Report.objects.get(pk=ready.pk).status == S.DRAFT


# ---------------------------------------------------------------- comments


def test_comments_are_made_and_resolved_through_the_page(client, ready, drafter, approver):
    submit(ready, by=drafter)
    client.force_login(approver)
    response = client.post(f"/reports/{ready.pk}/comments/", {"section": "applications", "text": "请核对（七）总计"})
    assert response.status_code == 302 and response["Location"] == f"/reports/{ready.pk}/#comments-applications"
    comment = ready.section_comments.get()
    return_report(ready, by=approver, comment="见意见")
    client.force_login(drafter)
    html = page(client, f"/reports/{ready.pk}/")
    assert 'id="comments-applications"' in html and "请核对（七）总计" in html and "待处理" in html
    assert f'action="/reports/{ready.pk}/comments/{comment.pk}/resolve/"' in html
    response = client.post(f"/reports/{ready.pk}/comments/{comment.pk}/resolve/")
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_by == drafter


def test_a_bad_comment_is_refused_at_the_field(client, ready, drafter, approver):
    submit(ready, by=drafter)
    client.force_login(approver)
    response = client.post(f"/reports/{ready.pk}/comments/", {"section": "bogus", "text": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "选择一个有效的选项" in html and "请填写意见内容。" in html
    assert not ready.section_comments.exists()


def test_a_comment_refused_because_the_state_changed_keeps_its_text(client, ready, drafter, approver):
    submit(ready, by=drafter)
    approve(ready, by=approver)  # meanwhile, in another tab
    client.force_login(approver)
    response = client.post(f"/reports/{ready.pk}/comments/", {"section": "problems", "text": "第五部分请具体些"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "这份报告当前为“已审核通过”，不能提出审核意见。" in html and "第五部分请具体些" in html


def test_resolving_a_comment_of_another_report_is_not_found(client, ready, sibling, drafter, approver):
    submit(ready, by=drafter)
    comment = add_comment(ready, by=approver, section="problems", text="x")
    other = complete_report(sibling)
    from reports.models import Membership

    Membership.objects.create(user=drafter, organisation=sibling, role="drafter")
    client.force_login(drafter)
    assert client.post(f"/reports/{other.pk}/comments/{comment.pk}/resolve/").status_code == 404


def test_the_section_comments_tag_renders_one_sections_comments_for_the_editor(rf, ready, drafter, approver):
    from django.template import Context, Template

    submit(ready, by=drafter)
    add_comment(ready, by=approver, section="problems", text="问题写得太笼统")
    add_comment(ready, by=approver, section="applications", text="表三意见")
    request = rf.get("/")
    request.user = drafter
    html = Template('{% load workflow %}{% section_comments report "problems" %}').render(
        Context({"request": request, "report": ready}))
    assert "问题写得太笼统" in html and "表三意见" not in html and 'id="comments-problems"' in html


# ---------------------------------------------------------------- versions page


def test_the_versions_page_shows_changes_since_the_return_by_default(client, ready, drafter, approver):
    submit(ready, by=drafter)
    return_report(ready, by=approver, comment="请修改")
    edit(ready, drafter, new__natural=3, prose_problems="一是问题。二是问题。")
    client.force_login(approver)
    html = page(client, f"/reports/{ready.pk}/versions/")
    assert "对比：第2版（退回修改" in html and "→ 第3版（保存" in html
    assert 'data-cell="table3.new.natural"' in html and "一、本年新收政府信息公开申请数量（自然人）" in html
    assert 'data-prose="problems"' in html and "<ins" in html


def test_the_versions_page_compares_the_chosen_pair(client, ready, drafter):
    edit(ready, drafter, new__natural=3)
    edit(ready, drafter, new__natural=5)
    edit(ready, drafter, new__natural=7)
    client.force_login(drafter)
    html = page(client, f"/reports/{ready.pk}/versions/?old=1&new=3")
    assert "对比：第1版" in html and "第3版" in html
    assert '<del>3</del>' in html and '<ins>7</ins>' in html


@pytest.mark.parametrize("query", ["old=99&new=1", "old=abc&new=1", "old=&new="])
def test_a_bad_version_choice_is_refused_in_chinese(client, ready, drafter, query):
    edit(ready, drafter, new__natural=3)
    client.force_login(drafter)
    response = client.get(f"/reports/{ready.pk}/versions/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "没有这个版本，请从列表中选择。" in html or "这个字段是必填项。" in html


def test_the_versions_page_without_versions_says_so(client, ready, drafter):
    client.force_login(drafter)
    assert "这份报告还没有保存过版本" in page(client, f"/reports/{ready.pk}/versions/")


# ---------------------------------------------------------------- inbox


def test_the_inbox_lists_what_waits_and_the_notifications(client, ready, drafter, approver):
    client.force_login(drafter)
    response = client.post(f"/reports/{ready.pk}/submit/", {"comment": ""})
    assert response.status_code == 302
    client.force_login(approver)
    html = page(client, "/inbox/")
    assert f'data-report="{ready.pk}"' in html and "审核：退回修改或审核通过" in html
    assert "1 条未读" in html and "提交审核" in html
    assert 'aria-label="1 条未读通知">1<' in html  # the badge in the navigation bar
    response = client.post("/inbox/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=approver, read_at__isnull=True).exists()
    assert "现在没有等您处理的报告" not in page(client, "/inbox/")


def test_the_inbox_and_the_badge_count_every_unread_notification_alike(client, ready, approver):
    Notification.objects.bulk_create(
        [Notification(recipient=approver, report=ready, message=f"第{i}条") for i in range(60)])
    client.force_login(approver)
    html = page(client, "/inbox/")
    assert ">60 条未读</span>" in html  # the inbox shows the newest 50; its count is of all
    assert 'aria-label="60 条未读通知">60<' in html


def test_the_inbox_needs_a_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_error_pages_speak_chinese(client, ready, outsider, drafter):
    client.force_login(outsider)
    response = client.get(f"/reports/{ready.pk}/")
    assert response.status_code == 404 and "没有找到这个页面" in response.content.decode()
    set_status(ready, S.PUBLISHED)
    response = client.post(f"/reports/{ready.pk}/reopen/", {"comment": "x"})
    assert response.status_code == 403
    assert "只有本机关的审核人或主管部门可以重新打开报告。" in response.content.decode()


def test_publishing_asks_to_confirm_showing_what_will_be_published(client, drafter, approver, county_officer,
                                                                   ready):
    submit(ready, by=drafter)
    approve(ready, by=approver)
    client.force_login(county_officer)
    panel = client.get(f"/reports/{ready.pk}/").content.decode()
    assert f'href="/reports/{ready.pk}/publish/">公开发布…</a>' in panel  # a link to the confirmation, not a POST
    page = client.get(f"/reports/{ready.pk}/publish/").content.decode()
    for shown in (ready.title, ready.organisation.name, f"{ready.year}年", "三、收到和处理政府信息公开申请情况",
                  f'href="/reports/{ready.pk}/document/"', "确认发布", "正在生成 PDF 并发布…", "reports/publish.js",
                  f'name="confirmed" value="{confirmation(ready)["confirmed"]}"'):
        assert shown in page
    ready.refresh_from_db()
    assert ready.status == "approved"  # looking is not publishing
    response = client.post(f"/reports/{ready.pk}/publish/", {"comment": "", **confirmation(ready)})
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "published"
