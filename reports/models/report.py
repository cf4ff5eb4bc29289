"""A report and one model per section of it.

表三 is stored as one record per entered row (24 rows × 6 integer columns). Compared with one wide
model (168 columns) or a cell table (one record per cell) or a JSON field, row records keep real
column types and database CHECK constraints, fit a model formset, and make the cross-year question
"this year's 上年结转 against last year's 结转下年度" a plain query. 表二, whose cells differ between
the formats, is one record per cell keyed by the catalogue (ProactiveCell). 总计 cells are never stored:
`ReportValues` derives them, so a saved report cannot be internally inconsistent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ..catalogue import CURRENT_FORMAT, FORMATS, MAX_COUNT, get_format, report_title
from ..stored import read_values
from ..values import ReportValues
from .base import _prose_limit, count_field
from .people import Organisation

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
    # Raised by every mark_stale: counts made from what was read before a change are not stored after it.
    tally_generation = models.PositiveBigIntegerField("计数版本", default=0, editable=False)
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
    """二、主动公开政府信息情况: 表二, whose cells are ProactiveCell records keyed by the catalogue."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="proactive")

    class Meta:
        verbose_name = "二、主动公开政府信息情况"
        verbose_name_plural = verbose_name


class ProactiveCell(models.Model):
    """One entered cell of 表二, keyed like the catalogue (regulations_issued, licensing_change, …).

    表二 differs between formats (the 2019 trial format has 22 cells, some signed, two amounts; 2021 has
    ten), so its cells are records, not columns: a format adds keys, not a migration, and the county
    sums them with one GROUP BY. A count is `number`; an amount is `amount` with the decimals entered.
    What a key may hold is the catalogue's (`Cell.kind`), checked on the one write path.
    """

    section = models.ForeignKey(ProactiveSection, on_delete=models.CASCADE, related_name="cells")
    key = models.CharField("单元格", max_length=40)
    number = models.IntegerField(
        "件数", null=True, blank=True, validators=[MinValueValidator(-MAX_COUNT), MaxValueValidator(MAX_COUNT)]
    )
    amount = models.DecimalField(
        "金额", max_digits=16, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    # How many decimals were entered, so 96171.6 prints as 96171.6 and 0 as 0.
    places = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(6)])

    class Meta:
        verbose_name = "表二的单元格"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="proactive_cell_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="proactive_amount_not_negative"),
            models.CheckConstraint(condition=Q(places__lte=6), name="proactive_places_max_6"),
            models.CheckConstraint(
                condition=Q(number__gte=-MAX_COUNT, number__lte=MAX_COUNT), name="proactive_number_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ApplicationSection(SectionModel):
    """三、收到和处理政府信息公开申请情况: 表三, whose cells are ApplicationRow records."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="applications")

    class Meta:
        verbose_name = "三、收到和处理政府信息公开申请情况"
        verbose_name_plural = verbose_name


# The entered rows of every format (2021's （六） sub-rows other_1…3, the trial format's one row other).
T3_ROW_CHOICES = list({r.code: (r.code, r.full_label) for f in FORMATS.values() for r in f.table3.entered_rows}.values())


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
