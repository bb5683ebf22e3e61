"""The cases' lines on the home to-do panel; each links to the cases to-do list or the deadline board."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from ecoenforce.cases import clocks, selectors
from ecoenforce.cases.daycount import DueState
from ecoenforce.org.todo import TodoItem, register_todo


def items(user: Any) -> list[TodoItem]:
    today = timezone.localdate()
    todo = selectors.todo_for(user, today)  # scoped to the jurisdiction; lists capped at 20 rows
    states = [clocks.state_of(d, today) for d in todo["deadlines"]]
    overdue = sum(1 for s in states if s == DueState.OVERDUE)
    soon = sum(1 for s in states if s == DueState.SOON)
    todo_url, board_url = reverse("cases:todo"), reverse("cases:deadlines")
    nearest = [  # the five nearest clocks of my cases, each linking to its case
        TodoItem(f"{d.case.number or '（待立案）'} {d.label} {d.due_on:%Y-%m-%d}（{clocks.STATE_LABELS[s]}）",
                 reverse("cases:detail", args=[d.case_id]), urgent=s in (DueState.OVERDUE, DueState.SOON))
        for d, s in list(zip(todo["deadlines"], states, strict=True))[:5]
    ]
    return [
        TodoItem(f"承办期限已逾期 {overdue} 项", board_url, overdue, urgent=True),
        TodoItem(f"承办期限即将到期 {soon} 项", board_url, soon, urgent=True),
        TodoItem(f"我承办的在办案件 {len(todo['mine'])} 件", todo_url, len(todo["mine"])),
        TodoItem(f"待我审核、审批的案件 {len(todo['waiting'])} 件", todo_url, len(todo["waiting"])),
        TodoItem(f"待研判的案源线索 {len(todo['leads'])} 条", todo_url, len(todo["leads"])),
        *nearest,
    ]


def register() -> None:
    register_todo("cases", label="案件办理", items=items, perms=("cases.view",), order=10)
