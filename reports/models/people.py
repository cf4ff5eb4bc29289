"""Organisations, people's roles in them, grants waiting for confirmation, and accounts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .base import validate_month_day

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
