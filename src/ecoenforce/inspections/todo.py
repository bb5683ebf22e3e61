"""Inspections' lines on the home to-do panel: my field checks, and positive-list steps waiting for me."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ecoenforce.inspections import selectors
from ecoenforce.inspections.models import PositiveStatus
from ecoenforce.org.permissions import can
from ecoenforce.org.todo import TodoItem, register_todo


def items(user: Any) -> list[TodoItem]:
    out = []
    if can(user, "inspections.inspect"):
        tasks = selectors.my_tasks(user)  # assigned to this officer by name
        overdue = tasks.filter(due_on__lt=timezone.localdate()).count()
        url = reverse("inspections:tasks")
        out.append(TodoItem(f"检查任务已过期限 {overdue} 项", url, overdue, urgent=True))
        pending = tasks.count() - overdue
        out.append(TodoItem(f"待完成的现场检查任务 {pending} 项", url, pending))
    steps = (("inspections.positive_review", PositiveStatus.NOMINATED, "待审核"),
             ("inspections.positive_approve", PositiveStatus.REVIEWED, "待批准"))
    for perm, status, what in steps:
        if can(user, perm):
            n = selectors.positive_entries_for(user).filter(status=status).count()
            out.append(TodoItem(f"监管正面清单{what} {n} 家", reverse("inspections:positive"), n))
    return out


def register() -> None:
    register_todo("inspections", label="监督检查", items=items,
                  perms=("inspections.inspect", "inspections.positive_review",
                         "inspections.positive_approve"), order=20)
