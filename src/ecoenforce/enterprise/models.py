"""Enterprise service: an account bound to one regulated entity, its evidence uploads, the queries
the agency asks it (e.g. from off-site monitoring), and its applications (positive list)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone

from ecoenforce.org.models import Unit

no_nul = ProhibitNullCharactersValidator(message="不能包含空字符")


class AccountState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


class EnterpriseAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enterprise")
    entity = models.ForeignKey(
        "entities.Entity", on_delete=models.PROTECT, related_name="+", verbose_name="企业"
    )
    contact_name = models.CharField("经办人", max_length=50, validators=[no_nul])
    contact_phone = models.CharField("经办人电话", max_length=20, validators=[no_nul])
    state = models.CharField(
        "状态", max_length=10, choices=AccountState.choices, default=AccountState.PENDING
    )
    applied_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("审核意见", max_length=300, blank=True, validators=[no_nul])

    class Meta:
        verbose_name = "企业账户"
        verbose_name_plural = "企业账户"

    def __str__(self) -> str:
        return f"{self.entity.name} · {self.user.username}"

    @property
    def owner_unit(self) -> Unit:
        return self.entity.owner_unit


class QueryState(models.TextChoices):
    OPEN = "open", "待企业答复"
    ANSWERED = "answered", "企业已答复"
    CLOSED = "closed", "已办结"


class EnterpriseQuery(models.Model):
    """A question the agency puts to an entity (an anomaly in online monitoring data, a missing
    record…), linked to what it is about by subject_type/subject_id (e.g. "monitoring.anomaly", 17)."""

    entity = models.ForeignKey(
        "entities.Entity", on_delete=models.PROTECT, related_name="+", verbose_name="企业"
    )
    subject_type = models.CharField("事项类型", max_length=40, validators=[no_nul])
    subject_id = models.CharField("事项编号", max_length=40, blank=True, validators=[no_nul])
    title = models.CharField("标题", max_length=200, validators=[no_nul])
    question = models.TextField("问询内容", max_length=4000, validators=[no_nul])
    legal_basis = models.CharField("法律依据", max_length=300, blank=True, validators=[no_nul])
    due_date = models.DateField("答复期限", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=QueryState.choices, default=QueryState.OPEN)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField("企业答复", max_length=4000, blank=True, validators=[no_nul])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "企业问询"
        verbose_name_plural = "企业问询"
        ordering: ClassVar = ["-asked_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_unit(self) -> Unit:
        return self.entity.owner_unit


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"enterprise/{timezone.now():%Y/%m}/{instance.sha256[:32]}.{instance.extension}"


class Evidence(models.Model):
    """Rectification evidence an enterprise uploads, about one subject (an order, a query, …)."""

    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=40, blank=True)
    note = models.CharField("说明", max_length=500, validators=[no_nul])
    file = models.FileField(upload_to=evidence_path, max_length=200)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.note[:40]


class Application(models.Model):
    """An enterprise's application, e.g. for the positive list (正面清单)."""

    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, default="positive_list")
    reason = models.TextField("申请理由", max_length=2000, validators=[no_nul])
    handoff_ref = models.CharField(max_length=40, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.entity_id}"
