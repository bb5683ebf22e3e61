"""Regulated entities, their discharge permits, outlets and monitoring points."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from ecoenforce.org.models import Unit, division_code_validator


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

    name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    legal_representative = models.CharField("法定代表人", max_length=50)
    address = models.CharField("地址", max_length=300)
    division_code = models.CharField("行政区划代码", max_length=12, validators=[division_code_validator])
    latitude = models.DecimalField(
        "纬度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("3")), MaxValueValidator(Decimal("54"))],
    )
    longitude = models.DecimalField(
        "经度", max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("73")), MaxValueValidator(Decimal("136"))],
    )
    industry_code = models.CharField(
        "行业代码", max_length=5, validators=[RegexValidator(r"^[A-T](\d{2,4})?$", "行业代码应符合GB/T 4754（如 C2611）")]
    )
    supervision_class = models.CharField(
        "监管类别", max_length=16, choices=SupervisionClass.choices, default=SupervisionClass.GENERAL
    )
    status = models.CharField("状态", max_length=16, choices=EntityStatus.choices, default=EntityStatus.OPERATING)
    owner_unit = models.ForeignKey(Unit, verbose_name="属地执法机构", on_delete=models.PROTECT, related_name="entities")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "监管对象"
        verbose_name_plural = "监管对象"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["owner_unit", "supervision_class"]),
            models.Index(fields=["division_code"]),
        ]

    def __str__(self) -> str:
        return self.name


class PermitClass(models.TextChoices):
    KEY = "key", "重点管理"
    SIMPLIFIED = "simplified", "简化管理"
    REGISTRATION = "registration", "登记管理"


class DischargePermit(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="permits", verbose_name="监管对象")
    number = models.CharField("许可证编号", max_length=40, unique=True)
    management_class = models.CharField("管理类别", max_length=16, choices=PermitClass.choices)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")

    class Meta:
        verbose_name = "排污许可证"
        verbose_name_plural = "排污许可证"
        ordering = ["-valid_to"]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "有效期止不能早于有效期起"})


class OutletKind(models.TextChoices):
    WATER = "water", "废水"
    AIR = "air", "废气"


class Outlet(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="outlets", verbose_name="监管对象")
    permit = models.ForeignKey(
        DischargePermit, null=True, blank=True, on_delete=models.SET_NULL, related_name="outlets", verbose_name="排污许可证"
    )
    code = models.CharField("排放口编号", max_length=20)
    name = models.CharField("名称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=8, choices=OutletKind.choices)

    class Meta:
        verbose_name = "排放口"
        verbose_name_plural = "排放口"
        constraints = [models.UniqueConstraint(fields=["entity", "code"], name="outlet_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class PollutantLimit(models.Model):
    """A permitted limit at an outlet: pollutant (HJ 212 code where there is one), value, unit, period."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="limits", verbose_name="排放口")
    pollutant_code = models.CharField("污染物编码", max_length=16)
    pollutant_name = models.CharField("污染物", max_length=50)
    limit_value = models.DecimalField("限值", max_digits=14, decimal_places=4, validators=[MinValueValidator(0)])
    unit = models.CharField("单位", max_length=16)  # mg/L, mg/m3, 无量纲 …
    averaging_period = models.CharField(
        "均值周期", max_length=8, choices=[("hour", "小时均值"), ("day", "日均值"), ("instant", "瞬时值")]
    )

    class Meta:
        verbose_name = "排放限值"
        verbose_name_plural = "排放限值"
        constraints = [
            models.UniqueConstraint(fields=["outlet", "pollutant_code", "averaging_period"], name="limit_unique"),
        ]


class MonitoringPoint(models.Model):
    """An online-monitoring data logger (数采仪), identified by its HJ 212 MN code."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="monitoring_points", verbose_name="排放口")
    mn = models.CharField(
        "数采仪编码(MN)", max_length=24, unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z]{1,24}$", "MN编码应为不超过24位的字母或数字")],
    )
    password = models.CharField("访问密码", max_length=6, default="123456")
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "监测点"
        verbose_name_plural = "监测点"

    def __str__(self) -> str:
        return self.mn

    @property
    def entity(self) -> Entity:
        return self.outlet.entity
