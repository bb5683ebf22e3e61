"""Complaints' lines on the home to-do panel: reports to dispatch, verify and answer, and overdue ones."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ecoenforce.complaints import selectors
from ecoenforce.complaints.models import Status
from ecoenforce.org.permissions import can
from ecoenforce.org.todo import TodoItem, register_todo

# (permission, status that waits for its holder, what the panel says)
STEPS = (
    ("complaints.dispatch", Status.RECEIVED, "待交办"),
    ("complaints.verify", Status.DISPATCHED, "待核查"),
    ("complaints.reply", Status.VERIFIED, "待答复"),
)


def items(user: Any) -> list[TodoItem]:
    qs = selectors.complaints_for(user)  # scoped to the jurisdiction
    url = reverse("complaints:list")
    out = []
    handles = [perm for perm, _, _ in STEPS if can(user, perm)]
    if handles:
        overdue = (qs.exclude(status__in=[Status.CLOSED, Status.MERGED])
                   .filter(handle_due__lt=timezone.localdate()).count())
        out.append(TodoItem(f"超过办结期限的投诉举报 {overdue} 件", f"{url}?overdue=1", overdue, urgent=True))
    for perm, status, what in STEPS:
        if perm in handles:
            n = qs.filter(status=status).count()
            out.append(TodoItem(f"投诉举报{what} {n} 件", f"{url}?status={status.value}", n))
    return out


def register() -> None:
    register_todo("complaints", label="投诉举报", items=items, perms=tuple(p for p, _, _ in STEPS), order=25)
