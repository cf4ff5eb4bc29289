"""`send_reminders --days N`: the drafters of organisations not yet submitted, N days before, once a day."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from reports.models import ReminderSent, Report

from .conftest import Role, make_org, make_report, make_user
from .county_support import on  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

Status = Report.Status


@pytest.fixture
def offices(county, township, sibling):
    """西村乡 a draft, 郇封镇 submitted, 城关镇 no report yet; a drafter with an address in each."""
    town = make_org("城关镇人民政府", parent=county, short_name="城关镇")
    make_report(township, 2023)
    make_report(sibling, 2023, status=Status.SUBMITTED)
    make_user("xicun", township, Role.DRAFTER, email="xicun@example.gov.cn")
    make_user("xicun_boss", township, Role.APPROVER, email="boss@example.gov.cn")
    make_user("huanfeng", sibling, Role.DRAFTER, email="huanfeng@example.gov.cn")
    make_user("chengguan", town, Role.DRAFTER, email="chengguan@example.gov.cn")
    make_user("chengguan2", town, Role.DRAFTER)  # no address
    return county


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_drafters_of_unsubmitted_reports_are_reminded_n_days_before(offices, on):
    on(datetime.date(2024, 1, 24))
    output = run("--days", "7")
    assert sorted(m.to[0] for m in mail.outbox) == ["chengguan@example.gov.cn", "xicun@example.gov.cn"]
    xicun = next(m for m in mail.outbox if m.to == ["xicun@example.gov.cn"])
    assert "西村乡人民政府2023年政府信息公开工作年度报告" in xicun.subject and "2024年1月31日" in xicun.subject
    assert "还有 7 天" in xicun.body and "草稿" in xicun.body
    assert "尚未创建" in next(m for m in mail.outbox if m.to == ["chengguan@example.gov.cn"]).body
    assert "共发送 2 封提醒邮件" in output
    assert ReminderSent.objects.count() == 2


def test_reminders_are_sent_once_a_day_however_often_cron_runs(offices, on):
    on(datetime.date(2024, 1, 24))
    run("--days", "7")
    assert "共发送 0 封提醒邮件" in run("--days", "7")
    assert len(mail.outbox) == 2
    on(datetime.date(2024, 1, 30))
    run("--days", "1")
    assert len(mail.outbox) == 4


def test_nothing_is_sent_on_other_days_or_to_other_deadlines(offices, township, on):
    on(datetime.date(2024, 1, 23))
    run("--days", "7")
    assert mail.outbox == []
    township.deadline_month_day = "01-30"
    township.save()
    run("--days", "7", "--year", "2023")
    assert [m.to for m in mail.outbox] == [["xicun@example.gov.cn"]]


def test_dry_run_lists_without_sending(offices, on):
    on(datetime.date(2024, 1, 31))
    output = run("--days", "0", "--dry-run")
    assert "将发送：西村乡人民政府（草稿）→ xicun@example.gov.cn" in output
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_an_organisation_without_addresses_is_named(county, on):
    make_org("王屯乡人民政府", parent=county)
    on(datetime.date(2024, 1, 24))
    output = run("--days", "7")
    assert "未发送：王屯乡人民政府没有填写了电子邮件地址的填报人" in output
    on(datetime.date(2024, 1, 25))
    assert "没有需要提醒的机关" in run("--days", "7")


def test_negative_days_are_refused_in_chinese():
    with pytest.raises(CommandError, match="不能为负数"):
        run("--days", "-1")
