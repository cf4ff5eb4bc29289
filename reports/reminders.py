"""Deadline reminders: email the drafters of every organisation whose report is not yet submitted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from .catalogue import report_title
from .models import Membership, Organisation, ReminderSent, Report
from .permissions import EDITABLE_STATES


def _date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass
class Reminder:
    organisation: Organisation
    year: int
    deadline: datetime.date
    days_left: int
    report: Report | None
    recipients: list[str]

    @property
    def state_label(self) -> str:
        return self.report.get_status_display() if self.report else "尚未创建"

    @property
    def subject(self) -> str:
        return f"【提醒】{report_title(self.organisation.name, self.year)}须于{_date(self.deadline)}前完成"

    @property
    def body(self) -> str:
        when = "今天截止" if self.days_left == 0 else f"距截止日期还有 {self.days_left} 天"
        return (
            f"{self.organisation.name}填报人：\n\n"
            f"《{report_title(self.organisation.name, self.year)}》的截止日期是"
            f"{_date(self.deadline)}，{when}。\n"
            f"目前报告状态：{self.state_label}。\n\n"
            "请登录政府信息公开工作年度报告系统完成填写，并提交本机关审核人审核。\n"
            "如已提交，请忽略本邮件。\n\n"
            "（本邮件由系统自动发送，请勿直接回复。）\n"
        )


def due_reminders(year: int, days: int, today: datetime.date) -> list[Reminder]:
    """Organisations due in exactly `days` days whose report is absent, a draft or returned, not yet reminded today."""
    due = today + datetime.timedelta(days=days)
    if due.year != year + 1:
        return []
    organisations = list(Organisation.objects.filter(deadline_month_day=f"{due:%m-%d}").order_by("name"))
    reports = {r.organisation_id: r for r in Report.objects.filter(organisation__in=organisations, year=year)}
    reminded = set(
        ReminderSent.objects.filter(organisation__in=organisations, year=year, sent_on=today)
        .values_list("organisation_id", flat=True)
    )
    emails: dict[int, list[str]] = {}
    for org_id, email in (
        Membership.objects.filter(organisation__in=organisations, role=Membership.Role.DRAFTER, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("organisation_id", "user__email")
    ):
        emails.setdefault(org_id, []).append(email)
    out = []
    for org in organisations:
        report = reports.get(org.pk)
        if org.pk in reminded or (report is not None and report.status not in EDITABLE_STATES):
            continue
        out.append(Reminder(org, year, due, days, report, sorted(set(emails.get(org.pk, [])))))
    return out


def send_reminder(reminder: Reminder, today: datetime.date, connection=None) -> bool:
    """Email one reminder and record it; False when it was already sent today (by a concurrent run)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                organisation=reminder.organisation, year=reminder.year, sent_on=today,
                days_before=reminder.days_left, recipients=",".join(reminder.recipients),
            )
            # Inside the transaction: a failed send leaves no record, so the next run tries again.
            EmailMessage(reminder.subject, reminder.body, settings.DEFAULT_FROM_EMAIL, reminder.recipients,
                         connection=connection).send()
    except IntegrityError:
        return False
    return True


def send_due_reminders(year: int, days: int, today: datetime.date | None = None,
                       on_each: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Send every reminder due (the background task's work): (sent, not sent for want of an address)."""
    today = today or timezone.localdate()
    reminders = due_reminders(year, days, today)
    connection = get_connection()
    sent = unsent = 0
    for n, reminder in enumerate(reminders, 1):
        if on_each is not None:
            on_each(n, len(reminders))
        if not reminder.recipients:
            unsent += 1
        elif send_reminder(reminder, today, connection):
            sent += 1
    return sent, unsent
