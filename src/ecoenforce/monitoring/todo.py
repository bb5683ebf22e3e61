"""Online monitoring's line on the home to-do panel: alerts nobody has checked yet."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ecoenforce.monitoring import selectors
from ecoenforce.monitoring.models import AlertStatus
from ecoenforce.org.todo import TodoItem, register_todo


def items(user: Any) -> list[TodoItem]:
    n = selectors.alerts_for(user).filter(status=AlertStatus.NEW).count()  # scoped to the jurisdiction
    url = reverse("monitoring:alerts") + f"?status={AlertStatus.NEW.value}"
    return [TodoItem(f"在线监控告警待核实 {n} 条", url, n)]


def register() -> None:
    register_todo("monitoring", label="在线监控", items=items, perms=("monitoring.handle_alert",), order=22)
