"""`{% entity_penalties_section entity %}`: the entity page's recorded penalty decisions (when any)."""

from __future__ import annotations

from typing import Any

from django import template

from ecoenforce.org.jurisdiction import scope
from ecoenforce.penalty.models import DecidedPenalty

register = template.Library()


@register.inclusion_tag("penalty/_entity_decisions.html", takes_context=True)
def entity_penalties_section(context: dict[str, Any], entity: Any) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("catalog.compute_penalty"):
        return {"decisions": []}
    rows = scope(DecidedPenalty.objects.filter(entity=entity), user, field="unit").select_related("unit")
    return {"decisions": list(rows.order_by("-decided_on", "-pk")[:50])}
