"""Compulsory measures and special paths: seal/seize, production restriction/suspension, correction
orders with re-inspection and daily penalties, referral to the police, publicity of decisions.

Sources: 《行政强制法》第二十五条 (30 days, one extension of up to 30); 环境保护部令第29号 第十三条
(emergency: approval within 24 h), 第十五条, 第十九条; 环境保护部令第28号 第十条 (re-inspection within
30 days), 第十七条、第十九条 (days × original fine); 《行政处罚法》第四十八条 (publicity, withdrawal).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases import deadlines, penalty_door
from ecoenforce.cases.models import (
    Case,
    Measure,
    MeasureKind,
    ProposalKind,
    Publicity,
    Referral,
    ReferralKind,
)
from ecoenforce.cases.workflow import State
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import Role

SEIZURE = (MeasureKind.SEAL, MeasureKind.SEIZE)
KEY_MAX = 64
M = TypeVar("M", bound=models.Model)
REPEATED = "该表单已提交，请勿重复提交"
OPEN_STATES = {
    State.INVESTIGATING,
    State.INVESTIGATED,
    State.REVIEWED,
    State.NOTIFIED,
    State.SERVED,
    State.HEARING_REQUESTED,
    State.HEARING_SCHEDULED,
    State.LEGAL_REVIEW,
    State.DELIBERATION,
    State.PENDING_DECISION,
    State.DECIDED,
    State.COURT_ENFORCEMENT,
    State.SUMMARY,
}


def _text(value: object, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def _clean_key(key: object) -> str | None:
    key = _text(key, KEY_MAX)
    return key or None


def _create_once(model: type[M], key: str | None, **fields: Any) -> M:
    """Create the row unless the form's token was used on this case already. The caller holds the
    case row lock, so the check serializes; the unique constraint is the last guard."""
    if key and model._default_manager.filter(case=fields["case"], idempotency_key=key).exists():
        raise ValidationError({"__all__": REPEATED})
    try:
        with transaction.atomic():
            return model._default_manager.create(idempotency_key=key, **fields)
    except IntegrityError:
        raise ValidationError({"__all__": REPEATED}) from None


def _require_head(by: Any, what: str, case: Case, action: str = "cases.measure") -> None:
    if not by.has_role(Role.BUREAU_HEAD):
        raise Refused(f"{what}须经行政机关负责人批准", action=action, target=case)


def _locked_open(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.state not in OPEN_STATES:
        raise ValidationError({"state": f"案件处于「{locked.state_label}」阶段，不能采取该措施"})
    return locked


def _items(items: Any) -> list[dict[str, str]]:
    rows = [
        {
            "name": _text(i.get("name"), 100),
            "quantity": _text(i.get("quantity"), 40),
            "place": _text(i.get("place"), 100),
        }
        for i in (items or [])
        if isinstance(i, dict)
    ]
    rows = [r for r in rows if r["name"]]
    if not rows:
        raise ValidationError({"items": "查封、扣押须附清单（至少一项：名称、数量、存放地点）"})
    return rows


def measure_seize(
    *,
    case: Case,
    by: Any,
    kind: str,
    items: Any,
    basis: str,
    emergency: bool = False,
    idempotency_key: str | None = None,
) -> Measure:
    """查封 or 扣押 with its list; the head approves now, or within 24 h when taken on the spot.
    A repeated `idempotency_key` (the same form sent twice) is refused and nothing is written."""
    authorize(by, "cases.act", case, action="cases.measure_seize")
    if kind not in SEIZURE:
        raise ValidationError({"kind": "只能是查封或扣押"})
    if not emergency:
        _require_head(by, "查封、扣押", case, "cases.measure_seize")
    rows, today, key = _items(items), timezone.localdate(), _clean_key(idempotency_key)
    basis = _text(basis, 300) or "《行政强制法》第二十五条；环境保护部令第29号"
    with transaction.atomic():
        locked = _locked_open(case)
        m = _create_once(
            Measure,
            key,
            case=locked,
            kind=kind,
            decided_on=today,
            basis=basis,
            items=rows,
            emergency=emergency,
            approved_on=None if emergency else today,
            due_on=deadlines.due_date("seizure", today),
            created_by=by,
        )
        audit_record(
            actor=by,
            action="cases.measure_seize",
            target=locked,
            after={
                "measure": m.pk,
                "kind": kind,
                "items": rows,
                "emergency": emergency,
                "due_on": m.due_on.isoformat() if m.due_on else None,
            },
        )
    return m


def _lock_measure(measure: Measure) -> Measure:
    return Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)


def measure_approve(*, measure: Measure, by: Any) -> Measure:
    """补办批准 of an emergency seizure: within 24 hours (环境保护部令第29号第十三条), else refused."""
    authorize(by, "cases.act", measure.case, action="cases.measure_approve")
    _require_head(by, "查封、扣押", measure.case, "cases.measure_approve")
    with transaction.atomic():
        m = _lock_measure(measure)
        if m.approved_on is not None:
            raise ValidationError({"approved_on": "该措施已经批准"})
        if timezone.localdate() > deadlines.due_date("emergency_approval", m.decided_on):
            raise ValidationError({"approved_on": "已超过24小时补办批准期限，应当立即解除"})
        m.approved_on = timezone.localdate()
        m.save(update_fields=["approved_on"])
        audit_record(actor=by, action="cases.measure_approve", target=m.case, after={"measure": m.pk})
    return m


def measure_extend(*, measure: Measure, by: Any, reason: str) -> Measure:
    """Extend a seizure once, by up to 30 days, before it ends (《行政强制法》第二十五条)."""
    authorize(by, "cases.act", measure.case, action="cases.measure_extend")
    _require_head(by, "延长查封、扣押期限", measure.case, "cases.measure_extend")
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError({"reason": "请填写延长理由（情况复杂）"})
    with transaction.atomic():
        m = _lock_measure(measure)
        if m.kind not in SEIZURE or m.released_on:
            raise ValidationError({"kind": "只有未解除的查封、扣押可以延长"})
        if m.extended:
            raise ValidationError({"extended": "查封、扣押期限只能延长一次"})
        if m.due_on and timezone.localdate() > m.due_on:
            raise ValidationError({"due_on": "查封、扣押期限已届满，不能再延长，应当解除"})
        assert m.due_on is not None
        m.due_on, m.extended = deadlines.due_date("seizure_extension", m.due_on), True
        m.save(update_fields=["due_on", "extended"])
        audit_record(
            actor=by,
            action="cases.measure_extend",
            target=m.case,
            reason=reason,
            after={"measure": m.pk, "due_on": m.due_on.isoformat()},
        )
    return m


def measure_release(*, measure: Measure, by: Any, reason: str) -> Measure:
    authorize(by, "cases.act", measure.case, action="cases.measure_release")
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError({"reason": "请填写解除理由"})
    with transaction.atomic():
        m = _lock_measure(measure)
        if m.released_on:
            raise ValidationError({"released_on": "该措施已经解除"})
        m.released_on, m.release_reason = timezone.localdate(), reason
        m.save(update_fields=["released_on", "release_reason"])
        audit_record(
            actor=by, action="cases.measure_release", target=m.case, reason=reason, after={"measure": m.pk}
        )
    return m


def order_issue(*, case: Case, by: Any, kind: str, basis: str) -> Measure:
    """责令改正 / 责令限制生产 / 责令停产整治, with the re-inspection clock (28号令第十条)."""
    authorize(by, "cases.act", case, action="cases.order_issue")
    if kind not in (MeasureKind.CORRECTION, MeasureKind.RESTRICT, MeasureKind.SUSPEND):
        raise ValidationError({"kind": "请选择责令改正、责令限制生产或责令停产整治"})
    if kind != MeasureKind.CORRECTION:
        _require_head(by, "责令限制生产、停产整治", case, "cases.order_issue")
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_open(case)
        m = Measure.objects.create(
            case=locked,
            kind=kind,
            decided_on=today,
            basis=_text(basis, 300) or "—",
            recheck_due=deadlines.due_date("recheck", today),
            created_by=by,
        )
        audit_record(
            actor=by,
            action="cases.order_issue",
            target=locked,
            after={"measure": m.pk, "kind": kind, "recheck_due": str(m.recheck_due)},
        )
    return m


def recheck_record(*, measure: Measure, by: Any, on: dt.date, corrected: bool) -> Measure:
    """Record the re-inspection; not corrected after a fine → the daily penalty (days × original fine)."""
    authorize(by, "cases.act", measure.case, action="cases.recheck")
    if on > timezone.localdate() or on <= measure.decided_on:
        raise ValidationError({"rechecked_on": "复查日期应在责令改正之后、今天之前"})
    with transaction.atomic():
        m = _lock_measure(measure)
        if m.kind != MeasureKind.CORRECTION or m.rechecked_on:
            raise ValidationError({"kind": "只有尚未复查的责令改正可以登记复查"})
        m.rechecked_on, m.recheck_corrected = on, corrected
        fine = m.case.decided_amount if m.case.decision_kind == ProposalKind.PENALTY else None
        if not corrected and fine:
            days, amount = penalty_door.daily_penalty(fine=fine, order_served=m.decided_on, rechecked=on)
            m.daily_days, m.daily_amount = days, amount
        m.save()
        audit_record(
            actor=by,
            action="cases.recheck",
            target=m.case,
            after={
                "measure": m.pk,
                "corrected": corrected,
                "daily_days": m.daily_days,
                "daily_amount": str(m.daily_amount or ""),
            },
        )
    return m


def referral_record(
    *,
    case: Case,
    by: Any,
    kind: str,
    police: str,
    materials: str,
    sent_on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> Referral:
    """移送公安机关 with the materials; the receipt and feedback follow. A repeated
    `idempotency_key` is refused and nothing is written."""
    authorize(by, "cases.act", case, action="cases.referral")
    _require_head(by, "移送公安机关", case, "cases.referral")
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": "请选择移送类型"})
    police, materials = _text(police, 100), _text(materials, 5000)
    if not police or not materials:
        raise ValidationError({"materials": "请填写接收的公安机关和移送材料清单"})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        r = _create_once(
            Referral,
            _clean_key(idempotency_key),
            case=locked,
            kind=kind,
            police=police,
            materials=materials,
            sent_on=sent_on or timezone.localdate(),
            created_by=by,
        )
        audit_record(
            actor=by,
            action="cases.referral",
            target=locked,
            after={"referral": r.pk, "kind": kind, "police": police},
        )
    return r


def referral_feedback(*, referral: Referral, by: Any, receipt_on: dt.date | None, feedback: str) -> Referral:
    authorize(by, "cases.act", referral.case, action="cases.referral_feedback")
    with transaction.atomic():
        r = Referral.objects.select_for_update().get(pk=referral.pk)
        r.receipt_on = receipt_on or r.receipt_on
        if feedback:
            r.feedback, r.feedback_on = _text(feedback, 5000), timezone.localdate()
        r.save()
        audit_record(actor=by, action="cases.referral_feedback", target=r.case, after={"referral": r.pk})
    return r


_PHONE = re.compile(r"1[3-9]\d{9}")
_ID = re.compile(r"\d{17}[\dXx]")


def redact(text: str) -> str:
    """Personal data out of published text: mobile numbers and ID numbers (《行政处罚法》第四十八条;
    《政府信息公开条例》第十五条 — personal privacy is not disclosed)."""
    return _ID.sub("******************", _PHONE.sub("***********", text))


def mask_name(name: str) -> str:
    return (name[:1] + "*" * (len(name) - 1)) if name else ""


def publicity_publish(*, case: Case, by: Any) -> Publicity:
    """Publish a served penalty decision on the portal, personal data redacted."""
    authorize(by, "cases.act", case, action="cases.publish")
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("entity", "unit").get(pk=case.pk)
        if locked.decision_kind != ProposalKind.PENALTY or not locked.served_on:
            raise ValidationError({"state": "只有已送达的行政处罚决定可以公开"})
        if Publicity.objects.filter(case=locked).exists():
            raise ValidationError({"state": "该决定已经公开"})
        e = locked.entity
        body = {
            "number": locked.number,
            "party": e.name,
            "uscc": e.uscc,
            "legal_representative": mask_name(e.legal_representative),
            "facts": redact(locked.report),
            "items": [f"{i.item_name}" for i in locked.items.all()],
            "basis": [b.get("text", "")[:300] for i in locked.items.all() for b in i.legal_basis][:6],
            "amount": str(locked.decided_amount or ""),
            "unit": locked.unit.name,
            "decided_on": locked.decided_on.isoformat() if locked.decided_on else "",
        }
        p = Publicity.objects.create(
            case=locked,
            published_on=timezone.localdate(),
            title=f"{locked.unit.name}行政处罚决定书（{locked.number}）",
            body=body,
            published_by=by,
        )
        locked.deadlines.filter(clock="publicity", done_on__isnull=True).update(done_on=timezone.localdate())
        audit_record(actor=by, action="cases.publish", target=locked, after={"publicity": p.pk})
    return p


def publicity_withdraw(*, case: Case, by: Any, reason: str) -> Publicity:
    """Withdraw within 3 working days when the decision is changed or revoked (第四十八条第二款)."""
    authorize(by, "cases.act", case, action="cases.unpublish")
    reason = _text(reason, 300)
    if not reason:
        raise ValidationError({"reason": "请填写撤回理由（决定被变更、撤销或确认违法、无效）"})
    with transaction.atomic():
        p = Publicity.objects.select_for_update().filter(case=case).first()
        if p is None or p.withdrawn_on:
            raise ValidationError({"state": "该决定未公开或已经撤回"})
        p.withdrawn_on, p.withdraw_reason = timezone.localdate(), reason
        p.save(update_fields=["withdrawn_on", "withdraw_reason"])
        audit_record(
            actor=by, action="cases.unpublish", target=case, reason=reason, after={"publicity": p.pk}
        )
    return p
