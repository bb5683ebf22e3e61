"""Login, logout, failed logins and lockouts go to the audit trail (等保三级 安全审计)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(action="auth.login", target=user, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit_record(action="auth.logout", target=user, actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        audit_record(
            action="auth.login_failed",
            target=("org.user", "", username),
            outcome=Outcome.FAILED,
            actor_name=username or "anonymous",
            reason="用户名或密码错误",
        )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str = "", ip_address: str = "",
                **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(
            action="auth.locked_out",
            target=("org.user", "", username),
            outcome=Outcome.REFUSED,
            actor_name=username or "anonymous",
            reason="连续登录失败次数超过上限，账户已被临时锁定",
        )
