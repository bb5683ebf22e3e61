"""`{% entity_cases_section entity %}`: the entity page's cases (shown only when there are some)."""

from __future__ import annotations

from typing import Any

from django import template

from ecoenforce.cases import selectors

register = template.Library()


@register.inclusion_tag("cases/_entity_cases.html", takes_context=True)
def entity_cases_section(context: dict[str, Any], entity: Any) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("cases.view"):
        return {"entity_cases": []}
    rows = selectors.cases_for(user).filter(entity=entity).order_by("-act_date", "-id")  # scoped
    return {"entity_cases": list(rows[:50])}
