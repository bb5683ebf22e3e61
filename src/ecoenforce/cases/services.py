"""Writes on leads (线索). Case writes are in case_services.py and transitions.py.

`lead_open` is the one door other apps (inspections, monitoring, complaints) use to start a case;
its signature is a contract with them: keep it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases import deadlines, registry
from ecoenforce.cases.files import check_files
from ecoenforce.cases.models import Lead, LeadAttachment, LeadStatus
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import Refused, authorize


def lead_snapshot(lead: Lead) -> dict[str, Any]:
    return {
        "unit": lead.unit_id,
        "entity": lead.entity_id,
        "source_kind": lead.source_kind,
        "source_ref": lead.source_ref,
        "summary": lead.summary,
        "status": lead.status,
        "triage_due": lead.triage_due.isoformat() if lead.triage_due else None,
        "decision_reason": lead.decision_reason,
        "transfer_to": lead.transfer_to,
    }


def _clean_text(value: object, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def _same_territory(unit: Unit, owner: Unit) -> bool:
    return owner.is_within(unit) or unit.is_within(owner)


def lead_open(
    *,
    unit: Unit,
    entity: Any,
    source_kind: str,
    source_ref: str,
    summary: str,
    facts: dict[str, Any],
    by: Any = None,
    attachments: Iterable[Any] = (),
) -> Lead:
    """Open a lead, or return the one already opened for (source_kind, source_ref); audited.

    `by` None means a system source (monitoring rules, the public complaint portal); a user must
    hold cases.lead_open on `unit`. The triage clock starts on the day the lead is received.
    """
    if by is not None:
        authorize(by, "cases.lead_open", unit, action="cases.lead_open")
    if registry.lead_source(source_kind) is None:
        raise ValidationError({"source_kind": f"未登记的线索来源「{source_kind}」"})
    source_ref = _clean_text(source_ref, 100)
    existing = Lead.objects.filter(source_kind=source_kind, source_ref=source_ref).first()
    if existing is not None:
        return existing
    if entity is not None and not _same_territory(unit, entity.owner_unit):
        # 《生态环境行政处罚办法》第十三条: jurisdiction by the place of the violation
        raise ValidationError({"entity": "当事人不在承办单位辖区内（由违法行为发生地主管部门管辖）"})
    files = check_files(attachments)
    today = timezone.localdate()
    lead = Lead(
        unit=unit,
        entity=entity,
        source_kind=source_kind,
        source_ref=source_ref,
        summary=_clean_text(summary, 500),
        facts=dict(facts or {}),
        received_on=today,
        triage_due=deadlines.due_date("triage", today),
        triage_source=deadlines.clock("triage").source[:200],
        created_by=by,
    )
    if not source_ref:
        raise ValidationError({"source_ref": "来源编号不能为空"})
    lead.full_clean(validate_constraints=False)  # the unique source is settled by the insert
    try:
        with transaction.atomic():
            lead.save()
            for f in files:
                LeadAttachment.objects.create(
                    lead=lead,
                    name=f.name,
                    file=f.django_file(),
                    size=f.size,
                    content_type=f.content_type,
                    sm3=f.sm3,
                )
            audit_record(
                actor=by,
                actor_name="system",
                action="cases.lead_open",
                target=lead,
                after=lead_snapshot(lead),
            )
    except IntegrityError:  # a concurrent call with the same source won
        found = Lead.objects.filter(source_kind=source_kind, source_ref=source_ref).first()
        if found is None:
            raise
        return found
    return lead


def lead_decline(*, lead: Lead, reason: str, by: Any) -> Lead:
    """不予立案 with the reason (recorded, shown to the source)."""
    return _lead_close(
        lead=lead, by=by, status=LeadStatus.NOT_FILED, reason=reason, action="cases.lead_decline"
    )


def lead_transfer(*, lead: Lead, to: str, reason: str, by: Any) -> Lead:
    """移送: the matter belongs to another agency."""
    to = _clean_text(to, 100)
    if not to:
        raise ValidationError({"transfer_to": "请填写移送机关"})
    return _lead_close(
        lead=lead,
        by=by,
        status=LeadStatus.TRANSFERRED,
        reason=reason,
        action="cases.lead_transfer",
        transfer_to=to,
    )


def _lead_close(*, lead: Lead, by: Any, status: str, reason: str, action: str, transfer_to: str = "") -> Lead:
    reason = _clean_text(reason, 2000)
    if not reason:
        raise ValidationError({"decision_reason": "请填写研判意见（理由）"})
    with transaction.atomic():
        authorize(by, "cases.lead_triage", lead.unit, action=action)
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status != LeadStatus.OPEN:
            raise ValidationError({"status": f"该线索已{locked.get_status_display()}，不能重复研判"})
        before = lead_snapshot(locked)
        locked.status, locked.decision_reason, locked.transfer_to = status, reason, transfer_to
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            actor=by, action=action, target=locked, before=before, after=lead_snapshot(locked), reason=reason
        )
    return locked


__all__ = ["Refused", "lead_decline", "lead_open", "lead_transfer"]
