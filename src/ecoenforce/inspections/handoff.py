"""The only place that calls the cases and documents apps (floor 3 and 2, built in parallel).

Each call does nothing when its app is not installed, so inspections work alone; a finding is then
kept as the inspection's problem items (the recorded finding) until cases lands.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps

log = logging.getLogger(__name__)

SOURCE_RANDOM = "random_inspection"  # the registry allows [a-z][a-z0-9_.-]{0,31}
SOURCE_ONSITE = "onsite_inspection"
RECORD_KIND = "inspection_record"  # documents/data/kinds.yaml: 现场检查（勘察）笔录


def register_lead_sources() -> None:
    """Called from AppConfig.ready: the two lead source kinds this app produces."""
    if not apps.is_installed("ecoenforce.cases"):
        return
    from ecoenforce.cases.registry import register_lead_source

    def url_for(ref: str) -> str:
        return f"/inspections/{ref}/"

    register_lead_source(SOURCE_RANDOM, label="双随机抽查发现问题", url_for=url_for)
    register_lead_source(SOURCE_ONSITE, label="现场检查发现问题", url_for=url_for)


def open_lead(*, inspection: Any, problems: list[Any], by: Any) -> str:
    """Open a lead for the problems found (or the refusal); returns its id ("" without cases).

    The lead goes to the entity's own unit (jurisdiction by the place of the violation, so a cross
    inspection's finding reaches the competent unit); the officer opens it when he may act there,
    otherwise the platform does (by=None), the inspection record being the source."""
    if not apps.is_installed("ecoenforce.cases"):
        return ""
    from ecoenforce.cases.services import lead_open
    from ecoenforce.org.permissions import can

    unit = inspection.entity.owner_unit
    kind = SOURCE_RANDOM if inspection.kind == "random" else SOURCE_ONSITE
    refused = inspection.result == "refused"
    summary = "当事人拒绝、阻挠检查" if refused else f"现场检查发现{len(problems)}项问题"
    facts = {
        "inspection": inspection.pk,
        "inspected_at": inspection.inspected_at.isoformat() if inspection.inspected_at else "",
        "refused": refused,
        "refusal_note": inspection.refusal_note,
        "problems": [{"text": i.text, "note": i.note, "basis": i.basis} for i in problems],
    }
    lead = lead_open(
        unit=unit,
        entity=inspection.entity,
        source_kind=kind,
        source_ref=str(inspection.pk),
        summary=summary,
        facts=facts,
        by=by if can(by, "cases.lead_open", unit) else None,
    )
    return str(lead.pk)


def issue_record(*, inspection: Any, context: dict[str, Any], by: Any) -> Any:
    """The 现场检查（勘察）笔录 through the documents app (DOCX/PDF, digest, verification code); None
    when it is not installed. Issued by the submitting officer, or a team member who may issue for
    the inspecting unit; a retry returns the document issued the first time."""
    if not apps.is_installed("ecoenforce.documents"):
        return None
    from ecoenforce.documents.services import document_issue
    from ecoenforce.org.permissions import can

    unit = inspection.unit
    issuers = [by, *inspection.officers.exclude(pk=by.pk)]
    issuer = next((u for u in issuers if can(u, "documents.issue", unit)), None)
    if issuer is None:
        log.warning("inspection %s: no team member may issue documents for unit %s", inspection.pk, unit.pk)
        return None
    return document_issue(
        kind=RECORD_KIND,
        context=context,
        unit=unit,
        by=issuer,
        subject_type="inspections.inspection",
        subject_id=inspection.pk,
        idempotency_key=f"inspection-record-{inspection.pk}",
    )
