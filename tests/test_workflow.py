"""The transitions: each one atomic, checked (state, role, findings), audited, versioned and notified."""

from __future__ import annotations

import pytest
from django.core import mail

from reports import workflow
from reports.models import Notification, Report, ReportEvent, ReportVersion
from reports.permissions import can_edit, get_report_for_editing
from reports.signals import report_published
from reports.workflow import WorkflowError, approve, publish, reopen, return_report, submit

from .conftest import Role, make_user
from .workflow_support import complete_report, edit, set_status

pytestmark = pytest.mark.django_db
S = Report.Status


@pytest.fixture
def ready(township):
    return complete_report(township)


@pytest.fixture
def people(drafter, approver, county_officer):
    for user, address in ((drafter, "drafter@xc.gov.cn"), (approver, "approver@xc.gov.cn"),
                          (county_officer, "office@xw.gov.cn")):
        user.email = address
        user.first_name = {"drafter": "李干事", "approver": "张副乡长", "officer": "王科长"}[user.username]
        user.save()
    return drafter, approver, county_officer


def refused(code: str, fn, *args, **kwargs) -> WorkflowError:
    with pytest.raises(WorkflowError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


def test_the_whole_round_moves_through_every_state_and_writes_an_event_each_time(ready, people):
    drafter, approver, officer = people
    submit(ready, by=drafter)
    assert ready.status == S.SUBMITTED
    return_report(ready, by=approver, comment="表三请核对")
    assert Report.objects.get(pk=ready.pk).status == S.RETURNED
    submit(ready, by=drafter, comment="已按意见修改")
    approve(ready, by=approver, comment="同意")
    publish(ready, by=officer)
    assert Report.objects.get(pk=ready.pk).status == S.PUBLISHED
    rows = list(ready.events.values_list("action", "from_status", "to_status", "actor__username", "comment"))
    assert rows == [
        ("submit", "draft", "submitted", "drafter", ""),
        ("return", "submitted", "returned", "approver", "表三请核对"),
        ("submit", "returned", "submitted", "drafter", "已按意见修改"),
        ("approve", "submitted", "approved", "approver", "同意"),
        ("publish", "approved", "published", "officer", ""),
    ]
    assert all(e.at is not None for e in ready.events.all())


def test_submission_is_refused_while_an_error_remains(township, drafter):
    report = complete_report(township)
    edit(report, drafter, new__natural=99)  # 一+二 no longer equals （七）+四
    error = refused("blocked", submit, report, by=drafter)
    errors = [f.rule for f in error.findings if f.severity == "error"]
    assert errors == ["T3-BAL", "T3-BAL"]  # 自然人 and 总计 columns
    assert "暂不能提交审核" in error.message
    assert Report.objects.get(pk=report.pk).status == S.DRAFT
    assert not report.events.exists()


def test_unacknowledged_warnings_block_submission_too(ready, drafter, monkeypatch):
    from reports.rules import Finding

    warning = Finding("T3-OTHER-HIGH", "warning", "（六）其他处理偏高，请说明。", section="applications")
    monkeypatch.setattr("reports.findings.check", lambda values, context=None: [warning])
    assert workflow.submission_blockers(ready) == [warning]
    refused("blocked", submit, ready, by=drafter)


@pytest.mark.parametrize(
    "status, action, role",
    [
        (S.SUBMITTED, "submit", "drafter"),
        (S.APPROVED, "submit", "drafter"),
        (S.PUBLISHED, "submit", "drafter"),
        (S.DRAFT, "approve", "approver"),
        (S.RETURNED, "approve", "approver"),
        (S.APPROVED, "approve", "approver"),
        (S.DRAFT, "return", "approver"),
        (S.APPROVED, "return", "approver"),  # only the county office returns an approved report
        (S.SUBMITTED, "return", "officer"),  # … and only the approver a submitted one
        (S.SUBMITTED, "publish", "officer"),
        (S.PUBLISHED, "publish", "officer"),
        (S.DRAFT, "reopen", "officer"),
        (S.SUBMITTED, "reopen", "approver"),
        (S.PUBLISHED, "reopen", "approver"),  # a published report is reopened by the county office
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(ready, people, status, action, role):
    users = dict(zip(("drafter", "approver", "officer"), people))
    set_status(ready, status)
    fn = workflow.TRANSITION_FUNCTIONS[action]
    error = refused("wrong_state", fn, ready, by=users[role], comment="理由")
    assert f"当前为“{ready.get_status_display()}”" in error.message
    assert Report.objects.get(pk=ready.pk).status == status
    assert not ReportEvent.objects.exists() and not ReportVersion.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "status, action, role",
    [
        (S.DRAFT, "submit", "approver"),
        (S.DRAFT, "submit", "officer"),
        (S.DRAFT, "submit", "outsider"),
        (S.SUBMITTED, "approve", "drafter"),
        (S.SUBMITTED, "approve", "officer"),
        (S.SUBMITTED, "return", "drafter"),
        (S.APPROVED, "publish", "approver"),
        (S.APPROVED, "publish", "drafter"),
        (S.APPROVED, "reopen", "drafter"),
        (S.PUBLISHED, "reopen", "outsider"),
    ],
)
def test_a_transition_by_the_wrong_role_is_refused(ready, people, outsider, status, action, role):
    users = dict(zip(("drafter", "approver", "officer"), people), outsider=outsider)
    set_status(ready, status)
    refused("forbidden", workflow.TRANSITION_FUNCTIONS[action], ready, by=users[role], comment="理由")
    assert Report.objects.get(pk=ready.pk).status == status


def test_a_supervisor_of_a_sibling_has_no_power_over_the_report(ready, sibling):
    neighbour_office = make_user("neighbour", sibling, Role.SUPERVISOR)
    set_status(ready, S.APPROVED)
    refused("forbidden", publish, ready, by=neighbour_office)


def test_returning_and_reopening_need_a_reason(ready, people):
    drafter, approver, _officer = people
    submit(ready, by=drafter)
    refused("comment_required", return_report, ready, by=approver, comment="   ")
    approve(ready, by=approver)
    refused("comment_required", reopen, ready, by=approver, comment="")
    assert Report.objects.get(pk=ready.pk).status == S.APPROVED


def test_the_county_office_returns_an_approved_report_with_reasons(ready, people):
    drafter, approver, officer = people
    submit(ready, by=drafter)
    approve(ready, by=approver)
    event = return_report(ready, by=officer, comment="表二行政许可数与门户网站不一致")
    assert (event.from_status, event.to_status) == (S.APPROVED, S.RETURNED)
    assert can_edit(drafter, Report.objects.get(pk=ready.pk))


def test_approval_locks_the_report_and_reopening_unlocks_it(ready, people):
    drafter, approver, _officer = people
    submit(ready, by=drafter)
    assert not can_edit(drafter, ready)
    approve(ready, by=approver)
    ready.refresh_from_db()
    assert not can_edit(drafter, ready)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        get_report_for_editing(drafter, ready.pk)
    event = reopen(ready, by=approver, comment="发现表四漏填")
    assert (event.action, event.from_status, event.to_status, event.comment) == (
        "reopen", "approved", "draft", "发现表四漏填")
    ready.refresh_from_db()
    assert can_edit(drafter, ready)


def test_a_returned_report_is_editable_again(ready, people):
    drafter, approver, _ = people
    submit(ready, by=drafter)
    return_report(ready, by=approver, comment="请修改")
    ready.refresh_from_db()
    assert get_report_for_editing(drafter, ready.pk) == ready


def test_a_correction_is_reopened_edited_approved_and_published_again_with_a_note(ready, people):
    drafter, approver, officer = people
    published = []
    report_published.connect(lambda sender, **kw: published.append(kw), weak=False, dispatch_uid="t-corr")
    try:
        submit(ready, by=drafter)
        approve(ready, by=approver)
        publish(ready, by=officer)
        reopen(ready, by=officer, comment="表三自然人申请数有误")
        edit(ready, drafter, prose_other_matters="2023年，本单位未收取信息处理费。（更正）")
        submit(ready, by=drafter)
        approve(ready, by=approver)
        refused("comment_required", publish, ready, by=officer)  # a second publication needs a 更正说明
        event = publish(ready, by=officer, correction_note="更正了第六部分的表述。")
    finally:
        report_published.disconnect(dispatch_uid="t-corr")
    assert event.is_correction and event.comment == "更正了第六部分的表述。" and event.label == "发布更正"
    assert [p["correction_note"] for p in published] == ["", "更正了第六部分的表述。"]
    assert all(p["by"] == officer and p["report"].pk == ready.pk for p in published)


def test_a_failing_publication_rolls_everything_back(ready, people):
    drafter, approver, officer = people
    submit(ready, by=drafter)
    approve(ready, by=approver)
    events, versions = ready.events.count(), ready.versions.count()

    def broken(sender, **kwargs):
        raise OSError("disk full")

    report_published.connect(broken, weak=False, dispatch_uid="t-broken")
    try:
        error = refused("publication_failed", publish, ready, by=officer)
    finally:
        report_published.disconnect(dispatch_uid="t-broken")
    assert "仍为“已审核通过”" in error.message
    assert Report.objects.get(pk=ready.pk).status == S.APPROVED
    assert (ready.events.count(), ready.versions.count()) == (events, versions)
    assert not Notification.objects.filter(event__action="publish").exists()


def test_the_publication_signal_is_sent_inside_the_transaction(ready, people):
    drafter, approver, officer = people
    submit(ready, by=drafter)
    approve(ready, by=approver)
    seen = []

    def receiver(sender, report, by, correction_note, **kwargs):
        from django.db import connection

        seen.append((connection.in_atomic_block, Report.objects.get(pk=report.pk).status))

    report_published.connect(receiver, weak=False, dispatch_uid="t-inside")
    try:
        publish(ready, by=officer)
    finally:
        report_published.disconnect(dispatch_uid="t-inside")
    assert seen == [(True, S.PUBLISHED)]


# ---------------------------------------------------------------- versions


def test_every_save_and_every_transition_keeps_a_version(ready, people):
    drafter, _approver, _ = people
    edit(ready, drafter, new__natural=3)  # a save keeps a version whether or not the tables balance
    edit(ready, drafter, section="problems", prose_problems="新的问题描述。")
    edit(ready, drafter, section="problems", prose_problems="新的问题描述。")  # nothing changed: no version
    assert list(ready.versions.values_list("number", "kind", "section", "created_by__username")) == [
        (1, "save", "applications", "drafter"),
        (2, "save", "problems", "drafter"),
    ]
    assert ready.versions.get(number=2).data["prose"]["problems"] == "新的问题描述。"
    assert ready.versions.get(number=1).data["table3"]["new"][0] == 3


def test_a_version_holds_the_report_json_with_prose_and_fees(ready, people):
    drafter = people[0]
    submit(ready, by=drafter)
    version = ready.versions.get()
    from reports.exports.data import report_to_json

    assert version.kind == "submit" and version.event == ready.events.get()
    assert version.data == report_to_json(ready)
    assert {"table2", "table3", "table4", "prose", "processing_fee"} <= version.data.keys()


# ---------------------------------------------------------------- notifications


def test_the_approver_hears_of_a_submission_by_email_and_in_the_app(ready, people, django_capture_on_commit_callbacks):
    drafter, approver, _officer = people
    with django_capture_on_commit_callbacks(execute=True):
        submit(ready, by=drafter, comment="请审核")
    assert [m.to for m in mail.outbox] == [["approver@xc.gov.cn"]]
    assert "提交审核" in mail.outbox[0].subject and "请审核" in mail.outbox[0].body
    assert f"/reports/{ready.pk}/" in mail.outbox[0].body
    note = Notification.objects.get()
    assert note.recipient == approver and note.report == ready and "李干事提交审核" in note.message


def test_the_drafter_hears_of_a_return_and_drafter_and_county_of_an_approval(ready, people,
                                                                             django_capture_on_commit_callbacks):
    drafter, approver, _officer = people
    submit(ready, by=drafter)
    with django_capture_on_commit_callbacks(execute=True):
        return_report(ready, by=approver, comment="表三请核对")
    assert [m.to for m in mail.outbox] == [["drafter@xc.gov.cn"]]
    assert "表三请核对" in mail.outbox[0].body
    mail.outbox.clear()
    submit(ready, by=drafter)
    with django_capture_on_commit_callbacks(execute=True):
        approve(ready, by=approver)
    assert sorted(m.to[0] for m in mail.outbox) == ["drafter@xc.gov.cn", "office@xw.gov.cn"]
    assert set(Notification.objects.filter(event__action="approve").values_list("recipient__username", flat=True)) == {
        "drafter", "officer"}


def test_nobody_is_notified_of_their_own_action_nor_by_email_without_an_address(ready, people,
                                                                                 django_capture_on_commit_callbacks):
    from reports.models import Membership

    both = make_user("both", ready.organisation, Role.DRAFTER)  # a drafter who is also an approver
    Membership.objects.create(user=both, organisation=ready.organisation, role=Role.APPROVER)
    make_user("no_mail", ready.organisation, Role.APPROVER)
    with django_capture_on_commit_callbacks(execute=True):
        submit(ready, by=both)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"approver", "no_mail"}
    assert [m.to for m in mail.outbox] == [["approver@xc.gov.cn"]]


def test_a_mail_server_that_is_down_does_not_undo_the_transition(ready, people, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.test_workflow.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        submit(ready, by=people[0])
    assert Report.objects.get(pk=ready.pk).status == S.SUBMITTED
    assert Notification.objects.count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


# ---------------------------------------------------------------- comments


def test_the_approver_comments_per_section_and_the_drafter_resolves(ready, people):
    drafter, approver, _officer = people
    submit(ready, by=drafter)
    comment = workflow.add_comment(ready, by=approver, section="applications", text="（七）总计请再核对")
    refused("forbidden", workflow.add_comment, ready, by=drafter, section="applications", text="x")
    refused("comment_required", workflow.add_comment, ready, by=approver, section="problems", text=" ")
    refused("invalid", workflow.add_comment, ready, by=approver, section="nonsense", text="x")
    return_report(ready, by=approver, comment="见分部分意见")
    refused("wrong_state", workflow.add_comment, ready, by=approver, section="problems", text="x")
    refused("forbidden", workflow.resolve_comment, comment, by=approver)
    resolved = workflow.resolve_comment(comment, by=drafter)
    assert resolved.is_resolved and resolved.resolved_by == drafter
    assert workflow.comments_by_section(ready)["applications"] == [resolved]


def test_the_county_office_may_comment_on_an_approved_report(ready, people):
    drafter, approver, officer = people
    submit(ready, by=drafter)
    approve(ready, by=approver)
    workflow.add_comment(ready, by=officer, section="proactive", text="行政许可数请与门户网站核对")
    refused("wrong_state", workflow.add_comment, ready, by=approver, section="proactive", text="x")


# ---------------------------------------------------------------- the inbox


def test_what_waits_for_each_person(ready, people, township, sibling):
    drafter, approver, officer = people
    other = complete_report(sibling)
    todo = lambda user: [(w["report"].pk, w["todo"]) for w in workflow.waiting_for(user)]  # noqa: E731
    assert todo(drafter) == [(ready.pk, "填写并提交审核")]
    assert todo(approver) == []
    submit(ready, by=drafter)
    assert todo(drafter) == [] and todo(approver) == [(ready.pk, "审核：退回修改或审核通过")]
    approve(ready, by=approver)
    assert todo(officer) == [(ready.pk, "公开发布（或退回修改）")]
    set_status(other, S.APPROVED)
    assert {pk for pk, _ in todo(officer)} == {ready.pk, other.pk}
    assert todo(approver) == []


def test_an_error_that_appears_after_submission_blocks_approval(township, drafter, approver):
    """Last year's report corrected after this one was submitted: 上年结转 no longer matches."""
    from reports.models import Report as R

    from .conftest import complete_values, make_report

    report = complete_report(township)
    submit(report, by=drafter)
    last_year = complete_values()
    last_year.table3["carry_forward"]["natural"] = 5
    last_year.table3["new"]["natural"] += 3
    make_report(township, report.year - 1, last_year, status=R.Status.PUBLISHED)
    error = refused("blocked", approve, report, by=approver)
    assert "T3-CARRY" in {f.rule for f in error.findings}
    assert error.message == f"报告中有 {len(error.findings)} 个错误，不能审核通过；请退回填报人改正。"
    assert R.objects.get(pk=report.pk).status == S.SUBMITTED


def test_a_publication_failure_names_its_cause(ready, drafter, approver, county_officer, monkeypatch):
    from reports.exports.document import MissingFontsError

    submit(ready, by=drafter)
    approve(ready, by=approver)

    def no_fonts(*args, **kwargs):
        raise MissingFontsError("没有安装中文字体：请安装 fonts-noto-cjk。")

    monkeypatch.setattr("reports.publishing.html_to_pdf_pages", no_fonts)
    error = refused("publication_failed", publish, ready, by=county_officer)
    assert "fonts-noto-cjk" in error.message
    assert Report.objects.get(pk=ready.pk).status == S.APPROVED
