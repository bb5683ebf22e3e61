"""Parts of a case that have their own life: hearing, compulsory measures, referral, payments, publicity."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Hearing(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="hearing")
    requested_on = models.DateField("申请日期")
    notice_on = models.DateField("通知日期", null=True, blank=True)
    hearing_date = models.DateField("听证日期", null=True, blank=True)
    presiding = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="听证主持人"
    )
    held_on = models.DateField("举行日期", null=True, blank=True)
    report = models.TextField("听证报告", blank=True)

    class Meta:
        verbose_name = "听证"
        verbose_name_plural = "听证"

    def __str__(self) -> str:
        return f"听证 {self.case_id}"


class MeasureKind(models.TextChoices):
    SEAL = "seal", "查封"
    SEIZE = "seize", "扣押"
    RESTRICT = "restrict", "责令限制生产"
    SUSPEND = "suspend", "责令停产整治"
    CORRECTION = "correction", "责令改正"
    DAILY_PENALTY = "daily_penalty", "按日连续处罚"


class Measure(models.Model):
    """A compulsory measure or an order with its clock: seal/seize (30 days + one extension),
    production restriction/suspension, correction order with re-inspection, daily penalty."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="measures_taken")
    kind = models.CharField("措施", max_length=16, choices=MeasureKind.choices)
    decided_on = models.DateField("决定日期")
    basis = models.CharField("依据", max_length=300)
    items = models.JSONField("查封、扣押清单", default=list, blank=True)
    emergency = models.BooleanField("情况紧急当场实施", default=False)
    approved_on = models.DateField("负责人批准日期", null=True, blank=True)
    due_on = models.DateField("期限届满", null=True, blank=True)
    extended = models.BooleanField("已延长", default=False)
    released_on = models.DateField("解除日期", null=True, blank=True)
    release_reason = models.CharField("解除理由", max_length=300, blank=True)
    recheck_due = models.DateField("复查期限", null=True, blank=True)
    rechecked_on = models.DateField("复查日期", null=True, blank=True)
    recheck_corrected = models.BooleanField("复查已改正", null=True, blank=True)
    daily_days = models.PositiveIntegerField("计罚日数", null=True, blank=True)
    daily_amount = models.DecimalField(
        "按日连续处罚金额", max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # the form's one-time token (or the API's idempotency_key): a repeated submission is refused
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "行政强制措施与责令改正"
        verbose_name_plural = "行政强制措施与责令改正"
        ordering: ClassVar = ["decided_on", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "idempotency_key"], name="measure_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.decided_on}"

    @property
    def is_open(self) -> bool:
        return self.kind in (MeasureKind.SEAL, MeasureKind.SEIZE) and self.released_on is None


class ReferralKind(models.TextChoices):
    CRIMINAL = "criminal", "涉嫌犯罪移送公安机关"
    DETENTION = "detention", "移送公安机关适用行政拘留"


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField("移送类型", max_length=16, choices=ReferralKind.choices)
    police = models.CharField("接收机关", max_length=100)
    materials = models.TextField("移送材料")
    sent_on = models.DateField("移送日期")
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    feedback = models.TextField("公安机关反馈", blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # as Measure's

    class Meta:
        verbose_name = "移送公安"
        verbose_name_plural = "移送公安"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "idempotency_key"], name="referral_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on}"


class PaymentKind(models.TextChoices):
    FINE = "fine", "罚款"
    LATE_FEE = "late_fee", "加处罚款"


class Payment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField("款项", max_length=16, choices=PaymentKind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    paid_on = models.DateField("缴款日期")
    receipt_no = models.CharField("缴款凭证号", max_length=60)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "缴款"
        verbose_name_plural = "缴款"
        ordering: ClassVar = ["paid_on", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "receipt_no"], name="payment_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class PaymentPlan(models.Model):
    """暂缓或者分期缴纳罚款 (《行政处罚法》第六十六条): approved by the unit's head."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="payment_plan")
    kind = models.CharField(
        "方式", max_length=16, choices=[("deferral", "暂缓缴纳"), ("instalments", "分期缴纳")]
    )
    schedule = models.JSONField("缴纳计划", default=list)  # [{"due": "2026-10-01", "amount": "5000.00"}]
    reason = models.TextField("理由")
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField("批准日期", default=timezone.localdate)

    class Meta:
        verbose_name = "暂缓、分期缴纳"
        verbose_name_plural = "暂缓、分期缴纳"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"


class Publicity(models.Model):
    """A decision published on the public portal, redacted; withdrawn when revoked (art 48)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="publicity")
    published_on = models.DateField("公开日期")
    title = models.CharField("标题", max_length=300)
    body = models.JSONField("公开内容")
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=300, blank=True)
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "处罚决定公开"
        verbose_name_plural = "处罚决定公开"
        ordering: ClassVar = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title
