"""Every write to units, accounts, roles and certificates: permission, validation, write, audit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.org.models import EnforcementCertificate, RoleGrant, Training, Unit, User
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import Role, role_conflict


def unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "level": unit.level, "division_code": unit.division_code, "parent": unit.parent_id}


def _set_path(unit: Unit) -> None:
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)


def unit_create(*, by: User | None, name: str, level: int, division_code: str, parent: Unit | None,
                short_name: str = "") -> Unit:
    """Create a unit under `parent`. `by=None` only from set-up commands (bootstrap of the root unit)."""
    if by is not None:
        authorize(by, "org.manage_units", parent, action="unit.create")
    unit = Unit(name=name, short_name=short_name, level=level, division_code=division_code, parent=parent)
    unit.full_clean()
    with transaction.atomic():
        unit.save()
        _set_path(unit)
        audit_record(action="unit.create", target=unit, after=unit_snapshot(unit), actor=by)
    return unit


def user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "real_name": user.real_name, "unit": user.unit_id, "active": user.is_active}


def user_create(*, by: User | None, username: str, password: str, unit: Unit, real_name: str = "",
                phone: str = "", validate: bool = True) -> User:
    """Create an account in `unit`. The system administrator cannot give roles (三员分立)."""
    if by is not None:
        authorize(by, "org.manage_accounts", unit, action="user.create")
    user = User(username=username, real_name=real_name, unit=unit, phone=phone)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(action="user.create", target=user, after=user_snapshot(user), actor=by)
    return user


def user_set_active(*, by: User, user: User, active: bool, reason: str = "") -> User:
    authorize(by, "org.manage_accounts", user.unit, action="user.set_active")
    if user.pk == by.pk:
        raise Refused("不能停用自己的账户", action="user.set_active", target=user)
    before = user_snapshot(user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(action="user.set_active", target=user, before=before, after=user_snapshot(user), reason=reason)
    return user


def role_grant(*, by: User | None, user: User, role: str) -> RoleGrant:
    """Give `user` a role. Only the security administrator, never to himself (三员分立)."""
    if by is not None:
        authorize(by, "org.grant_roles", user.unit, action="role.grant")
        if by.pk == user.pk:
            raise Refused("安全管理员不得为自己授予角色", action="role.grant", target=user)
    if role not in Role.values:
        raise ValidationError({"role": "未知角色"})
    if problem := role_conflict(set(user.role_codes), role):
        raise ValidationError({"role": problem})
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, granted_by=by)
        audit_record(action="role.grant", target=user, after={"role": role}, actor=by)
    user.forget_roles()
    return grant


def role_revoke(*, by: User, user: User, role: str) -> None:
    authorize(by, "org.grant_roles", user.unit, action="role.revoke")
    if by.pk == user.pk:
        raise Refused("安全管理员不得变更自己的角色", action="role.revoke", target=user)
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if not deleted:
            raise ValidationError({"role": "该用户没有此角色"})
        audit_record(action="role.revoke", target=user, before={"role": role})
    user.forget_roles()


def certificate_add(*, by: User | None, officer: User, number: str, issuer: str, valid_from: Any,
                    valid_to: Any) -> EnforcementCertificate:
    if by is not None:
        authorize(by, "org.manage_certificates", officer.unit, action="certificate.add")
    cert = EnforcementCertificate(officer=officer, number=number, issuer=issuer, valid_from=valid_from,
                                  valid_to=valid_to)
    cert.full_clean()
    with transaction.atomic():
        cert.save()
        audit_record(action="certificate.add", target=cert, actor=by, after={
            "officer": officer.pk, "number": number, "valid_from": valid_from, "valid_to": valid_to})
    return cert


def training_add(*, by: User | None, officer: User, title: str, held_on: Any, hours: Any = 0,
                 organizer: str = "") -> Training:
    if by is not None:
        authorize(by, "org.manage_certificates", officer.unit, action="training.add")
    training = Training(officer=officer, title=title, held_on=held_on, hours=hours, organizer=organizer)
    training.full_clean()
    with transaction.atomic():
        training.save()
        audit_record(action="training.add", target=training, actor=by,
                     after={"officer": officer.pk, "title": title, "held_on": held_on})
    return training
