"""`{% entity_inspections_section entity %}`: the entity page's section listing its inspections."""

from __future__ import annotations

from typing import Any

from django import template

from ecoenforce.inspections import positive, selectors

register = template.Library()


@register.inclusion_tag("inspections/_entity_inspections.html", takes_context=True)
def entity_inspections_section(context: dict[str, Any], entity: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "entity_inspections": selectors.entity_inspections(user, entity)[:50],
        "positive_entry": positive.current_entry(entity),
    }
