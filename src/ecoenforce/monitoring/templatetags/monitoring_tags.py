"""{% compliance_strip entity %}: the 12-month compliance strip on the entity page; get_item filter."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ecoenforce.monitoring.selectors import alerts_for, compliance_strip

register = template.Library()


@register.inclusion_tag("monitoring/_strip.html", takes_context=True)
def monitoring_strip(context: Any, entity: Any) -> dict[str, Any]:
    user = context["request"].user
    strip = compliance_strip(entity.pk, user, timezone.localdate())
    recent = alerts_for(user).filter(entity_id=entity.pk)[:5]
    return {"strip": strip, "recent": recent, "entity": entity}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
