"""An enterprise's own application for the positive list (正面清单): the entry point the enterprise
service calls (complaints/handoff.py). It enters the same workflow as a staff nomination
(positive.py: legal review → approval → publication), marked how="application".

The enterprise service has already checked that `by` is the approved account bound to `entity`;
here the role is checked again and the criteria of the data file (data/supervision_defaults.yaml)
are evaluated exactly as for a nomination, so an application that cannot succeed is refused at
once, with the criteria it does not meet.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity
from ecoenforce.inspections.models import PositiveListEntry, PositiveStatus
from ecoenforce.inspections.positive import current_entry, evaluate
from ecoenforce.inspections.services import refuse
from ecoenforce.org.permissions import authorize

ACTION = "positive_list.apply"


def positive_list_apply(*, entity: Entity, reason: str, by: Any) -> PositiveListEntry:
    authorize(by, "enterprise.self_service", action=ACTION)
    if current_entry(entity) is not None:
        refuse(
            by=by, action=ACTION, target=entity, message="本企业已在正面清单内或申请正在审核中，不能重复申请"
        )
    results = evaluate(entity)
    unmet = [r["label"] for r in results if not r["met"]]
    if unmet:
        refuse(by=by, action=ACTION, target=entity, message="暂不符合纳入条件：" + "；".join(unmet))
    entry = PositiveListEntry(
        entity=entity,
        unit=entity.owner_unit,
        status=PositiveStatus.NOMINATED,
        how="application",
        criteria=results,
        reason=(reason or "").strip()[:500],
        nominated_by=by,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        audit_record(actor=by, action=ACTION, target=entry, after={"entity": entity.pk, "how": "application"})
    return entry
