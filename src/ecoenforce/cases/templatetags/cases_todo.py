"""The to-do hook for the home dashboard: `{% load cases_todo %}{% cases_todo_card %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ecoenforce.cases import clocks, selectors

register = template.Library()


@register.inclusion_tag("cases/_todo_card.html", takes_context=True)
def cases_todo_card(context: Any) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.has_perm("cases.view"):
        return {"show": False}
    today = timezone.localdate()
    todo = selectors.todo_for(user, today)
    rows = [clocks.describe(d, today) for d in todo["deadlines"][:5]]
    overdue = sum(1 for r in rows if r["state"] == "overdue")
    return {
        "show": True,
        "rows": rows,
        "overdue": overdue,
        "mine": len(todo["mine"]),
        "waiting": len(todo["waiting"]),
        "leads": len(todo["leads"]),
    }
