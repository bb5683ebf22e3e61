"""Every write to units, accounts, roles, certificates and tokens: permission, validation, write, audit.

`by=None` is accepted only where set-up commands and tests need it (bootstrap of the root unit and
the first accounts); every page passes the signed-in user.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.org.divisions import validate_division_code
from ecoenforce.org.models import ApiToken, EnforcementCertificate, RoleGrant, Training, Unit, UnitLevel, User
from ecoenforce.org.passwords import password_generate
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import ADMIN_ROLES, Role, role_conflict

# ---------------------------------------------------------------------------------------------- units


def unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {"name": unit.name, "short_name": unit.short_name, "level": unit.level,
            "division_code": unit.division_code, "parent": unit.parent_id, "active": unit.is_active}


def _set_path(unit: Unit) -> None:
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)


def _check_division_code(level: int, code: str) -> None:
    """GB/T 2260: 6 digits above the township, 9 (or 12) digits for a township; a known code."""
    township = level == UnitLevel.TOWNSHIP
    if township and len(code) not in (9, 12):
        raise ValidationError({"division_code": "乡镇、街道级单位的行政区划代码应为9位数字"})
    if not township and len(code) != 6:
        raise ValidationError({"division_code": "县级及以上单位的行政区划代码应为6位数字"})
    try:
        validate_division_code(code)
    except ValidationError as exc:
        raise ValidationError({"division_code": exc.messages}) from exc


def unit_create(*, by: User | None, name: str, level: int, division_code: str, parent: Unit | None,
                short_name: str = "") -> Unit:
    """Create a unit under `parent`. `by=None` only from set-up commands (bootstrap of the root unit)."""
    if by is not None:
        if parent is None:
            raise Refused("只能在本辖区内的单位下新建下级单位", action="unit.create")
        authorize(by, "org.manage_units", parent, action="unit.create")
    unit = Unit(name=name, short_name=short_name, level=level, division_code=division_code, parent=parent)
    unit.full_clean()
    _check_division_code(level, division_code)
    with transaction.atomic():
        unit.save()
        _set_path(unit)
        audit_record(action="unit.create", target=unit, after=unit_snapshot(unit), actor=by)
    return unit


def unit_update(*, by: User, unit: Unit, name: str, short_name: str, level: int, division_code: str,
                parent: Unit | None, is_active: bool = True) -> Unit:
    """Edit a unit in the jurisdiction; a move needs the new parent in the jurisdiction too."""
    authorize(by, "org.manage_units", unit, action="unit.update")
    moved = (parent.pk if parent else None) != unit.parent_id
    if moved:
        if parent is None:
            raise Refused("不能把单位设为顶级单位", action="unit.update", target=unit)
        authorize(by, "org.manage_units", parent, action="unit.update")
    if not is_active and by.unit_id == unit.pk:
        raise Refused("不能停用本人所在单位", action="unit.update", target=unit)
    before, old_path = unit_snapshot(unit), unit.path
    unit.name, unit.short_name, unit.level = name, short_name, level
    unit.division_code, unit.parent, unit.is_active = division_code, parent, is_active
    unit.full_clean()
    _check_division_code(level, division_code)
    if unit.children.filter(level__lte=level).exists():
        raise ValidationError({"level": "单位的层级必须高于其下级单位"})
    with transaction.atomic():
        unit.save()
        if moved:
            _move_subtree(unit, old_path)
        audit_record(action="unit.update", target=unit, before=before, after=unit_snapshot(unit), actor=by)
    return unit


def _move_subtree(unit: Unit, old_path: str) -> None:
    assert unit.parent is not None
    new_path = f"{unit.parent.path}{unit.pk}/"
    rows = list(Unit.objects.filter(path__startswith=old_path))
    for row in rows:
        row.path = new_path + row.path[len(old_path):]
    Unit.objects.bulk_update(rows, ["path"])
    unit.path = new_path


# ------------------------------------------------------------------------------------------- accounts


def user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "real_name": user.real_name, "phone": user.phone,
            "unit": user.unit_id, "active": user.is_active}


def _refuse_on_admin(by: User, user: User, action: str) -> None:
    """三员分立: the system administrator manages accounts, but not those of the other administrators.

    Their admin role is first revoked by a security administrator; then the account is an ordinary one.
    """
    if user.has_role(*ADMIN_ROLES):
        raise Refused("三员分立：系统管理员不得停用管理员账户或重置其口令；须先由安全管理员撤销其管理员角色",
                      action=action, target=user)


def user_create(*, by: User | None, username: str, password: str, unit: Unit, real_name: str = "",
                phone: str = "", validate: bool = True) -> User:
    """Create an account in `unit` (no roles: only the security administrator grants them).

    An account created by an administrator must change its password at the first login.
    """
    if by is not None:
        authorize(by, "org.manage_accounts", unit, action="user.create")
    user = User(username=username, real_name=real_name, unit=unit, phone=phone,
                must_change_password=by is not None)
    user.full_clean(exclude=["password"])
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    with transaction.atomic():
        user.save()
        audit_record(action="user.create", target=user, after=user_snapshot(user), actor=by)
    return user


def user_update(*, by: User, user: User, real_name: str, phone: str, unit: Unit) -> User:
    authorize(by, "org.manage_accounts", user.unit, action="user.update")
    if unit.pk != user.unit_id:
        authorize(by, "org.manage_accounts", unit, action="user.update")
    before = user_snapshot(user)
    user.real_name, user.phone, user.unit = real_name, phone, unit
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["real_name", "phone", "unit"])
        audit_record(action="user.update", target=user, before=before, after=user_snapshot(user), actor=by)
    return user


def user_set_active(*, by: User, user: User, active: bool, reason: str = "") -> User:
    authorize(by, "org.manage_accounts", user.unit, action="user.set_active")
    if user.pk == by.pk:
        raise Refused("不能停用自己的账户", action="user.set_active", target=user)
    _refuse_on_admin(by, user, "user.set_active")
    before = user_snapshot(user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(action="user.set_active", target=user, before=before, after=user_snapshot(user),
                     reason=reason, actor=by)
        if not active:  # tokens die with the account; reactivating it does not revive them
            _revoke_tokens(user, by=by, reason="账户停用")
    user.forget_roles()
    return user


def _revoke_tokens(user: User, *, by: User | None, reason: str) -> int:
    """Revoke every live token of `user`, each recorded (call inside the caller's transaction)."""
    live = list(ApiToken.objects.filter(user=user, revoked=False))
    for token in live:
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_record(action="token.revoke", target=token, actor=by, reason=reason,
                     after={"user": user.pk, "prefix": token.prefix})
    return len(live)


def password_reset(*, by: User, user: User) -> str:
    """Give `user` a random temporary password (returned, to be shown once); it must be changed at login."""
    authorize(by, "org.manage_accounts", user.unit, action="user.password_reset")
    if user.pk == by.pk:
        raise Refused("请通过“修改密码”修改本人密码", action="user.password_reset", target=user)
    _refuse_on_admin(by, user, "user.password_reset")
    temporary = password_generate()
    validate_password(temporary, user)
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(action="user.password_reset", target=user, actor=by,
                     after={"must_change_password": True})
    return temporary


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The user changes his own password (also the way out of a forced change)."""
    if not user.check_password(old_password):
        with transaction.atomic():
            audit_record(action="user.password_change", target=user, actor=user, outcome=Outcome.FAILED,
                         reason="原密码不正确")
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同"})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(action="user.password_change", target=user, actor=user)
    return user


# ---------------------------------------------------------------------------------- roles and security


def role_grant(*, by: User | None, user: User, role: str) -> RoleGrant:
    """Give `user` a role. Only the security administrator, never to himself (三员分立)."""
    if by is not None:
        authorize(by, "org.grant_roles", user.unit, action="role.grant")
        if by.pk == user.pk:
            raise Refused("三员分立：安全管理员不得为自己授予角色", action="role.grant", target=user)
        if not user.is_active:
            raise ValidationError({"role": "该账户已停用，不能授予角色"})
    if role not in Role.values:
        raise ValidationError({"role": "未知角色"})
    if problem := role_conflict(set(user.role_codes), role):
        raise ValidationError({"role": problem})
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, granted_by=by)
        audit_record(action="role.grant", target=user, after={"role": role}, actor=by)
        if role in ADMIN_ROLES:  # administrators never use tokens (no second factor)
            _revoke_tokens(user, by=by, reason="授予管理员角色")
    user.forget_roles()
    return grant


def role_revoke(*, by: User, user: User, role: str) -> None:
    authorize(by, "org.grant_roles", user.unit, action="role.revoke")
    if by.pk == user.pk:
        raise Refused("三员分立：安全管理员不得变更自己的角色", action="role.revoke", target=user)
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if not deleted:
            raise ValidationError({"role": "该用户没有此角色"})
        audit_record(action="role.revoke", target=user, before={"role": role}, actor=by)
    user.forget_roles()


def account_unlock(*, by: User, user: User) -> int:
    """Lift a lockout after repeated failed logins (django-axes). Returns the attempts cleared."""
    authorize(by, "org.account_security", user.unit, action="user.unlock")
    with transaction.atomic():
        cleared = int(axes_reset(username=user.username))
        if not cleared:
            raise ValidationError("该账户当前未被锁定")
        audit_record(action="user.unlock", target=user, actor=by, after={"attempts_cleared": cleared})
    return cleared


def totp_reset(*, by: User, user: User) -> None:
    """Remove a user's TOTP devices (a lost phone); he sets up a new one at the next login."""
    authorize(by, "org.account_security", user.unit, action="user.totp_reset")
    if by.pk == user.pk:
        raise Refused("请在“我的账户”中重新设置本人的动态口令", action="user.totp_reset", target=user)
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if not deleted:
            raise ValidationError("该用户尚未设置动态口令")
        audit_record(action="user.totp_reset", target=user, actor=by)


def totp_reset_own(*, user: User, password: str) -> None:
    """The user replaces his own authenticator; his password confirms it is him."""
    if not user.check_password(password):
        with transaction.atomic():
            audit_record(action="auth.totp_reset_own", target=user, actor=user, outcome=Outcome.FAILED,
                         reason="密码不正确")
        raise ValidationError({"password": "密码不正确"})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(action="auth.totp_reset_own", target=user, actor=user)


def token_issue(*, by: User, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for a (machine) account; the raw token is returned once, only its hash kept."""
    authorize(by, "org.manage_tokens", user.unit, action="token.issue")
    if by.pk == user.pk:
        raise Refused("三员分立：安全管理员不得为自己签发接口令牌", action="token.issue", target=user)
    if user.has_role(*ADMIN_ROLES):
        raise Refused("管理员账户不得使用接口令牌（令牌不经过双因素认证）", action="token.issue", target=user)
    if not user.is_active:
        raise ValidationError({"user": "该账户已停用"})
    if not name.strip():
        raise ValidationError({"name": "请填写令牌名称"})
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=name.strip()[:100])
        audit_record(action="token.issue", target=token, actor=by,
                     after={"user": user.pk, "name": token.name, "prefix": token.prefix})
    return token, raw


def token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    authorize(by, "org.manage_tokens", token.user.unit, action="token.revoke")
    if token.revoked:
        raise ValidationError("该令牌已吊销")
    with transaction.atomic():
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_record(action="token.revoke", target=token, actor=by, after={"revoked": True})
    return token


# ---------------------------------------------------------------------------- certificates, trainings


def certificate_add(*, by: User | None, officer: User, number: str, issuer: str, valid_from: date,
                    valid_to: date) -> EnforcementCertificate:
    if by is not None:
        authorize(by, "org.manage_certificates", officer.unit, action="certificate.add")
        if by.pk == officer.pk:
            raise Refused("不能为本人登记执法证", action="certificate.add", target=officer)
    cert = EnforcementCertificate(officer=officer, number=number.strip(), issuer=issuer.strip(),
                                  valid_from=valid_from, valid_to=valid_to)
    cert.full_clean()
    with transaction.atomic():
        cert.save()
        audit_record(action="certificate.add", target=cert, actor=by, after={
            "officer": officer.pk, "number": cert.number, "valid_from": valid_from, "valid_to": valid_to})
    return cert


def certificate_revoke(*, by: User, certificate: EnforcementCertificate,
                       reason: str) -> EnforcementCertificate:
    authorize(by, "org.manage_certificates", certificate.officer.unit, action="certificate.revoke")
    if certificate.revoked:
        raise ValidationError("该执法证已注销")
    if not reason.strip():
        raise ValidationError({"reason": "请填写注销原因"})
    with transaction.atomic():
        certificate.revoked = True
        certificate.save(update_fields=["revoked"])
        audit_record(action="certificate.revoke", target=certificate, actor=by, reason=reason.strip(),
                     before={"revoked": False}, after={"revoked": True})
    return certificate


def training_add(*, by: User | None, officer: User, title: str, held_on: date, hours: Any = 0,
                 organizer: str = "") -> Training:
    if by is not None:
        authorize(by, "org.manage_certificates", officer.unit, action="training.add")
    training = Training(officer=officer, title=title.strip(), held_on=held_on, hours=hours,
                        organizer=organizer.strip())
    training.full_clean()
    with transaction.atomic():
        training.save()
        audit_record(action="training.add", target=training, actor=by,
                     after={"officer": officer.pk, "title": training.title, "held_on": held_on,
                            "hours": training.hours})
    return training


def training_revoke(*, by: User, training: Training, reason: str) -> Training:
    authorize(by, "org.manage_certificates", training.officer.unit, action="training.revoke")
    if training.revoked:
        raise ValidationError("该培训记录已撤销")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销原因"})
    with transaction.atomic():
        training.revoked = True
        training.save(update_fields=["revoked"])
        audit_record(action="training.revoke", target=training, actor=by, reason=reason.strip(),
                     before={"revoked": False}, after={"revoked": True})
    return training
