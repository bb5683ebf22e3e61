"""A legal reviewer's confirmation or change of a legal parameter (法律参数确认记录).

The parameters themselves (deadlines, thresholds, ratios, platform conventions) are data in
``data/legal_parameters.yaml`` with their source and confidence; the effective value of a key is
the value of its latest confirmation, else the file's default (``catalog.params``). Rows are
append-only history, written by ``params.legal_parameter_confirm`` only (audited).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


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
