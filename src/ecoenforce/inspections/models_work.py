"""Inspection plans, campaigns, and on-site inspections (items, evidence, signatures)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models

from ecoenforce.entities.models import Entity
from ecoenforce.inspections.models import DrawPlan
from ecoenforce.org.models import Unit

USER = settings.AUTH_USER_MODEL
no_nul = ProhibitNullCharactersValidator(message="不能包含空字符（\\x00）")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    APPROVED = "approved", "已批准"


class InspectionPlan(models.Model):
    """现场检查计划 (环执法〔2021〕1号 system 3): every planned on-site check of a year or quarter."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_plans")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)]
    )
    title = models.CharField("计划名称", max_length=200, validators=[no_nul])
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现场检查计划"
        verbose_name_plural = "现场检查计划"
        ordering: ClassVar = ["-year", "-quarter", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_unit(self) -> Unit:
        return self.unit


class TaskKind(models.TextChoices):
    DRAW = "draw", "双随机抽查"
    KEY = "key", "重点监管"
    FOLLOW_UP = "follow_up", "后续复查"
    CAMPAIGN = "campaign", "专项行动"


class PlanTask(models.Model):
    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("任务类型", max_length=12, choices=TaskKind.choices)
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    planned_visits = models.PositiveIntegerField("计划检查次数", default=1)
    officer_days = models.DecimalField("每次所需人·日", max_digits=5, decimal_places=1, default=1)
    note = models.CharField("说明", max_length=200, blank=True, validators=[no_nul])

    class Meta:
        verbose_name = "计划任务"
        verbose_name_plural = "计划任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.planned_visits}"


class Campaign(models.Model):
    """专项行动: theme, period, targets and its own checklist; partners for joint enforcement."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaigns")
    theme = models.CharField("主题", max_length=200, validators=[no_nul])
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    targets = models.ManyToManyField(Entity, blank=True, related_name="campaigns", verbose_name="检查对象")
    checklist = models.JSONField("专项检查项", default=list)  # [{"code", "text", "basis"}]
    partners = models.JSONField("联合执法部门", default=list, blank=True)  # ["公安", "检察院", …]
    approval_ref = models.CharField("审批或备案文号", max_length=100, blank=True, validators=[no_nul])
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering: ClassVar = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.theme

    @property
    def owner_unit(self) -> Unit:
        return self.unit


class InspectionKind(models.TextChoices):
    RANDOM = "random", "双随机抽查"
    PLANNED = "planned", "计划检查"
    CAMPAIGN = "campaign", "专项行动检查"
    CROSS = "cross", "交叉检查"
    JOINT = "joint", "联合执法检查"
    REINSPECTION = "reinspection", "复查"


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", "待检查"
    SUBMITTED = "submitted", "已提交"
    PUBLISHED = "published", "结果已公示"


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", "未发现问题"
    PROBLEM = "problem", "发现问题"
    REFUSED = "refused", "拒绝、阻挠检查"


class Inspection(models.Model):
    """One on-site visit. `unit` is the inspecting unit (cross inspections: not the entity's owner)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspections")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField("检查类型", max_length=16, choices=InspectionKind.choices)
    status = models.CharField(
        max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED
    )
    draw_plan = models.ForeignKey(
        DrawPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections"
    )
    plan_task = models.ForeignKey(
        PlanTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followups"
    )
    officers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        USER, related_name="inspections", verbose_name="执法人员"
    )
    partners = models.JSONField("联合执法部门", default=list, blank=True)
    due_on = models.DateField("应检查日期", null=True, blank=True)
    certificate_shown = models.BooleanField("已出示执法证件", default=False)
    result = models.CharField("检查结果", max_length=12, choices=InspectionResult.choices, blank=True)
    summary = models.TextField("检查情况", blank=True, validators=[no_nul])
    refusal_note = models.TextField("拒绝、阻挠检查情况", blank=True, validators=[no_nul])
    handling = models.CharField("处理情况", max_length=300, blank=True, validators=[no_nul])
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    inspected_at = models.DateTimeField("检查时间", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    lead_ref = models.CharField("线索编号", max_length=64, blank=True)
    record_document = models.CharField("现场检查笔录文书编号", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现场检查"
        verbose_name_plural = "现场检查"
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["entity", "status"], name="insp_entity_status_idx")]

    def __str__(self) -> str:
        return f"{self.entity} {self.get_kind_display()}"

    @property
    def owner_unit(self) -> Unit:
        return self.unit


class Outcome(models.TextChoices):
    COMPLIANT = "compliant", "符合"
    PROBLEM = "problem", "存在问题"
    NA = "na", "不适用"


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField()
    code = models.CharField(max_length=64)
    category = models.CharField("类别", max_length=40)
    text = models.CharField("检查内容", max_length=400)
    basis = models.CharField("依据", max_length=200, blank=True)
    outcome = models.CharField("结论", max_length=12, choices=Outcome.choices, blank=True)
    note = models.CharField("说明", max_length=500, blank=True, validators=[no_nul])

    class Meta:
        ordering: ClassVar = ["order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["inspection", "code"], name="item_unique_code")
        ]

    def __str__(self) -> str:
        return self.text


class Evidence(models.Model):
    """A photo or file: stored with its SM3 digest, the time and GPS position (EXIF where present)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sm3 = models.CharField("SM3摘要", max_length=64)
    data = models.BinaryField()
    taken_at = models.DateTimeField("拍摄时间", null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    position_source = models.CharField("位置来源", max_length=12, blank=True)  # exif | device
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["inspection", "sm3"], name="evidence_once")]

    def __str__(self) -> str:
        return self.name


class SignerRole(models.TextChoices):
    OFFICER = "officer", "执法人员"
    PARTY = "party", "当事人"


class Signature(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(max_length=8, choices=SignerRole.choices)
    officer = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("签名人", max_length=50, validators=[no_nul])
    png = models.BinaryField()
    sm3 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
