"""The audit administrator's line on the home to-do panel: today's refused operations to look at."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.selectors import EventFilter, events_for
from ecoenforce.org.todo import TodoItem, register_todo


def items(user: Any) -> list[TodoItem]:
    today = timezone.localdate()
    n = events_for(user, EventFilter(since=today, outcome=Outcome.REFUSED)).count()  # scoped
    url = reverse("audit:events") + f"?since={today.isoformat()}&outcome={Outcome.REFUSED.value}"
    return [TodoItem(f"今日被拒绝的操作 {n} 次，待查看", url, n)]


def register() -> None:
    register_todo("audit.refusals", label="安全审计", items=items, perms=("audit.view",), order=70)
