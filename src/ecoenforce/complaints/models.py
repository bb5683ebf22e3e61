"""Complaints and reports (投诉举报), their attachments and timeline, report rewards.

The reporter's identity is never stored in the clear: `identity_sealed` holds it sealed with the
platform's identity key (complaints.identity; the Code's art 146). `__str__` and every audit snapshot
carry only the complaint number, never a name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone

from ecoenforce.org.models import Unit

no_nul = ProhibitNullCharactersValidator(message="不能包含空字符")


class Channel(models.TextChoices):
    PORTAL = "portal", "网上举报"
    PHONE = "phone", "电话"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    HOTLINE_12345 = "12345", "12345政务服务便民热线转办"
    HOTLINE_12369 = "12369", "12369环保举报热线转办"


TRANSFER_CHANNELS = (Channel.HOTLINE_12345, Channel.HOTLINE_12369)


class Category(models.TextChoices):
    AIR = "air", "大气污染"
    WATER = "water", "水污染"
    NOISE = "noise", "噪声污染"
    SOLID = "solid", "固体废物"
    SOIL = "soil", "土壤污染"
    RADIATION = "radiation", "辐射"
    ECOLOGY = "ecology", "生态破坏"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    RECEIVED = "received", "已登记"
    DISPATCHED = "dispatched", "已交办"
    VERIFIED = "verified", "已核查"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"
    MERGED = "merged", "已并案"


class Finding(models.TextChoices):
    VIOLATION = "violation", "情况属实，存在生态环境违法行为"
    NO_VIOLATION = "no_violation", "情况不属实或未发现违法行为"
    PARTLY = "partly", "部分属实"
    OUT_OF_SCOPE = "out_of_scope", "不属于生态环境部门职责"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Complaint(models.Model):
    number = models.CharField("编号", max_length=20, unique=True)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of the tracking code
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    external_ref = models.CharField("转办单号", max_length=64, blank=True, validators=[no_nul])
    category = models.CharField("举报类别", max_length=12, choices=Category.choices)
    description = models.TextField("举报内容", max_length=4000, validators=[no_nul])
    address = models.CharField("地点", max_length=300, blank=True, validators=[no_nul])
    division_code = models.CharField("行政区划", max_length=12, blank=True)
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("3")), MaxValueValidator(Decimal("54"))],
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("73")), MaxValueValidator(Decimal("136"))],
    )
    entity = models.ForeignKey(
        "entities.Entity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被举报单位",
    )
    anonymous = models.BooleanField("匿名举报", default=True)
    identity_sealed = models.TextField(blank=True, editable=False)
    # A keyed hash (HMAC with the identity key) of the reporter's phone: the same reporter's reports
    # can be counted together (the reward cap per reporter and year) without opening any identity.
    reporter_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="承办单位",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RECEIVED)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name="并入",
    )
    received_at = models.DateTimeField("收到时间", default=timezone.now)
    acknowledge_due = models.DateField("告知期限")
    handle_due = models.DateField("办结期限")
    deadline_source = models.CharField("期限依据", max_length=100)
    finding = models.CharField("核查结论", max_length=16, choices=Finding.choices, blank=True)
    verification = models.TextField("核查情况", max_length=4000, blank=True, validators=[no_nul])
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核查人",
    )
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    inspection_ref = models.CharField("现场检查任务", max_length=64, blank=True)
    lead_ref = models.CharField("案源线索", max_length=64, blank=True)
    reply = models.TextField("答复内容", max_length=4000, blank=True, validators=[no_nul])
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_note = models.CharField("评价意见", max_length=500, blank=True, validators=[no_nul])
    reopen_count = models.PositiveSmallIntegerField("重新办理次数", default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering: ClassVar = ["-received_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="complaint_unique_transfer",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def owner_unit(self) -> Unit | None:  # for org.jurisdiction.unit_of
        return self.unit

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.MERGED)


def attachment_path(instance: ComplaintAttachment, filename: str) -> str:
    return f"complaints/{timezone.now():%Y/%m}/{instance.sha256[:32]}.{instance.extension}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    kind = models.CharField("类型", max_length=8)  # photo | video
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "举报附件"
        verbose_name_plural = "举报附件"

    def __str__(self) -> str:
        return f"{self.complaint} · {self.kind}"


class ComplaintEvent(models.Model):
    """The timeline. `public` events are shown to the reporter on the tracking page."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=24)
    text = models.CharField(max_length=500)
    public = models.BooleanField(default=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.kind}"


class IntakeHit(models.Model):
    """One intake attempt, for the rate limits (per address and per device) and used challenge nonces."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key


class RewardState(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    PAID = "paid", "已发放"


class RewardDecision(models.Model):
    """举报奖励: proposed under the unit's rule (data/reward_rules.yaml), approved, paid, notified."""

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="reward")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="奖励单位")
    rule_key = models.CharField("奖励规则", max_length=60)
    tier = models.CharField("奖励档次", max_length=60)
    amount = models.DecimalField("奖励金额（元）", max_digits=10, decimal_places=2)
    basis = models.CharField("依据", max_length=300)
    state = models.CharField("状态", max_length=10, choices=RewardState.choices, default=RewardState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField("审批意见", max_length=300, blank=True)
    payment_ref = models.CharField("发放凭证号", max_length=60, blank=True, validators=[no_nul])
    paid_at = models.DateTimeField(null=True, blank=True)
    notice = models.CharField("告知举报人", max_length=500, blank=True)

    class Meta:
        verbose_name = "举报奖励"
        verbose_name_plural = "举报奖励"

    def __str__(self) -> str:
        return f"{self.complaint} · 奖励"

    @property
    def owner_unit(self) -> Unit:
        return self.unit
