"""On-site inspections: creating tasks (plan, campaign, cross, joint, re-inspection) and the one
submission of an inspection record — idempotent on the client's key, all-or-nothing, audited."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.models import Entity
from ecoenforce.inspections import checklist, handoff
from ecoenforce.inspections.evidence import LAT, LON, check_photo, check_signature, coordinate
from ecoenforce.inspections.models_work import (
    Campaign,
    Evidence,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionResult,
    InspectionStatus,
    Outcome,
    Signature,
    SignerRole,
)
from ecoenforce.inspections.pool import officers_of
from ecoenforce.inspections.services import refuse
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize

KEY_CHARS = frozenset("0123456789abcdefABCDEF-")


def set_items(inspection: Inspection, items: Sequence[dict[str, str]]) -> None:
    InspectionItem.objects.bulk_create(
        [InspectionItem(inspection=inspection, order=i, **item) for i, item in enumerate(items, 1)]
    )


def _check_officers(unit: Unit, officers: Sequence[User]) -> None:
    valid = {u.pk for u in officers_of(unit, timezone.localdate()).values()}
    if len({o.pk for o in officers}) < 2:
        raise ValidationError("现场检查至少应有2名执法人员（《行政处罚法》第四十二条）")
    bad = [o.display_name for o in officers if o.pk not in valid]
    if bad:
        raise ValidationError(f"以下人员无本单位有效执法证，不能参加检查：{'、'.join(bad)}")


def inspection_create(
    *,
    unit: Unit,
    entity: Entity,
    kind: str,
    officers: Sequence[User],
    by: User,
    due_on: date | None = None,
    campaign: Campaign | None = None,
    partners: Sequence[str] = (),
    previous: Inspection | None = None,
    plan_task: Any = None,
) -> Inspection:
    """A planned, campaign, cross, joint or re-inspection task. Cross inspections need an AccessGrant
    (org) that lets `unit` write on the entity's unit; joint ones record the partner agencies."""
    authorize(by, "inspections.plan", unit, action="inspection.create")
    authorize(by, "inspections.plan", entity, action="inspection.create")
    if kind not in InspectionKind.values or kind == InspectionKind.RANDOM:
        raise ValidationError("检查类型不正确（双随机抽查任务只能由抽取产生）")
    if kind == InspectionKind.JOINT and not [p for p in partners if p.strip()]:
        raise ValidationError("联合执法检查须写明参加的部门")
    if kind == InspectionKind.REINSPECTION and (previous is None or previous.entity_id != entity.pk):
        raise ValidationError("复查须指明同一企业此前的检查")
    _check_officers(unit, officers)
    if previous is not None:
        items = [
            {"code": i.code, "category": i.category, "text": i.text, "basis": i.basis}
            for i in previous.items.filter(outcome=Outcome.PROBLEM)
        ]
        if not items:
            raise ValidationError("此前的检查没有存在问题的检查项，无需复查")
    else:
        items = checklist.build(entity, timezone.localdate(), campaign.checklist if campaign else None)
    inspection = Inspection(
        unit=unit,
        entity=entity,
        kind=kind,
        due_on=due_on,
        campaign=campaign,
        partners=[p.strip() for p in partners if p.strip()],
        previous=previous,
        plan_task=plan_task,
    )
    inspection.full_clean()
    with transaction.atomic():
        inspection.save()
        inspection.officers.set(officers)
        set_items(inspection, items)
        audit_record(
            actor=by,
            action="inspection.create",
            target=inspection,
            after={
                "kind": kind,
                "entity": entity.pk,
                "officers": sorted(o.pk for o in officers),
                "partners": inspection.partners,
                "items": len(items),
            },
        )
    return inspection


@dataclass
class Submission:
    """What the phone form sends (all of it at once, possibly replayed from the offline queue)."""

    idempotency_key: str
    certificate_shown: bool
    items: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (outcome, note)
    summary: str = ""
    refused: bool = False
    refusal_note: str = ""
    latitude: Any = None
    longitude: Any = None
    photos: list[tuple[str, bytes, Any, Any]] = field(default_factory=list)  # name, data, lat, lon
    signatures: list[tuple[str, str, int | None, bytes]] = field(
        default_factory=list
    )  # role, name, officer, png
    inspected_at: datetime | None = None


def _validate(inspection: Inspection, sub: Submission, items: list[InspectionItem]) -> list[str]:
    errors: list[str] = []
    if not sub.certificate_shown:
        errors.append("须先向当事人出示执法证件（亮证）并记录（《行政处罚法》第五十五条）")
    if sub.refused:
        if not sub.refusal_note.strip():
            errors.append("请记录拒绝、阻挠检查的具体情况")
    else:
        for item in items:
            outcome, note = sub.items.get(item.code, ("", ""))
            if outcome not in Outcome.values:
                errors.append(f"检查项未填写结论：{item.text}")
            elif outcome == Outcome.PROBLEM and not note.strip():
                errors.append(f"存在问题的检查项须说明情况：{item.text}")
        unknown = set(sub.items) - {i.code for i in items}
        if unknown:
            errors.append("提交了本次检查中不存在的检查项")
    assigned = set(inspection.officers.values_list("pk", flat=True))
    signed = {o for role, _, o, _ in sub.signatures if role == SignerRole.OFFICER and o in assigned}
    if len(signed) < 2:
        errors.append("须有2名执法人员在笔录上签名")
    if not sub.refused and not any(role == SignerRole.PARTY for role, *_ in sub.signatures):
        errors.append("须有当事人签名（拒绝签名的，请按拒绝检查记录）")
    return errors


def inspection_submit(*, inspection: Inspection, submission: Submission, by: User) -> tuple[Inspection, bool]:
    """Store the record once. Returns (inspection, created); a replay of the same key returns the
    stored inspection with created=False and writes nothing."""
    key = (submission.idempotency_key or "").strip()
    if not 16 <= len(key) <= 64 or not set(key) <= KEY_CHARS:
        refuse(
            by=by,
            action="inspection.submit",
            target=inspection,
            message="提交编号无效，请刷新页面后重试",
            code="bad_key",
        )
    done = Inspection.objects.filter(idempotency_key=key).first()
    if done is not None:
        if done.pk != inspection.pk:
            raise ValidationError("提交编号已用于另一检查", code="bad_key")
        return done, False
    if inspection.officers.filter(pk=by.pk).exists():  # the team acts wherever its members sit
        authorize(by, "inspections.inspect", action="inspection.submit")
    else:
        authorize(by, "inspections.inspect", inspection, action="inspection.submit")
        refuse(by=by, action="inspection.submit", target=inspection, message="您不是本次检查的执法人员")
    try:
        with transaction.atomic():
            result = _store(inspection, submission, key, by)
    except IntegrityError:  # a concurrent replay with the same key won
        done = Inspection.objects.filter(idempotency_key=key).first()
        if done is not None:
            return done, False
        raise
    except ValidationError as exc:
        refuse(
            by=by,
            action="inspection.submit",
            target=inspection,
            message="；".join(exc.messages),
            code=getattr(exc, "code", "") or "",
        )
    _after_submit(result, by)
    return result, True


def _store(inspection: Inspection, sub: Submission, key: str, by: User) -> Inspection:
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != InspectionStatus.ASSIGNED:
        raise ValidationError(
            "该检查已经提交，不能重复提交（可能已在另一台设备上提交）", code="already_submitted"
        )
    items = list(locked.items.all())
    errors = _validate(locked, sub, items)
    if errors:
        raise ValidationError(errors, code="incomplete")
    lat, lon = coordinate(sub.latitude, LAT, "纬度"), coordinate(sub.longitude, LON, "经度")
    photos = [
        (name, check_photo(data, device_lat=plat, device_lon=plon)) for name, data, plat, plon in sub.photos
    ]
    signatures = [
        (role, name, officer, png, check_signature(png)) for role, name, officer, png in sub.signatures
    ]
    problems = 0
    for item in items:
        outcome, note = sub.items.get(item.code, ("", ""))
        item.outcome, item.note = outcome, note.strip()[:500]
        problems += outcome == Outcome.PROBLEM
    InspectionItem.objects.bulk_update(items, ["outcome", "note"])
    for name, checked in photos:
        Evidence.objects.get_or_create(
            inspection=locked,
            sm3=checked.sm3,
            defaults=dict(
                name=name[:200],
                content_type=checked.content_type,
                size=len(checked.data),
                data=checked.data,
                taken_at=_aware(checked.taken_at),
                latitude=checked.latitude,
                longitude=checked.longitude,
                position_source=checked.position_source,
            ),
        )
    for role, name, officer, png, digest in signatures:
        Signature.objects.create(
            inspection=locked,
            role=role,
            officer_id=officer if role == "officer" else None,
            name=name.strip()[:50],
            png=png,
            sm3=digest,
        )
    now = timezone.now()
    locked.result = (
        InspectionResult.REFUSED
        if sub.refused
        else InspectionResult.PROBLEM
        if problems
        else InspectionResult.COMPLIANT
    )
    locked.certificate_shown, locked.summary = True, sub.summary.strip()
    locked.refusal_note = sub.refusal_note.strip() if sub.refused else ""
    locked.latitude, locked.longitude, locked.idempotency_key = lat, lon, key
    locked.inspected_at, locked.submitted_at = sub.inspected_at or now, now
    locked.published_at = now  # 一公开: results go to the portal when recorded (deadline met by construction)
    locked.status = InspectionStatus.SUBMITTED
    locked.handling = "已移交立案调查" if locked.result != InspectionResult.COMPLIANT else "无需处理"
    locked.save()
    audit_record(
        actor=by,
        action="inspection.submit",
        target=locked,
        after={
            "result": locked.result,
            "problems": problems,
            "photos": [c.sm3 for _, c in photos],
            "signatures": [s[4] for s in signatures],
            "key": key,
        },
    )
    return locked


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _after_submit(inspection: Inspection, by: User) -> None:
    """Outside the record's transaction: the lead (cases) and the record document (documents)."""
    if inspection.result != InspectionResult.COMPLIANT:
        problems = list(inspection.items.filter(outcome=Outcome.PROBLEM))
        ref = handoff.open_lead(inspection=inspection, problems=problems, by=by)
        if ref:
            with transaction.atomic():
                Inspection.objects.filter(pk=inspection.pk).update(lead_ref=ref)
                audit_record(actor=by, action="inspection.lead", target=inspection, after={"lead": ref})
            inspection.lead_ref = ref
    document = handoff.issue_record(inspection=inspection, context=record_context(inspection), by=by)
    if document is not None:
        Inspection.objects.filter(pk=inspection.pk).update(record_document=str(document.pk))
        inspection.record_document = str(document.pk)


def record_context(inspection: Inspection) -> dict[str, Any]:
    """The 现场检查（勘察）笔录's fields (documents/data/kinds.yaml, kind inspection_record)."""
    entity = inspection.entity
    when = timezone.localtime(inspection.inspected_at) if inspection.inspected_at else None
    officers = "；".join(
        f"{o.display_name}（执法证号 {'、'.join(c.number for c in o.certificates.filter(revoked=False))}）"
        for o in inspection.officers.order_by("id")
    )
    party = next((s.name for s in inspection.signatures.all() if s.role == SignerRole.PARTY), "")
    findings = inspection.summary or "见检查事项"
    if inspection.result == InspectionResult.REFUSED:
        findings = f"当事人拒绝、阻挠检查：{inspection.refusal_note}"
    if inspection.certificate_shown:
        findings += "。执法人员已出示执法证件。"
    return {
        "inspection_time": when.strftime("%Y年%m月%d日 %H时%M分") if when else "",
        "inspection_place": entity.address,
        "party_name": entity.name,
        "legal_representative": entity.legal_representative,
        "officers": officers,
        "present_person": party,
        "items": [
            {"item": i.text, "result": i.get_outcome_display(), "note": i.note}
            for i in inspection.items.all()
        ],
        "findings": findings,
        # the signatures drawn on screen, embedded as images (documents: field type "signatures")
        "signatures": [
            {
                "label": "检查人" if sig.role == SignerRole.OFFICER else "当事人（现场负责人）",
                "name": sig.name,
                "image": base64.b64encode(bytes(sig.png)).decode("ascii"),
            }
            for sig in sorted(inspection.signatures.all(), key=lambda x: (x.role != SignerRole.OFFICER, x.pk))
        ],
    }
