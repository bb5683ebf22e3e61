"""Leads (线索): the one door into a case. Cases and their parts live in models_case.py."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ecoenforce.cases.registry import source_label


class LeadStatus(models.TextChoices):
    OPEN = "open", "待研判"
    FILED = "filed", "已立案"
    NOT_FILED = "not_filed", "不予立案"
    TRANSFERRED = "transferred", "已移送"


class Lead(models.Model):
    """A possible violation from any source, waiting for triage (file / do not file / transfer)."""

    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(
        "entities.Entity",
        verbose_name="当事人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_kind = models.CharField("线索来源", max_length=32)
    source_ref = models.CharField("来源编号", max_length=100)
    summary = models.CharField("线索摘要", max_length=500)
    facts = models.JSONField("线索事实", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    received_on = models.DateField("接收日期", default=timezone.localdate)
    triage_due = models.DateField("研判期限", null=True, blank=True)
    triage_source = models.CharField("期限依据", max_length=200, blank=True)
    decision_reason = models.TextField("研判意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="研判人",
    )
    decided_at = models.DateTimeField("研判时间", null=True, blank=True)
    transfer_to = models.CharField("移送机关", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索"
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source_kind", "source_ref"], name="lead_unique_source"),
        ]
        indexes: ClassVar = [models.Index(fields=["unit", "status"], name="lead_unit_status_idx")]

    def __str__(self) -> str:
        return f"线索 {self.pk}：{self.summary[:30]}"

    @property
    def source_label(self) -> str:
        return source_label(self.source_kind)


class LeadAttachment(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="cases/leads/%Y/%m/", max_length=300)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sm3 = models.CharField("SM3 摘要", max_length=64)

    class Meta:
        verbose_name = "线索附件"
        verbose_name_plural = "线索附件"

    def __str__(self) -> str:
        return self.name


from ecoenforce.cases.models_case import (  # noqa: E402  (one models module for Django)
    Case,
    CaseCounter,
    CaseEvent,
    CaseItem,
    CaseOfficer,
    Deadline,
    Evidence,
    EvidenceKind,
    Procedure,
    ProposalKind,
)
from ecoenforce.cases.models_steps import (  # noqa: E402
    Hearing,
    Measure,
    MeasureKind,
    Payment,
    PaymentKind,
    PaymentPlan,
    Publicity,
    Referral,
    ReferralKind,
)

__all__ = [
    "Case",
    "CaseCounter",
    "CaseEvent",
    "CaseItem",
    "CaseOfficer",
    "Deadline",
    "Evidence",
    "EvidenceKind",
    "Hearing",
    "Lead",
    "LeadAttachment",
    "LeadStatus",
    "Measure",
    "MeasureKind",
    "Payment",
    "PaymentKind",
    "PaymentPlan",
    "Procedure",
    "ProposalKind",
    "Publicity",
    "Referral",
    "ReferralKind",
]
