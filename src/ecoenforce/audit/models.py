"""The audit trail: append-only, hash-chained events (see chain.py and docs/audit.md)."""

from __future__ import annotations

import json

from django.db import models

from ecoenforce.audit.chain import GENESIS_DIGEST


class Outcome(models.TextChoices):
    OK = "ok", "成功"
    REFUSED = "refused", "被拒绝"
    FAILED = "failed", "失败"


class AuditEvent(models.Model):
    """One act. `seq` is contiguous from 1; `digest` = SM3(canonical form incl. prev_digest)."""

    seq = models.BigIntegerField("序号", primary_key=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True, db_index=True)
    actor_name = models.CharField("操作人", max_length=150, blank=True, db_index=True)
    unit_id = models.BigIntegerField("操作人单位编号", null=True, blank=True, db_index=True)
    ip = models.CharField("IP地址", max_length=45, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.OK)
    target_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    reason = models.TextField("说明", blank=True)
    before = models.TextField("变更前", blank=True)  # canonical JSON text, "" when none
    after = models.TextField("变更后", blank=True)
    prev_digest = models.CharField("前一事件摘要", max_length=64)
    digest = models.CharField("摘要", max_length=64, unique=True)
    algorithm = models.CharField("摘要算法", max_length=8, default="SM3")

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ("-seq",)
        default_permissions = ("view",)
        indexes = (models.Index(fields=("target_type", "target_id"), name="audit_event_target"),)

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @staticmethod
    def _pretty(text: str) -> str:
        if not text:
            return ""
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True)
        except ValueError:
            return text

    @property
    def before_pretty(self) -> str:
        return self._pretty(self.before)

    @property
    def after_pretty(self) -> str:
        return self._pretty(self.after)


class AuditHead(models.Model):
    """The chain's head (one row). Locked by every append so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default=GENESIS_DIGEST)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"head #{self.seq}"
