"""The penalty package's models: recorded penalty decisions and legal-parameter confirmations.

Both keep the app label "catalog" (their tables and migrations stay where they were created:
catalog/migrations/0002), so moving the code moved no data.

Recorded penalty decisions (裁量决定): what the engine said and what was decided, with why.

One row per decided penalty, whoever records it: the calculator page today, the cases app later
(``source_type``/``source_id`` name the recording object generically, so catalog never imports
cases). ``facts``, ``sanction`` and ``rule_set_id`` are exactly the engine's input, so the
consistency report (同案不同罚) can recompute the benchmark with the current engine and compare it
with ``decided_amount``. Rows are written by ``services.record_decision`` only.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from ecoenforce.org.models import Unit


class DecisionType(models.TextChoices):
    NO_PENALTY = "no_penalty", "不予处罚"
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"


class DecidedPenalty(models.Model):
    item_code = models.CharField("事项编码", max_length=40)
    item_name = models.CharField("事项名称", max_length=300, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="决定单位", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人员", on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("决定日期")
    # The party penalised, when known (a case's entity, or the one the calculator was opened for);
    # decisions recorded before this field existed have none.
    entity = models.ForeignKey(
        "entities.Entity", verbose_name="当事人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    facts = models.JSONField("裁量事实（计算输入）", default=dict)
    sanction = models.JSONField("法定罚则（计算输入）", default=dict)
    rule_set_id = models.CharField("裁量基准编号", max_length=40, blank=True)
    engine_decision = models.CharField("基准结论", max_length=16, choices=DecisionType.choices)
    engine_amount = models.DecimalField("基准金额（元）", max_digits=16, decimal_places=2)
    decision = models.CharField("决定结论", max_length=16, choices=DecisionType.choices)
    decided_amount = models.DecimalField("决定金额（元）", max_digits=16, decimal_places=2)
    reason = models.TextField("偏离理由", blank=True)
    source_type = models.CharField("来源类型", max_length=40, default="calculator")
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        app_label = "catalog"
        verbose_name = "裁量决定"
        verbose_name_plural = "裁量决定"
        ordering: ClassVar = ["-decided_on", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["unit", "decided_on"], name="decidedpenalty_unit_date"),
            models.Index(fields=["item_code", "decided_on"], name="decidedpenalty_item_date"),
            models.Index(fields=["source_type", "source_id"], name="decidedpenalty_source"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(decided_amount__gte=0) & models.Q(engine_amount__gte=0),
                name="decidedpenalty_amounts_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_code} {self.get_decision_display()} {self.decided_amount}元（{self.decided_on}）"

    @property
    def deviates(self) -> bool:
        return self.decision != self.engine_decision or self.decided_amount != self.engine_amount


# A legal reviewer's confirmation or change of a legal parameter (法律参数确认记录): the parameters
# themselves are data in penalty/data/legal_parameters.yaml; rows are append-only history written by
# params.legal_parameter_confirm only (audited).
class LegalParameterConfirmation(models.Model):
    key = models.CharField("参数键", max_length=80)
    value = models.CharField("确认值", max_length=200)
    previous_value = models.CharField("原值", max_length=200)
    changed = models.BooleanField("是否修改", default=False)
    note = models.TextField("说明", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", default=timezone.now)

    class Meta:
        app_label = "catalog"
        verbose_name = "法律参数确认记录"
        verbose_name_plural = "法律参数确认记录"
        ordering: ClassVar = ["key", "-confirmed_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["key", "confirmed_at"], name="legalparam_key_time")]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}（{'修改' if self.changed else '确认'}）"
