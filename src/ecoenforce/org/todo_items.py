"""org's own lines on the home to-do panel: enforcement certificates to renew (执法证换证)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ecoenforce.org.selectors import EXPIRING_DAYS, certificates_expiring
from ecoenforce.org.todo import TodoItem, register_todo


def items(user: Any) -> list[TodoItem]:
    today = timezone.localdate()
    expired = certificates_expiring(user, within_days=-1, today=today).count()  # scoped to the jurisdiction
    soon = certificates_expiring(user, today=today, include_expired=False).count()
    url = reverse("org:people") + "?status=expiring"
    return [
        TodoItem(f"执法证已过期未换证 {expired} 本", url, expired, urgent=True),
        TodoItem(f"{EXPIRING_DAYS}天内到期的执法证 {soon} 本", url, soon),
    ]


def register() -> None:
    register_todo("org.certificates", label="执法证管理", items=items, perms=("org.manage_certificates",),
                  order=50)
