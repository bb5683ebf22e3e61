"""Reads, always within the reader's jurisdiction (or, for an inspection, its own team)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from ecoenforce.audit.models import Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.inspections.models import DrawPlan, PositiveListEntry
from ecoenforce.inspections.models_work import Campaign, Inspection, InspectionPlan, InspectionStatus
from ecoenforce.org.jurisdiction import scope, unit_q

M = TypeVar("M", bound=Model)


def inspections_for(user: Any) -> QuerySet[Inspection]:
    visible = unit_q(user, "unit", model_label="inspections.inspection") | unit_q(
        user, "entity__owner_unit", model_label="inspections.inspection"
    )
    if getattr(user, "is_authenticated", False):
        visible |= Q(officers=user)
    ids = Inspection.objects.filter(visible).values("pk")
    return Inspection.objects.filter(pk__in=ids).select_related("entity", "unit", "draw_plan", "campaign")


def my_tasks(user: Any) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(officers=user, status=InspectionStatus.ASSIGNED)
        .select_related("entity", "unit")
        .order_by("due_on", "id")
    )


def get_or_404(qs: QuerySet[M], pk: Any, *, user: Any, action: str) -> M:
    """One row of a scoped queryset; an existing row outside it is recorded as refused and answers 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = qs.filter(pk=pk).first()
    if found is not None:
        return found
    other = qs.model._default_manager.filter(pk=pk).first()
    if other is not None:
        with transaction.atomic():
            audit_record(
                actor=user,
                action=action,
                target=other,
                outcome=Outcome.REFUSED,
                reason="不在辖区内（按不存在处理）",
            )
    raise Http404


def draw_plans_for(user: Any) -> QuerySet[DrawPlan]:
    return scope(DrawPlan.objects.select_related("unit"), user, "unit")


def positive_entries_for(user: Any) -> QuerySet[PositiveListEntry]:
    return scope(PositiveListEntry.objects.select_related("entity", "unit"), user, "unit")


def inspection_plans_for(user: Any) -> QuerySet[InspectionPlan]:
    return scope(InspectionPlan.objects.select_related("unit"), user, "unit")


def campaigns_for(user: Any) -> QuerySet[Campaign]:
    return scope(Campaign.objects.select_related("unit"), user, "unit")


def entity_inspections(user: Any, entity: Any) -> QuerySet[Inspection]:
    return inspections_for(user).filter(entity=entity).order_by("-inspected_at", "-id")
