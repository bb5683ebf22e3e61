"""{% compliance_strip entity %}: the 12-month compliance strip on the entity page; get_item filter."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ecoenforce.entities.models import MonitoringPoint
from ecoenforce.monitoring.selectors import alerts_for, compliance_strip

register = template.Library()


@register.inclusion_tag("monitoring/_strip.html", takes_context=True)
def monitoring_strip(context: Any, entity: Any) -> dict[str, Any]:
    user = context["request"].user
    recent = list(alerts_for(user).filter(entity_id=entity.pk)[:5])
    # An entity without monitoring points has no strip: twelve green months would claim compliance.
    show = bool(recent) or MonitoringPoint.objects.filter(outlet__entity_id=entity.pk).exists()
    strip = compliance_strip(entity.pk, user, timezone.localdate()) if show else []
    return {"strip": strip, "recent": recent, "entity": entity, "show": show}


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
