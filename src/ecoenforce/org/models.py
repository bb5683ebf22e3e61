"""Units (the hierarchy), users, role grants, certificates, trainings and explicit access grants."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from ecoenforce.org.roles import Role

division_code_validator = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$", "行政区划代码应为6位（GB/T 2260）或9/12位（乡镇、街道）数字"
)


class UnitLevel(models.IntegerChoices):
    PROVINCE = 1, "省级 / 兵团"
    CITY = 2, "设区的市 / 师市"
    COUNTY = 3, "县级 / 团场"
    TOWNSHIP = 4, "乡镇 / 街道"


class Unit(models.Model):
    """An enforcement body. `path` is the materialized path of ids ("/1/7/23/") for subtree queries."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    level = models.PositiveSmallIntegerField("层级", choices=UnitLevel.choices)
    division_code = models.CharField(
        "行政区划代码", max_length=12, validators=[division_code_validator]
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "执法机构"
        verbose_name_plural = "执法机构"
        ordering: ClassVar = ["path"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        parent = self.parent if self.parent_id is not None else None
        if parent is None:
            return
        if parent.level >= self.level:
            raise ValidationError({"level": "下级单位的层级必须低于上级单位"})
        if self.pk and f"/{self.pk}/" in parent.path:
            raise ValidationError({"parent": "不能把单位移到它自己的下级之下"})

    def is_within(self, other: Unit) -> bool:
        """True when self is `other` or below it."""
        return self.path.startswith(other.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(x) for x in self.path.strip("/").split("/") if x]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class User(AbstractUser):
    """A person with an account. Belongs to one unit; roles come from RoleGrant."""

    real_name = models.CharField("姓名", max_length=50, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT)
    phone = models.CharField("手机号", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set when the system administrator creates the account or resets its password: the user must
    # choose his own password before anything else (org.middleware).
    must_change_password = models.BooleanField("须修改密码", default=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            if not self.pk or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_codes", None)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="授予人"
    )
    granted_at = models.DateTimeField("授予时间", default=timezone.now)

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints: ClassVar = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class EnforcementCertificate(models.Model):
    """执法证: an officer may inspect and sign only while one is valid."""

    officer = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="certificates", verbose_name="持证人"
    )
    number = models.CharField("证件编号", max_length=40, unique=True)
    issuer = models.CharField("发证机关", max_length=100)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    revoked = models.BooleanField("已注销", default=False)

    class Meta:
        verbose_name = "执法证"
        verbose_name_plural = "执法证"
        ordering: ClassVar = ["valid_to"]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "有效期止不能早于有效期起"})

    def is_valid_on(self, day: date) -> bool:
        return not self.revoked and self.valid_from <= day <= self.valid_to


class Training(models.Model):
    officer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trainings", verbose_name="人员")
    title = models.CharField("培训名称", max_length=200)
    organizer = models.CharField("组织单位", max_length=100, blank=True)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=0)
    revoked = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering: ClassVar = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title}（{self.held_on}）"


class AccessGrant(models.Model):
    """An explicit grant beyond the unit subtree: a cross inspection, a case taken over by a superior.

    Selectors OR these into the jurisdiction filter (org.jurisdiction.scope), so later features only
    create grants; no selector changes.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="access_grants", verbose_name="获授权单位"
    )
    target_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="被授权辖区"
    )
    model_label = models.CharField("对象类型", max_length=64, blank=True)  # e.g. "entities.entity"
    object_id = models.BigIntegerField("对象编号", null=True, blank=True)
    can_write = models.BooleanField("可写", default=False)
    reason = models.CharField("依据", max_length=200)
    valid_from = models.DateField("生效日期", default=date.today)
    valid_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "辖区外授权"
        verbose_name_plural = "辖区外授权"

    def __str__(self) -> str:
        return f"{self.unit} · {self.reason}"


class ApiToken(models.Model):
    """A machine client's token. Only its SHA-256 is kept; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: Any, name: str) -> tuple[ApiToken, str]:
        raw = "ee_" + secrets.token_urlsafe(32)
        obj = cls.objects.create(user=user, name=name, prefix=raw[:8], token_hash=cls.hash(raw))
        return obj, raw


__all__ = [
    "AccessGrant",
    "ApiToken",
    "EnforcementCertificate",
    "RoleGrant",
    "Training",
    "Unit",
    "UnitLevel",
    "User",
]
