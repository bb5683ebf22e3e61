"""Supervision: settings and sampling rules per unit, draw plans, the positive list, inspection plans,
campaigns, and inspections with their checklist items, evidence and signatures.

States change only through services.py (one function per action, audited).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.db import models

from ecoenforce.entities.models import Entity, SupervisionClass
from ecoenforce.org.models import Unit

no_nul = ProhibitNullCharactersValidator(message="不能包含空字符（\\x00）")
USER = settings.AUTH_USER_MODEL


class PositiveEffect(models.TextChoices):
    EXCLUDED = "excluded", "不纳入日常随机抽查"
    REDUCED = "reduced", "降低抽取权重纳入随机抽查"


class SupervisionSettings(models.Model):
    """A unit's choices where the rules leave them open (defaults: data/supervision_defaults.yaml)."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="supervision_settings")
    positive_effect = models.CharField(
        "正面清单企业的随机抽查方式",
        max_length=16,
        choices=PositiveEffect.choices,
        default=PositiveEffect.REDUCED,
    )
    positive_weight = models.DecimalField(
        "正面清单企业抽取权重",
        max_digits=4,
        decimal_places=2,
        default="0.50",
        validators=[MinValueValidator(0.01, "权重应大于0"), MaxValueValidator(1, "权重不能大于1")],
    )
    township_recusal = models.BooleanField("本乡镇执法人员回避", default=True)
    publish_deadline_days = models.PositiveSmallIntegerField("结果公示期限（工作日）", default=20)
    visit_cap_per_year = models.PositiveSmallIntegerField(
        "每家企业年度计划入企检查上限（次）", null=True, blank=True
    )
    visit_cap_source = models.CharField("上限依据", max_length=300, blank=True, validators=[no_nul])

    class Meta:
        verbose_name = "监管设置"
        verbose_name_plural = "监管设置"

    def __str__(self) -> str:
        return f"{self.unit} 监管设置"


class RuleMode(models.TextChoices):
    RATIO = "ratio", "按比例"
    COUNT = "count", "按数量"
    ALL = "all", "全部检查"


class SamplingRule(models.Model):
    """Ratio or count per stratum and period, with its source (the facts file or the unit's own rule)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="sampling_rules")
    stratum = models.CharField("监管类别", max_length=16, choices=SupervisionClass.choices)
    mode = models.CharField("抽查方式", max_length=8, choices=RuleMode.choices)
    value = models.CharField("比例或数量", max_length=12, blank=True)
    period = models.CharField("周期", max_length=8, default="quarter")  # quarter | year
    source = models.CharField("依据", max_length=300, validators=[no_nul])
    unverified = models.BooleanField("待法制审核确认", default=False)

    class Meta:
        verbose_name = "抽查规则"
        verbose_name_plural = "抽查规则"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "stratum"], name="rule_unit_stratum")
        ]

    def __str__(self) -> str:
        return f"{self.get_stratum_display()} {self.get_mode_display()} {self.value}"


class FrequencyRule(models.Model):
    """A unit's own minimum inspection frequency for a stratum (最低检查频次): an entity of the stratum not
    inspected within `months` is due and always drawn. It may only be stricter (shorter) than what its
    superiors and the defaults file set (inspections.frequency)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="frequency_rules")
    stratum = models.CharField("监管类别", max_length=16, choices=SupervisionClass.choices)
    months = models.PositiveSmallIntegerField("最长间隔（月）")
    source = models.CharField("依据", max_length=300, validators=[no_nul])

    class Meta:
        verbose_name = "最低检查频次"
        verbose_name_plural = "最低检查频次"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["unit", "stratum"], name="frequency_unit_stratum")
        ]

    def __str__(self) -> str:
        return f"{self.get_stratum_display()} 每{self.months}个月至少一次"


class RecusalDeclaration(models.Model):
    """An officer's declared conflict with an entity (行政处罚法 art 43: direct interest)."""

    officer = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="recusals")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="recusals")
    reason = models.CharField("回避理由", max_length=200, validators=[no_nul])
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"
        constraints: ClassVar = [models.UniqueConstraint(fields=["officer", "entity"], name="recusal_unique")]

    def __str__(self) -> str:
        return f"{self.officer} / {self.entity}"


class DrawStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    COMMITTED = "committed", "已承诺（待公示）"
    PUBLISHED = "published", "计划已公示"
    DRAWN = "drawn", "已抽取"
    RESULT_PUBLISHED = "result_published", "结果已公示"


class SeedKind(models.TextChoices):
    PUBLIC = "public", "事先确定的公开数值"
    WITNESS = "witness", "见证人数值（事先提交摘要）"


class DrawPlan(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="draw_plans", verbose_name="执法机构"
    )
    title = models.CharField("抽查计划名称", max_length=200, validators=[no_nul])
    period = models.CharField("抽查周期", max_length=16, validators=[no_nul])  # 2026Q4, 2026
    status = models.CharField(max_length=20, choices=DrawStatus.choices, default=DrawStatus.DRAFT)
    team_size = models.PositiveSmallIntegerField(
        "每组执法人员数", default=2, validators=[MinValueValidator(2)]
    )
    draw_time = models.DateTimeField("抽取时间")
    seed_kind = models.CharField("随机种子来源", max_length=8, choices=SeedKind.choices)
    seed_description = models.CharField("种子来源说明", max_length=300, validators=[no_nul])
    witness_commitments = models.JSONField("见证人数值摘要", default=list, blank=True)
    plan = models.JSONField("承诺的计划", null=True, blank=True)
    pool = models.JSONField("承诺时的对象库", null=True, blank=True)
    commitment = models.CharField("计划承诺摘要", max_length=64, blank=True)
    document = models.JSONField("公开的抽查结果", null=True, blank=True)
    result_digest = models.CharField("结果摘要", max_length=64, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    result_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "抽查计划"
        verbose_name_plural = "抽查计划"
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_unit(self) -> Unit:
        return self.unit


class PositiveStatus(models.TextChoices):
    NOMINATED = "nominated", "已提名/申请"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已批准"
    PUBLISHED = "published", "已公布（在清单内）"
    REJECTED = "rejected", "未通过"
    REMOVED = "removed", "已移出"


class RemovalTrigger(models.TextChoices):
    CASE_FILED = "case_filed", "被立案查处"
    COMPLAINT_VERIFIED = "complaint_verified", "投诉举报经查属实"
    SERIOUS_ALERT = "serious_alert", "严重告警经确认"
    PERMIT_LAPSED = "permit_lapsed", "排污许可证失效"
    MANUAL = "manual", "执法机构决定移出"


class PositiveListEntry(models.Model):
    """One entity's passage through the positive list (正面清单); the current one is not closed."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="positive_entries")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="执法机构")
    status = models.CharField("状态", max_length=16, choices=PositiveStatus.choices)
    how = models.CharField("来源", max_length=16, default="nomination")  # nomination | application
    criteria = models.JSONField("纳入条件核查", default=list)
    reason = models.CharField("说明", max_length=500, blank=True, validators=[no_nul])
    nominated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removal_trigger = models.CharField("移出原因", max_length=24, choices=RemovalTrigger.choices, blank=True)
    removal_ref = models.CharField("移出依据编号", max_length=100, blank=True, validators=[no_nul])
    removal_notice = models.TextField("移出告知", blank=True)

    class Meta:
        verbose_name = "正面清单"
        verbose_name_plural = "正面清单"
        ordering: ClassVar = ["-nominated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} {self.get_status_display()}"

    @property
    def owner_unit(self) -> Unit:
        return self.unit


from ecoenforce.inspections.models_work import (  # noqa: E402  (one models module for Django)
    Campaign,
    Evidence,
    Inspection,
    InspectionItem,
    InspectionPlan,
    PlanTask,
    Signature,
)

__all__ = ["Campaign", "Evidence", "Inspection", "InspectionItem", "InspectionPlan", "PlanTask", "Signature"]
