"""Who did what: transitions, comments, versions, notifications, access changes, acknowledgements,
carried text, used previews, publications and reminders."""

from __future__ import annotations


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..catalogue import get_format
from .base import _comment_limit
from .people import Organisation
from .report import Report

# ---------------------------------------------------------------- who did what: workflow, versions, access


class ReportEvent(models.Model):
    """An audit row for one transition: who moved the report, when, from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交审核"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"
        PUBLISH = "publish", "公开发布"
        REOPEN = "reopen", "重新打开"

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="events")
    # PROTECT: an audit trail must keep its actors; deactivate a person instead of deleting them.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=16, choices=Report.Status.choices)
    to_status = models.CharField("新状态", max_length=16, choices=Report.Status.choices)
    comment = models.TextField("意见、理由或更正说明", blank=True, **_comment_limit)
    is_correction = models.BooleanField("更正后重新发布", default=False)

    class Meta:
        verbose_name = "报告操作记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["report", "at"], name="reportevent_report_at")]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_action_display()} · {self.actor}"

    @property
    def label(self) -> str:
        return "发布更正" if self.is_correction else self.get_action_display()


SECTION_CHOICES = [(s.code, s.heading) for s in get_format().sections]


class SectionComment(models.Model):
    """A reviewer's comment on one section; the drafter marks it resolved."""

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE,
                               related_name="section_comments")
    section = models.CharField("部分", max_length=20, choices=SECTION_CHOICES)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                               related_name="+")
    # The cell or paragraph the comment names (a key such as table3.new.natural), if any.
    cell = models.CharField("针对的单元格", max_length=100, blank=True, default="")
    text = models.TextField("意见", **_comment_limit)
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "分部分审核意见"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_section_display()}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class ReportVersion(models.Model):
    """The report's values as they were after one change or one transition (the JSON of reports.exchange)."""

    class Kind(models.TextChoices):
        SAVE = "save", "保存"
        SUBMIT = "submit", "提交审核"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"
        PUBLISH = "publish", "公开发布"
        REOPEN = "reopen", "重新打开"
        # The paths other than the editor by which data change (reports.writing).
        IMPORT = "import", "导入"
        CARRYOVER = "carryover", "沿用上一年度"
        PREFILL = "prefill", "汇总填入"
        COMMAND = "command", "命令行"
        ADMIN = "admin", "管理后台"

    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    kind = models.CharField("来由", max_length=16, choices=Kind.choices)
    section = models.CharField("保存的部分", max_length=20, choices=SECTION_CHOICES, blank=True)
    data = models.JSONField("内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("时间", default=timezone.now)
    event = models.ForeignKey(ReportEvent, verbose_name="操作记录", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="versions")

    class Meta:
        verbose_name = "报告版本"
        verbose_name_plural = verbose_name
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.report} · 第{self.number}版"


class Notification(models.Model):
    """One line of a person's in-app list: something happened to a report they work on."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notifications")
    report = models.ForeignKey(Report, verbose_name="报告", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(ReportEvent, verbose_name="操作记录", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]

    def __str__(self) -> str:
        return self.message

    @classmethod
    def unread_count(cls, user) -> int:
        """What the navigation badge and the inbox both show: every unread notification, not a page of them."""
        return cls.objects.filter(recipient=user, read_at__isnull=True).count()


class AccessEvent(models.Model):
    """An audit row for the county office's management of organisations, people and roles."""

    class Action(models.TextChoices):
        ORG_CREATED = "org_created", "新建机关"
        ORG_CHANGED = "org_changed", "修改机关"
        USER_CREATED = "user_created", "新建用户"
        USER_CHANGED = "user_changed", "修改用户"
        PASSWORD_SET = "password_set", "重设密码"
        ROLE_GRANTED = "role_granted", "授予角色"
        ROLE_REVOKED = "role_revoked", "撤销角色"
        ROLE_PENDING = "role_pending", "授予角色（待确认）"
        ROLE_CONFIRMED = "role_confirmed", "确认授予角色"
        ROLE_WITHDRAWN = "role_withdrawn", "撤回授予角色"
        PASSWORD_OWN = "password_own", "本人设置密码"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", default=timezone.now)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    organisation = models.ForeignKey(Organisation, verbose_name="机关", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    # A sentence written at the time, so the row still reads right after names change.
    detail = models.CharField("说明", max_length=300)

    class Meta:
        verbose_name = "机关和用户管理记录"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.detail
class Acknowledgement(models.Model):
    """A drafter's acknowledgement of one warning of the rules, with the explanation the approver reads."""

    report = models.ForeignKey(Report, verbose_name="年度报告", on_delete=models.CASCADE,
                               related_name="acknowledgements")
    # Finding.key: rule + cells (+ code); the warning it acknowledges, for as long as that warning stands.
    key = models.CharField("提示标识", max_length=500)
    rule = models.CharField("规则", max_length=20)
    message = models.TextField("提示内容", help_text="确认时看到的提示原文。")
    explanation = models.TextField("说明", blank=True, max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = "提示确认"
        verbose_name_plural = verbose_name
        ordering = ["report", "at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="acknowledgement_one_per_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.rule}"
class CarriedText(models.Model):
    """A prose part copied from last year's report, not yet edited or confirmed by the clerk.

    One row per part while the mark stands: editing the text (its digest changes) or confirming it
    deletes the row. Stored apart from the sections so a mark can't be lost by a section's save.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="carried_texts")
    part = models.CharField("部分", max_length=32)  # a name of reports.values.PROSE_FIELDS
    source = models.ForeignKey(Report, verbose_name="沿用自", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    digest = models.CharField("沿用时文字的 SHA-256", max_length=64)
    created_at = models.DateTimeField("沿用时间", auto_now_add=True)

    class Meta:
        verbose_name = "沿用上年的文字（待核对）"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["report", "part"], name="carried_text_unique")]

    def __str__(self) -> str:
        return f"{self.report} · {self.part}"
class UsedPreview(models.Model):
    """An import preview that was confirmed: its token can't be confirmed a second time (a replay)."""

    nonce = models.CharField("预览编号", max_length=32, unique=True)
    used_at = models.DateTimeField("导入时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "已导入的预览"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.nonce


class Publication(models.Model):
    """One frozen publication of a report: the exact HTML and PDF bytes the public gets, never re-rendered.

    The first is number 1; a correction is a new Publication of the same report with its 更正说明, and
    every earlier one stays available byte for byte.
    """

    report = models.ForeignKey(Report, verbose_name="年度报告", on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField("发布序号")
    title = models.CharField("标题", max_length=200)
    # The organisation's name when it published: a later rename must not change what was published.
    organisation_name = models.CharField("发布机关", max_length=100, blank=True)
    html = models.TextField("HTML 正文")
    html_sha256 = models.CharField("HTML 的 SHA-256", max_length=64)
    pdf = models.BinaryField("PDF")
    pdf_sha256 = models.CharField("PDF 的 SHA-256", max_length=64)
    pdf_pages = models.PositiveIntegerField("PDF 页数")
    # The Word and Excel versions, made at publication (or at the first download, for publications made
    # before they were stored), so that a download of a published report never renders it again.
    docx = models.BinaryField("Word 文件", blank=True, default=b"")
    xlsx = models.BinaryField("Excel 文件", blank=True, default=b"")
    # The numbers as published (ReportValues.to_json_dict()), served as JSON and CSV.
    data = models.JSONField("公开的数据")
    correction_note = models.TextField("更正说明", blank=True, **_comment_limit)
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = "发布版本"
        verbose_name_plural = "发布版本"
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="publication_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="publication_number_from_1"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_note=""), name="publication_correction_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"

    @property
    def is_correction(self) -> bool:
        return self.number > 1
class ReminderSent(models.Model):
    """A deadline reminder emailed to an organisation's drafters (send_reminders): at most one a day."""

    organisation = models.ForeignKey(Organisation, verbose_name="机关", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("报告年度")
    sent_on = models.DateField("发送日期")
    days_before = models.PositiveSmallIntegerField("距截止日期天数")
    recipients = models.TextField("收件人", help_text="逗号分隔的电子邮件地址")

    class Meta:
        verbose_name = "截止日期提醒"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "sent_on"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year} · {self.sent_on}"
