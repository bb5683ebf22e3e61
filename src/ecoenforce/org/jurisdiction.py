"""Jurisdiction: the set of units (a subtree) whose data a user may see and act on.

Every selector filters through `scope`. The filter is the user's unit subtree OR any active
AccessGrant given to that unit (a cross inspection, a case taken over by a superior), so features
that need access beyond the subtree only create grants.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from ecoenforce.org.models import AccessGrant, Unit

M = TypeVar("M", bound=Model)


def _active_grants(user: Any, *, write: bool) -> QuerySet[AccessGrant]:
    today = date.today()
    qs = AccessGrant.objects.filter(unit_id=user.unit_id, valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    return qs.filter(can_write=True) if write else qs


def unit_q(user: Any, field: str, *, model_label: str = "", write: bool = False) -> Q:
    """A Q over `field` (a path to a Unit FK, e.g. "owner_unit") limiting rows to the jurisdiction."""
    unit = getattr(user, "unit", None)
    if not getattr(user, "is_authenticated", False) or unit is None:
        return Q(pk__in=[])
    prefix = f"{field}__" if field else ""
    q = Q(**{f"{prefix}path__startswith": unit.path})
    for grant in _active_grants(user, write=write).select_related("target_unit"):
        if grant.target_unit is not None:
            q |= Q(**{f"{prefix}path__startswith": grant.target_unit.path})
        elif grant.object_id is not None and grant.model_label == model_label:
            q |= Q(pk=grant.object_id)
    return q


def scope(qs: QuerySet[M], user: Any, field: str = "owner_unit", *, write: bool = False) -> QuerySet[M]:
    return qs.filter(unit_q(user, field, model_label=qs.model._meta.label_lower, write=write))


def visible_units(user: Any) -> QuerySet[Unit]:
    return scope(Unit.objects.all(), user, field="")


def unit_of(obj: Any) -> Unit | None:
    if isinstance(obj, Unit):
        return obj
    for attr in ("owner_unit", "unit"):
        value = getattr(obj, attr, None)
        if isinstance(value, Unit):
            return value
    return None


def in_jurisdiction(user: Any, obj: Any, *, write: bool = False) -> bool:
    unit = getattr(user, "unit", None)
    target = unit_of(obj)
    if unit is None or target is None:
        return False
    if target.is_within(unit):
        return True
    for grant in _active_grants(user, write=write).select_related("target_unit"):
        if grant.target_unit is not None and target.is_within(grant.target_unit):
            return True
        if grant.object_id == getattr(obj, "pk", None) and grant.model_label == obj._meta.label_lower:
            return True
    return False
