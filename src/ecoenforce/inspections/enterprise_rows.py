"""What the enterprise service shows an entity of its own supervision: the results of inspections it
has signed for (submitted or published), the problems found with the law behind each, the
re-inspections scheduled, and its passage through the positive list. Registered from
InspectionsConfig.ready() when the enterprise app is installed; nothing internal (officers' notes on
the draw, plans, leads) is shown."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from ecoenforce.inspections.models import PositiveListEntry, PositiveStatus
from ecoenforce.inspections.models_work import (
    Inspection,
    InspectionKind,
    InspectionStatus,
    Outcome,
)


def inspection_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    done = (
        Inspection.objects.filter(
            entity=entity, status__in=[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED]
        )
        .prefetch_related("items")
        .order_by("-inspected_at", "-id")[:50]
    )
    followups = {
        f.previous_id: f
        for f in Inspection.objects.filter(
            entity=entity, kind=InspectionKind.REINSPECTION, status=InspectionStatus.ASSIGNED
        ).exclude(previous=None)
    }
    rows = []
    for i in done:
        problems = [it for it in i.items.all() if it.outcome == Outcome.PROBLEM]
        details = {
            f"问题{n}": f"{p.text}{'：' + p.note if p.note else ''}" for n, p in enumerate(problems, 1)
        }
        if i.handling:
            details["处理情况"] = i.handling
        again = followups.get(i.pk)
        when = i.inspected_at.date().isoformat() if i.inspected_at else ""
        rows.append(
            Row(
                title=f"{i.get_kind_display()} {when}".strip(),
                status=i.get_result_display() or i.get_status_display(),
                deadline=again.due_on if again is not None else None,
                deadline_label="复查日期",
                legal_basis="；".join(dict.fromkeys(p.basis for p in problems if p.basis)),
                subject_type="inspections.inspection",
                subject_id=str(i.pk),
                details=details,
                answerable=bool(problems),
            )
        )
    return rows


def positive_rows(entity: Any) -> list[Any]:
    from ecoenforce.enterprise.providers import Row

    rows = []
    for e in PositiveListEntry.objects.filter(entity=entity).order_by("-nominated_at", "-id")[:10]:
        details = {"来源": "企业申请" if e.how == "application" else "执法机构提名"}
        if e.status == PositiveStatus.REJECTED and e.reason:
            details["说明"] = e.reason
        if e.removal_notice:
            details["移出告知"] = e.removal_notice
        rows.append(
            Row(
                title=f"正面清单 {e.nominated_at:%Y-%m-%d}",
                status=e.get_status_display(),
                subject_type="inspections.positive",
                subject_id=str(e.pk),
                details=details,
            )
        )
    return rows


def register() -> None:
    if not apps.is_installed("ecoenforce.enterprise"):
        return
    from ecoenforce.enterprise.providers import register_provider

    register_provider("inspections", label="现场检查结果", rows=inspection_rows)
    register_provider("positive_list", label="监督执法正面清单", rows=positive_rows)
