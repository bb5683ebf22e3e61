"""The only place that calls the cases and documents apps (floor 3 and 2, built in parallel).

Each call does nothing when its app is not installed, so inspections work alone; a finding is then
kept as the inspection's problem items (the recorded finding) until cases lands.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps

log = logging.getLogger(__name__)

SOURCE_RANDOM = "random inspection"
SOURCE_ONSITE = "on-site inspection"


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
    """Open a lead for the problems found; returns its reference ("" when cases is not installed)."""
    if not apps.is_installed("ecoenforce.cases"):
        return ""
    from ecoenforce.cases.services import lead_open

    kind = SOURCE_RANDOM if inspection.kind == "random" else SOURCE_ONSITE
    facts = "\n".join(f"{i.text}：{i.note}".strip("：") for i in problems)
    lead = lead_open(
        unit=inspection.unit,
        entity=inspection.entity,
        source_kind=kind,
        source_ref=str(inspection.pk),
        summary=f"现场检查发现{len(problems)}项问题",
        facts=facts,
        by=by,
    )
    return str(getattr(lead, "pk", lead))


def issue_record(*, inspection: Any, context: dict[str, Any], by: Any) -> Any:
    """The 现场检查（勘察）笔录 through the documents app; None when it is not installed."""
    if not apps.is_installed("ecoenforce.documents"):
        return None
    from ecoenforce.documents.services import document_issue

    return document_issue(
        kind="on-site inspection record",
        context=context,
        unit=inspection.unit,
        by=by,
        subject_type="inspections.inspection",
        subject_id=inspection.pk,
    )
