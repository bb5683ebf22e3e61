"""The positive list (正面清单): criteria as data, nomination or application → legal review → approval →
publication, and automatic removal with notice when a trigger fires.

Other apps call `positive_list_remove(entity=..., trigger=..., ref=...)` (cases on filing, complaints
when verified, monitoring when a serious alert is confirmed); `positive_list_sweep` removes entries
whose permit has lapsed. Sources of the criteria and triggers: data/supervision_defaults.yaml.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity, MonitoringPoint
from ecoenforce.inspections.defaults import criteria
from ecoenforce.inspections.models import PositiveListEntry, PositiveStatus, RemovalTrigger
from ecoenforce.inspections.models_work import Inspection, InspectionResult, InspectionStatus
from ecoenforce.inspections.services import refuse
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize

OPEN = (PositiveStatus.NOMINATED, PositiveStatus.REVIEWED, PositiveStatus.APPROVED, PositiveStatus.PUBLISHED)


def _permit_valid(entity: Entity, day: date) -> bool:
    return entity.permits.filter(valid_from__lte=day, valid_to__gte=day).exists()


def _check(code: str, entity: Entity, day: date, spec: dict[str, Any]) -> bool:
    done = Inspection.objects.filter(
        entity=entity, status__in=[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED]
    )
    if code == "no_penalty":  # what this platform knows: problems found, removals for a filed case
        since = day - timedelta(days=365 * int(spec.get("look_back_years", 2)))
        removed = PositiveListEntry.objects.filter(
            entity=entity, removal_trigger=RemovalTrigger.CASE_FILED, removed_at__date__gte=since
        ).exists()
        found = done.filter(
            result__in=[InspectionResult.PROBLEM, InspectionResult.REFUSED], inspected_at__date__gte=since
        ).exists()
        return not removed and not found
    if code == "permit_valid":
        return _permit_valid(entity, day)
    if code == "monitoring_connected":
        return MonitoringPoint.objects.filter(outlet__entity=entity, active=True).exists()
    if code == "no_open_problem":
        last = done.order_by("-inspected_at", "-id").first()
        return last is None or last.result == InspectionResult.COMPLIANT
    raise ValueError(f"unknown positive-list criterion {code}")


def evaluate(entity: Entity, day: date | None = None) -> list[dict[str, Any]]:
    """Each criterion of the data file with whether the entity's record meets it."""
    day = day or timezone.localdate()
    return [
        {
            "code": c["code"],
            "label": c["label"],
            "source": c["source"],
            "met": _check(c["code"], entity, day, c),
        }
        for c in criteria()
    ]


def current_entry(entity: Entity) -> PositiveListEntry | None:
    return PositiveListEntry.objects.filter(entity=entity, status__in=OPEN).order_by("-id").first()


def positive_list_nominate(
    *, entity: Entity, by: User, how: str = "nomination", reason: str = ""
) -> PositiveListEntry:
    authorize(by, "inspections.positive_nominate", entity, action="positive_list.nominate")
    if how not in ("nomination", "application"):
        raise ValidationError("来源应为执法机构提名或企业申请")
    if current_entry(entity) is not None:
        refuse(
            by=by,
            action="positive_list.nominate",
            target=entity,
            message="该企业已在正面清单或正在审核中，不能重复提名",
        )
    results = evaluate(entity)
    unmet = [r["label"] for r in results if not r["met"]]
    if unmet:
        refuse(
            by=by,
            action="positive_list.nominate",
            target=entity,
            message="不符合纳入条件：" + "；".join(unmet),
        )
    entry = PositiveListEntry(
        entity=entity,
        unit=entity.owner_unit,
        status=PositiveStatus.NOMINATED,
        how=how,
        criteria=results,
        reason=(reason or "").strip(),
        nominated_by=by,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=by, action="positive_list.nominate", target=entry, after={"entity": entity.pk, "how": how}
        )
    return entry


def _step(
    entry: PositiveListEntry,
    *,
    by: User,
    perm: str,
    action: str,
    frm: str,
    to: str,
    approve: bool = True,
    reason: str = "",
    who: str = "",
) -> PositiveListEntry:
    authorize(by, perm, entry, action=action)
    with transaction.atomic():
        locked = PositiveListEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status == frm:
            before = locked.status
            locked.status = to if approve else PositiveStatus.REJECTED
            if who:
                setattr(locked, who, by)
            if reason:
                locked.reason = reason.strip()[:500]
            if locked.status == PositiveStatus.PUBLISHED:
                locked.published_at = timezone.now()
            locked.save()
            audit_record(
                actor=by,
                action=action,
                target=locked,
                before={"status": before},
                after={"status": locked.status, "reason": reason},
            )
            return locked
    refuse(
        by=by,
        action=action,
        target=entry,
        message=f"当前状态为“{entry.get_status_display()}”，不能执行此操作",
    )


def positive_list_review(
    *, entry: PositiveListEntry, approve: bool, reason: str = "", by: User
) -> PositiveListEntry:
    return _step(
        entry,
        by=by,
        perm="inspections.positive_review",
        action="positive_list.review",
        frm=PositiveStatus.NOMINATED,
        to=PositiveStatus.REVIEWED,
        approve=approve,
        reason=reason,
        who="reviewed_by",
    )


def positive_list_approve(
    *, entry: PositiveListEntry, approve: bool, reason: str = "", by: User
) -> PositiveListEntry:
    return _step(
        entry,
        by=by,
        perm="inspections.positive_approve",
        action="positive_list.approve",
        frm=PositiveStatus.REVIEWED,
        to=PositiveStatus.APPROVED,
        approve=approve,
        reason=reason,
        who="approved_by",
    )


def positive_list_publish(*, entry: PositiveListEntry, by: User) -> PositiveListEntry:
    return _step(
        entry,
        by=by,
        perm="inspections.positive_approve",
        action="positive_list.publish",
        frm=PositiveStatus.APPROVED,
        to=PositiveStatus.PUBLISHED,
    )


def removal_notice(entity: Entity, trigger: str, ref: str, day: date) -> str:
    label = RemovalTrigger(trigger).label
    basis = f"（{ref}）" if ref else ""
    return (
        f"{entity.name}：因{label}{basis}，自{day:%Y年%m月%d日}起移出生态环境监督执法正面清单，"
        "恢复常规现场检查和“双随机”抽查。"
    )


def positive_list_remove(
    *, entity: Entity, trigger: str, ref: str = "", by: User | None = None
) -> PositiveListEntry | None:
    """Remove the entity from the list (or stop its nomination) because `trigger` fired; with notice.

    Called by other apps; `by=None` is the platform itself. Returns None when it was not listed."""
    if trigger not in RemovalTrigger.values:
        raise ValidationError(f"未知的移出原因：{trigger}")
    if by is not None:
        authorize(by, "inspections.positive_nominate", entity, action="positive_list.remove")
    with transaction.atomic():
        entry = (
            PositiveListEntry.objects.select_for_update()
            .filter(entity=entity, status__in=OPEN)
            .order_by("-id")
            .first()
        )
        if entry is None:
            return None
        before = entry.status
        now = timezone.now()
        entry.status, entry.removed_at = PositiveStatus.REMOVED, now
        entry.removal_trigger, entry.removal_ref = trigger, (ref or "")[:100]
        entry.removal_notice = removal_notice(entity, trigger, entry.removal_ref, timezone.localdate(now))
        entry.save()
        audit_record(
            actor=by,
            actor_name="system",
            action="positive_list.remove",
            target=entry,
            before={"status": before},
            after={"trigger": trigger, "ref": entry.removal_ref, "notice": entry.removal_notice},
        )
    return entry


def positive_list_sweep(*, day: date | None = None) -> list[PositiveListEntry]:
    """Remove listed entities whose discharge permit is no longer valid (trigger: permit lapsed)."""
    day = day or timezone.localdate()
    removed = []
    for entry in PositiveListEntry.objects.filter(status=PositiveStatus.PUBLISHED).select_related("entity"):
        if not _permit_valid(entry.entity, day):
            done = positive_list_remove(
                entity=entry.entity,
                trigger=RemovalTrigger.PERMIT_LAPSED,
                ref=f"许可证有效期核查 {day:%Y-%m-%d}",
            )
            if done:
                removed.append(done)
    return removed


def on_case_filed(case: Any, by: Any) -> None:
    """cases' filing hook (registered in apps.ready): a case filed against a listed entity removes it.

    Removal trigger "被立案查处" (source: removal_triggers in data/supervision_defaults.yaml); the
    platform removes it (by=None) so the filing officer needs no positive-list permission."""
    entity = getattr(case, "entity", None)
    if entity is None:
        return
    ref = getattr(case, "number", "") or f"案件{case.pk}"
    positive_list_remove(entity=entity, trigger=RemovalTrigger.CASE_FILED, ref=ref)
