"""Regulated entities, their discharge permits, outlets and monitoring points."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db import models
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from ecoenforce.entities.industries import validate_industry_code
from ecoenforce.org.divisions import is_within, validate_division_code
from ecoenforce.org.models import Unit

no_nul = ProhibitNullCharactersValidator(message="不能包含空字符（\\x00）")
LATITUDE_RANGE = (Decimal("3"), Decimal("54"))  # China's extent, GB/T 2260 territory
LONGITUDE_RANGE = (Decimal("73"), Decimal("136"))


def validate_uscc(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character; never trusted."""
    try:
        stdnum_uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError("统一社会信用代码无效（须为18位，且校验位正确）", code="invalid_uscc") from exc


class SupervisionClass(models.TextChoices):
    KEY = "key", "重点排污单位"
    GENERAL = "general", "一般排污单位"
    SPECIAL = "special", "特殊监管对象"


class EntityStatus(models.TextChoices):
    OPERATING = "operating", "正常生产"
    SUSPENDED = "suspended", "停产"
    CLOSED = "closed", "关闭"
    CONSTRUCTING = "constructing", "在建"


class Entity(models.Model):
    """监管对象. `owner_unit` is the unit responsible by territory; jurisdiction follows it."""

    name = models.CharField("单位名称", max_length=200, validators=[no_nul])
    uscc = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": "统一社会信用代码已存在（监管对象重复）"},
    )
    legal_representative = models.CharField("法定代表人", max_length=50, validators=[no_nul])
    address = models.CharField("地址", max_length=300, validators=[no_nul])
    division_code = models.CharField("行政区划代码", max_length=12, validators=[validate_division_code])
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(LATITUDE_RANGE[0], "纬度应在 3 到 54 之间（中国境内）"),
            MaxValueValidator(LATITUDE_RANGE[1], "纬度应在 3 到 54 之间（中国境内）"),
        ],
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(LONGITUDE_RANGE[0], "经度应在 73 到 136 之间（中国境内）"),
            MaxValueValidator(LONGITUDE_RANGE[1], "经度应在 73 到 136 之间（中国境内）"),
        ],
    )
    industry_code = models.CharField("行业代码", max_length=5, validators=[validate_industry_code])
    supervision_class = models.CharField(
        "监管类别", max_length=16, choices=SupervisionClass.choices, default=SupervisionClass.GENERAL
    )
    status = models.CharField(
        "状态", max_length=16, choices=EntityStatus.choices, default=EntityStatus.OPERATING
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name="属地执法机构", on_delete=models.PROTECT, related_name="entities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "监管对象"
        verbose_name_plural = "监管对象"
        ordering: ClassVar = ["name", "id"]
        indexes: ClassVar = [
            models.Index(fields=["name", "id"], name="entity_name_id_idx"),
            models.Index(fields=["owner_unit", "supervision_class"], name="entity_unit_class_idx"),
            models.Index(fields=["division_code"], name="entity_division_idx"),
            models.Index(fields=["industry_code"], name="entity_industry_idx"),
            models.Index(fields=["status"], name="entity_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Owner unit by territory: the entity's division must lie inside the owner unit's."""
        if self.owner_unit_id is None or not self.division_code:
            return
        if not is_within(self.division_code, self.owner_unit.division_code):
            raise ValidationError({"division_code": "行政区划代码不在属地执法机构的辖区范围内"})


class PermitClass(models.TextChoices):
    KEY = "key", "重点管理"
    SIMPLIFIED = "simplified", "简化管理"
    REGISTRATION = "registration", "登记管理"


class DischargePermit(models.Model):
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="permits", verbose_name="监管对象"
    )
    number = models.CharField(
        "许可证编号",
        max_length=40,
        unique=True,
        validators=[no_nul],
        error_messages={"unique": "许可证编号已存在"},
    )
    management_class = models.CharField("管理类别", max_length=16, choices=PermitClass.choices)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")

    class Meta:
        verbose_name = "排污许可证"
        verbose_name_plural = "排污许可证"
        ordering: ClassVar = ["-valid_to"]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "有效期止不能早于有效期起"})


class OutletKind(models.TextChoices):
    WATER = "water", "废水"
    AIR = "air", "废气"


class Outlet(models.Model):
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="outlets", verbose_name="监管对象"
    )
    permit = models.ForeignKey(
        DischargePermit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outlets",
        verbose_name="排污许可证",
    )
    code = models.CharField("排放口编号", max_length=20, validators=[no_nul])
    name = models.CharField("名称", max_length=100, blank=True, validators=[no_nul])
    kind = models.CharField("类型", max_length=8, choices=OutletKind.choices)

    class Meta:
        verbose_name = "排放口"
        verbose_name_plural = "排放口"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["entity", "code"], name="outlet_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class AveragingPeriod(models.TextChoices):
    HOUR = "hour", "小时均值"
    DAY = "day", "日均值"
    INSTANT = "instant", "瞬时值"


class PollutantLimit(models.Model):
    """A permitted limit at an outlet: pollutant (HJ 212 code where there is one), value, unit, period."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="limits", verbose_name="排放口")
    pollutant_code = models.CharField("污染物编码", max_length=16, validators=[no_nul])
    pollutant_name = models.CharField("污染物", max_length=50, validators=[no_nul])
    limit_value = models.DecimalField(
        "限值", max_digits=14, decimal_places=4, validators=[MinValueValidator(0, "限值不能为负数")]
    )
    unit = models.CharField("单位", max_length=16, validators=[no_nul])  # mg/L, mg/m3, 无量纲 …
    averaging_period = models.CharField("均值周期", max_length=8, choices=AveragingPeriod.choices)

    class Meta:
        verbose_name = "排放限值"
        verbose_name_plural = "排放限值"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["outlet", "pollutant_code", "averaging_period"], name="limit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pollutant_name} {self.limit_value} {self.unit}"


class MonitoringPoint(models.Model):
    """An online-monitoring data logger (数采仪), identified by its HJ 212 MN code."""

    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, related_name="monitoring_points", verbose_name="排放口"
    )
    mn = models.CharField(
        "数采仪编码(MN)",
        max_length=24,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z]{1,24}$", "MN编码应为不超过24位的字母或数字")],
        error_messages={"unique": "MN编码已存在"},
    )
    password = models.CharField(
        "访问密码",
        max_length=6,
        default="123456",
        validators=[RegexValidator(r"^[0-9A-Za-z]{1,6}$", "访问密码应为不超过6位的字母或数字")],
    )
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "监测点"
        verbose_name_plural = "监测点"

    def __str__(self) -> str:
        return self.mn

    @property
    def entity(self) -> Entity:
        return self.outlet.entity


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待提交"
    COMMITTED = "committed", "已导入"


class EntityImport(models.Model):
    """An uploaded Excel file between preview and commit.

    The parsed good rows and the bad rows' errors are held here, so the commit stores exactly
    what was previewed; the status flips to committed inside the commit's transaction, which makes
    a second commit of the same preview fail (duplicate submission).
    """

    id = models.UUIDField(primary_key=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件SHA-256", max_length=64)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    good_rows = models.JSONField("待导入数据", default=list)
    errors = models.JSONField("错误", default=list)  # [{"row", "column", "message"}]
    bad_row_count = models.PositiveIntegerField("错误行数", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    committed_count = models.PositiveIntegerField("导入条数", default=0)

    class Meta:
        verbose_name = "监管对象导入"
        verbose_name_plural = "监管对象导入"
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
