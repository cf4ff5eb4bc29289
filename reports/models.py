"""Organisations, roles, reports and one model per section of the report.

表三 is stored as one record per entered row (24 rows × 6 integer columns). Compared with one wide
model (168 columns) or a cell table (one record per cell) or a JSON field, row records keep real
column types and database CHECK constraints, fit a model formset, and make the cross-year question
"this year's 上年结转 against last year's 结转下年度" a plain query. 总计 cells are never stored:
`ReportValues` derives them, so a saved report cannot be internally inconsistent.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .catalogue import CURRENT_FORMAT, FORMATS, MAX_COUNT, get_format, report_title
from .values import COMMENT_MAX, PROSE_PART_MAX, ReportValues


# A TextField's max_length reaches its form field only: the validator makes full_clean() check it too.
_prose_limit = {"max_length": PROSE_PART_MAX, "validators": [MaxLengthValidator(PROSE_PART_MAX)]}
_comment_limit = {"max_length": COMMENT_MAX, "validators": [MaxLengthValidator(COMMENT_MAX)]}


def count_field(verbose_name: str) -> models.PositiveIntegerField:
    """A count cell: blank (NULL) until filled in, never negative, never absurd."""
    return models.PositiveIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
    )


def validate_month_day(value: str) -> None:
    """A deadline as "MM-DD" that exists in every year (so not 02-29): Organisation.deadline() relies on it."""
    try:
        month, day = (int(p) for p in value.split("-")) if re.fullmatch(r"\d\d-\d\d", value) else (0, 0)
        datetime.date(2023, month, day)  # 2023 is not a leap year
    except ValueError:
        raise ValidationError("请按“月-日”填写，如 01-31。", code="month_day") from None


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STATE_COUNCIL_DEPT = "state_council_dept", "国务院部门"
        PROVINCE_GOV = "province_gov", "省级人民政府"
        PROVINCE_DEPT = "province_dept", "省级人民政府部门"
        CITY_GOV = "city_gov", "设区的市级人民政府"
        CITY_DEPT = "city_dept", "设区的市级人民政府部门"
        COUNTY_GOV = "county_gov", "县级人民政府"
        COUNTY_DEPT = "county_dept", "县级人民政府部门"
        TOWNSHIP_GOV = "township_gov", "乡镇人民政府"
        SUBDISTRICT = "subdistrict", "街道办事处"
        OTHER = "other", "其他机关"

    # 《立法法》: only 国务院部门 and the people's governments of provinces and 设区的市 make 规章.
    RULEMAKING_KINDS = frozenset({Kind.STATE_COUNCIL_DEPT, Kind.PROVINCE_GOV, Kind.CITY_GOV})
    # 条例第五十条第四项: 各级人民政府 report 工作考核、社会评议和责任追究结果.
    GOVERNMENT_KINDS = frozenset({Kind.PROVINCE_GOV, Kind.CITY_GOV, Kind.COUNTY_GOV, Kind.TOWNSHIP_GOV})

    name = models.CharField("机关全称", max_length=100, unique=True, help_text="如报告标题所印：西村乡人民政府")
    short_name = models.CharField("简称", max_length=50, blank=True, help_text="如：西村乡")
    kind = models.CharField("机关类型", max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    deadline_month_day = models.CharField(
        "年报截止日期（月-日）",
        max_length=5,
        default="01-31",
        validators=[validate_month_day],
        help_text="次年的截止日期，如 01-31；县级汇总报告一般为 02-20。",
    )

    class Meta:
        verbose_name = "机关"
        verbose_name_plural = "机关"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def has_rulemaking_power(self) -> bool:
        return self.kind in self.RULEMAKING_KINDS

    def deadline(self, year: int) -> datetime.date:
        """The date by which the report for `year` is due (in year + 1)."""
        month, day = (int(p) for p in self.deadline_month_day.split("-"))
        return datetime.date(year + 1, month, day)

    def ancestors(self) -> list["Organisation"]:
        out, node = [], self.parent
        while node is not None and node not in out and node.pk != self.pk:
            out.append(node)
            node = node.parent
        return out

    def clean(self) -> None:
        """An organisation cannot be its own ancestor (a cycle would hide it from every county office)."""
        super().clean()
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "上级机关不能是本机关或其下级机关。"})
            seen.add(node.pk)
            node = node.parent


class Membership(models.Model):
    """A person's role in one organisation; a person may hold several, in several organisations."""

    class Role(models.TextChoices):
        DRAFTER = "drafter", "填报人"
        APPROVER = "approver", "审核人"
        SUPERVISOR = "supervisor", "主管部门（政务公开办）"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name="机关", on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


# The roles that approve or publish: granting one through /manage/ takes a second person's confirmation.
CONFIRMED_ROLES = frozenset({Membership.Role.APPROVER, Membership.Role.SUPERVISOR})


class RoleGrant(models.Model):
    """A grant of the approver's or the supervisor's role that waits for a second person to confirm it.

    The grant becomes a Membership only when someone else with authority over the organisation (a
    supervisor above it who is neither the grantor nor the grantee, or the site administrator) confirms
    it: otherwise a county office could make an account of its own an approver, or a supervisor that
    grants the office itself the role, and then approve and publish alone.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="pending_grants")
    organisation = models.ForeignKey(Organisation, verbose_name="机关", on_delete=models.CASCADE,
                                     related_name="pending_grants")
    role = models.CharField("角色", max_length=16, choices=Membership.Role.choices)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="授予人", on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField("授予时间", default=timezone.now)

    class Meta:
        verbose_name = "待确认的授权"
        verbose_name_plural = verbose_name
        ordering = ["granted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}（待确认）"


class Account(models.Model):
    """Whether a login's password is its owner's own: one set by someone else must be changed first."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="account")
    must_change_password = models.BooleanField(
        "须先修改密码", default=False,
        help_text="密码由他人（主管部门或系统管理员）设置：本人登录后须先改为只有自己知道的密码。",
    )
    password_set_at = models.DateTimeField("密码设置时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号状态"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user}{'（须修改密码）' if self.must_change_password else ''}"


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核通过"
        PUBLISHED = "published", "已公开发布"

    class Origin(models.TextChoices):
        ENTERED = "entered", "在本系统中填报"
        IMPORTED = "imported", "从已有文档导入"

    organisation = models.ForeignKey(Organisation, verbose_name="机关", on_delete=models.PROTECT,
                                     related_name="reports")
    year = models.PositiveSmallIntegerField(
        "报告年度", validators=[MinValueValidator(2008), MaxValueValidator(2100)]
    )
    format_version = models.CharField(
        "报告格式", max_length=8, default=CURRENT_FORMAT,
        choices=[(k, f.name) for k, f in FORMATS.items()],
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    origin = models.CharField("来源", max_length=16, choices=Origin.choices, default=Origin.ENTERED)
    preface = models.TextField("前言", blank=True, **_prose_limit, help_text="印在“一、总体情况”之前的引言段落。")
    signature_name = models.CharField(
        "落款机关", max_length=100, blank=True, help_text="留空则使用机关全称。"
    )
    signature_date = models.DateField("落款日期", null=True, blank=True)
    # What an imported document printed in its 总计 cells where that differs from the sums.
    printed_totals = models.JSONField("原文档印出的合计", default=dict, blank=True)
    # The findings counted when the report (or last year's, its organisation, an acknowledgement) last
    # changed, for pages that list many reports (reports.tallies); `tally_stamp` names the rules and
    # settings they were counted with, "" when something they depend on changed since.
    tally_errors = models.PositiveIntegerField("错误数", null=True, blank=True, editable=False)
    tally_warnings = models.PositiveIntegerField("提示数", null=True, blank=True, editable=False)
    tally_open = models.PositiveIntegerField("待处理数（错误和未确认的提示）", null=True, blank=True, editable=False)
    tally_stamp = models.CharField("计数依据", max_length=16, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="report_one_per_org_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return report_title(self.organisation.name, self.year)

    @property
    def format(self):
        return get_format(self.format_version)

    @property
    def signed_by(self) -> str:
        return self.signature_name or self.organisation.name

    @property
    def deadline(self) -> datetime.date:
        return self.organisation.deadline(self.year)

    def values(self) -> ReportValues:
        """The report's values as plain data (see reports.values)."""
        from .services import read_values

        return read_values(self)


class SectionModel(models.Model):
    """One section of a report. `revision` counts saves, so a stale editor can be told apart."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField("修订次数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class OverviewSection(SectionModel):
    """一、总体情况: five prose parts."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="overview")
    proactive = models.TextField("（一）主动公开", blank=True, **_prose_limit)
    on_request = models.TextField("（二）依申请公开", blank=True, **_prose_limit)
    management = models.TextField("（三）政府信息管理", blank=True, **_prose_limit)
    platform = models.TextField("（四）政府信息公开平台建设", blank=True, **_prose_limit)
    oversight = models.TextField("（五）监督保障", blank=True, **_prose_limit)

    class Meta:
        verbose_name = "一、总体情况"
        verbose_name_plural = verbose_name


class ProactiveSection(SectionModel):
    """二、主动公开政府信息情况: 表二."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="proactive")
    regulations_issued = count_field("规章 本年制发件数")
    regulations_repealed = count_field("规章 本年废止件数")
    regulations_in_force = count_field("规章 现行有效件数")
    normative_issued = count_field("行政规范性文件 本年制发件数")
    normative_repealed = count_field("行政规范性文件 本年废止件数")
    normative_in_force = count_field("行政规范性文件 现行有效件数")
    licensing = count_field("行政许可 本年处理决定数量")
    penalty = count_field("行政处罚 本年处理决定数量")
    enforcement = count_field("行政强制 本年处理决定数量")
    fees_10k_yuan = models.DecimalField(
        "行政事业性收费 本年收费金额（单位：万元）",
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    # How many decimals were entered, so 96171.6 prints as 96171.6 and 0 as 0.
    fees_10k_yuan_places = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(6)])

    class Meta:
        verbose_name = "二、主动公开政府信息情况"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=Q(fees_10k_yuan__gte=0), name="proactive_fees_not_negative"),
            models.CheckConstraint(condition=Q(fees_10k_yuan_places__lte=6), name="proactive_fee_places_max_6"),
        ]


class ApplicationSection(SectionModel):
    """三、收到和处理政府信息公开申请情况: 表三, whose cells are ApplicationRow records."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="applications")

    class Meta:
        verbose_name = "三、收到和处理政府信息公开申请情况"
        verbose_name_plural = verbose_name


T3_ROW_CHOICES = [(r.code, r.full_label) for r in get_format().table3.entered_rows]


class ApplicationRow(models.Model):
    """One entered row of 表三; the 总计 column and the （七）总计 row are derived, never stored."""

    section = models.ForeignKey(ApplicationSection, on_delete=models.CASCADE, related_name="rows")
    row = models.CharField("行", max_length=20, choices=T3_ROW_CHOICES)
    natural = count_field("自然人")
    commercial = count_field("商业企业")
    research = count_field("科研机构")
    social = count_field("社会公益组织")
    legal = count_field("法律服务机构")
    other_org = count_field("其他")

    class Meta:
        verbose_name = "表三的行"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["section", "row"], name="application_row_unique"),
        ]

    def __str__(self) -> str:
        return self.get_row_display()


class ReviewLitigationSection(SectionModel):
    """四、政府信息公开行政复议、行政诉讼情况: 表四, 12 entered cells; the three 总计 are derived."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="review_litigation")
    review_maintained = count_field("行政复议 结果维持")
    review_corrected = count_field("行政复议 结果纠正")
    review_other = count_field("行政复议 其他结果")
    review_pending = count_field("行政复议 尚未审结")
    litigation_direct_maintained = count_field("未经复议直接起诉 结果维持")
    litigation_direct_corrected = count_field("未经复议直接起诉 结果纠正")
    litigation_direct_other = count_field("未经复议直接起诉 其他结果")
    litigation_direct_pending = count_field("未经复议直接起诉 尚未审结")
    litigation_after_review_maintained = count_field("复议后起诉 结果维持")
    litigation_after_review_corrected = count_field("复议后起诉 结果纠正")
    litigation_after_review_other = count_field("复议后起诉 其他结果")
    litigation_after_review_pending = count_field("复议后起诉 尚未审结")

    class Meta:
        verbose_name = "四、政府信息公开行政复议、行政诉讼情况"
        verbose_name_plural = verbose_name


class ProblemsSection(SectionModel):
    """五、存在的主要问题及改进情况."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="problems")
    text = models.TextField("存在的主要问题及改进情况", blank=True, **_prose_limit)

    class Meta:
        verbose_name = "五、存在的主要问题及改进情况"
        verbose_name_plural = verbose_name


class OtherMattersSection(SectionModel):
    """六、其他需要报告的事项, with the 信息处理费 facts (in 元, unlike 表二's 万元)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="other_matters")
    text = models.TextField("其他需要报告的事项", blank=True, **_prose_limit)
    processing_fee_yuan = models.DecimalField(
        "收取信息处理费金额（元）", max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    processing_fee_count = count_field("收取信息处理费的申请件数")

    class Meta:
        verbose_name = "六、其他需要报告的事项"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=Q(processing_fee_yuan__gte=0), name="other_matters_fee_not_negative"),
        ]


SECTION_MODELS = {
    "overview": OverviewSection,
    "proactive": ProactiveSection,
    "applications": ApplicationSection,
    "review_litigation": ReviewLitigationSection,
    "problems": ProblemsSection,
    "other_matters": OtherMattersSection,
}


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
