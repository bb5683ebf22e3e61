"""Every call from complaints and enterprise service into cases and inspections lives here.

Each does nothing (returns "") while the other app is not installed in this deployment, so the
complaint flow works alone: a verification is then recorded on the complaint itself. Nothing of the
reporter's identity is ever handed over (the Code's art 146).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)

CASES = "ecoenforce.cases"
INSPECTIONS = "ecoenforce.inspections"


def installed(app: str) -> bool:
    return apps.is_installed(app)


def _complaint_url(ref: str) -> str:
    try:
        return reverse("complaints:by-number", args=[ref])
    except NoReverseMatch:
        return ""


def register() -> None:
    """Register "complaint" as a lead source with cases (called from AppConfig.ready)."""
    if not installed(CASES):
        return
    from ecoenforce.cases.registry import register_lead_source  # type: ignore[import-not-found,unused-ignore]

    register_lead_source("complaint", label="投诉举报", url_for=_complaint_url)


def open_lead(complaint: Any, *, by: Any) -> str:
    """A verified complaint opens a lead (source kind "complaint"); returns the lead's reference.

    The facts handed over are the matter itself: never the reporter (the Code's art 146)."""
    if not installed(CASES):
        return ""
    from ecoenforce.cases.services import lead_open  # type: ignore[import-not-found,unused-ignore]

    facts = {
        "category": complaint.get_category_display(),
        "place": complaint.address,
        "division_code": complaint.division_code,
        "finding": complaint.get_finding_display(),
        "verification": complaint.verification,
        "received_at": complaint.received_at.date().isoformat(),
    }
    lead = lead_open(
        unit=complaint.unit,
        entity=complaint.entity,
        source_kind="complaint",
        source_ref=complaint.number,
        summary=f"投诉举报{complaint.number}：{complaint.get_category_display()}，{complaint.address}"[:500],
        facts=facts,
        by=by,
    )
    return str(lead.pk)


def request_inspection(complaint: Any, *, officers: Any = (), by: Any) -> str:
    """The on-site verification as an inspection task (inspections app), when the reported entity is
    known and at least two officers are named; otherwise "" and the officer records the verification
    on the complaint itself."""
    if not installed(INSPECTIONS) or complaint.entity is None or not officers:
        return ""
    from ecoenforce.inspections.onsite import inspection_create  # type: ignore[import-not-found,unused-ignore]

    inspection = inspection_create(
        unit=complaint.unit,
        entity=complaint.entity,
        kind="planned",
        officers=list(officers),
        by=by,
        due_on=complaint.handle_due,
    )
    return str(inspection.pk)


def positive_list_apply(entity: Any, *, reason: str, by: Any) -> str:
    """An enterprise's application for the positive list (正面清单): it enters inspections' workflow
    (legal review, approval, publication by staff); returns the entry's id, "" without inspections.
    A refusal (already listed, criteria not met) is raised as ValidationError in Chinese."""
    if not installed(INSPECTIONS):
        return ""
    from ecoenforce.inspections.positive_application import (  # type: ignore[import-not-found,unused-ignore]
        positive_list_apply as apply,
    )

    return str(apply(entity=entity, reason=reason, by=by).pk)
