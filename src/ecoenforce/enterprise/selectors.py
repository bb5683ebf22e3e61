"""Reads for staff: the queries put to entities in the user's jurisdiction (by the entity's unit)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ecoenforce.enterprise.models import EnterpriseQuery, Evidence
from ecoenforce.org.jurisdiction import scope


def queries_for(user: Any) -> QuerySet[EnterpriseQuery]:
    return scope(EnterpriseQuery.objects.select_related("entity"), user, "entity__owner_unit")


def queries_about(user: Any, subject_type: str, subject_id: Any) -> list[EnterpriseQuery]:
    """The queries about one thing (e.g. a monitoring alert), with their answers, for its page."""
    return list(queries_for(user).filter(subject_type=subject_type, subject_id=str(subject_id)))


def query_get_for(user: Any, pk: Any) -> EnterpriseQuery:
    query = queries_for(user).filter(pk=pk).first()
    if query is None:
        raise Http404
    return query


def attachments_of(query: EnterpriseQuery) -> list[Evidence]:
    return list(
        Evidence.objects.filter(
            entity_id=query.entity_id, subject_type="enterprise.query", subject_id=str(query.pk)
        )
    )


def evidence_get_for_staff(user: Any, pk: Any) -> Evidence:
    ev = scope(Evidence.objects.all(), user, "entity__owner_unit").filter(pk=pk).first()
    if ev is None:
        raise Http404
    return ev


SUBJECT_LABELS = {
    "cases.measure": "责令改正",
    "inspections.inspection": "现场检查发现的问题",
    "enterprise.query": "问询答复",
    "general": "其他",
}


def evidence_for_staff(user: Any) -> QuerySet[Evidence]:
    """Rectification evidence entities of the jurisdiction uploaded, newest first."""
    return scope(Evidence.objects.select_related("entity"), user, "entity__owner_unit")
