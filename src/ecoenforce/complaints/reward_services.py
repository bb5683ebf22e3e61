"""Report rewards: propose under the unit's rule, approve (the rule's approver role), pay, notify.

Each step is audited. The reporter is told on the tracking page (the notice); the payment record
holds a voucher number, never the reporter's name (that stays sealed on the complaint).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.complaints import rewards
from ecoenforce.complaints.models import Complaint, ComplaintEvent, Finding, RewardDecision, RewardState
from ecoenforce.org.permissions import Refused, authorize


def _snap(r: RewardDecision) -> dict[str, Any]:
    return {
        "complaint": r.complaint.number,
        "rule": r.rule_key,
        "tier": r.tier,
        "amount": str(r.amount),
        "state": r.state,
        "payment_ref": r.payment_ref,
    }


def rule_for_complaint(complaint: Complaint) -> rewards.RewardRule | None:
    if complaint.unit is None:
        return None
    codes = [u.division_code for u in reversed(complaint.unit.ancestors())]
    return rewards.rule_for(codes, timezone.localdate())


def _paid_this_year(complaint: Complaint) -> Decimal:
    """Rewards proposed, approved or paid this year on reports by the same reporter (matched by the
    keyed reporter hash, so no identity is opened)."""
    if not complaint.reporter_key:
        return Decimal("0")
    total = (
        RewardDecision.objects.filter(
            complaint__reporter_key=complaint.reporter_key, proposed_at__year=timezone.localdate().year
        )
        .exclude(state=RewardState.REJECTED)
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or Decimal("0")


def reward_propose(*, complaint: Complaint, tier: str, facts: dict[str, bool], by: Any) -> RewardDecision:
    authorize(by, "complaints.reward_propose", complaint, action="complaints.reward_propose")
    if complaint.finding not in (Finding.VIOLATION, Finding.PARTLY):
        raise ValidationError("只有经查证属实的举报才能给予奖励")
    if hasattr(complaint, "reward"):
        raise ValidationError("该举报已有奖励决定")
    rule = rule_for_complaint(complaint)
    if rule is None:
        raise ValidationError("本单位及其上级单位尚无现行有效的举报奖励办法")
    facts = {**facts, "real_name": not complaint.anonymous and facts.get("real_name", True)}
    if missing := rewards.unmet(rule, facts):
        raise ValidationError("不符合奖励条件：" + "；".join(missing))
    try:
        tier_obj = rule.tier(tier)
    except KeyError:
        raise ValidationError({"tier": "请选择奖励档次"}) from None
    value = rewards.amount(rule, tier, _paid_this_year(complaint))
    if value <= 0:
        raise ValidationError(f"该举报人本年度所获奖励已达上限（{rule.cap_per_reporter_per_year}元）")
    decision = RewardDecision(
        complaint=complaint,
        unit=complaint.unit,
        rule_key=rule.key,
        tier=tier_obj.label,
        amount=value,
        basis=f"{rule.title}（{rule.source}）"[:300],
        proposed_by=by,
    )
    decision.full_clean()
    with transaction.atomic():
        decision.save()
        audit_record(action="complaints.reward_propose", target=complaint, after=_snap(decision), actor=by)
    return decision


def reward_approve(*, decision: RewardDecision, approve: bool, note: str = "", by: Any) -> RewardDecision:
    authorize(by, "complaints.reward_approve", decision, action="complaints.reward_approve")
    rule = rewards.rule_for([decision.unit.division_code], decision.proposed_at.date()) or rule_for_complaint(
        decision.complaint
    )
    if rule is not None and not by.has_role(rule.approver_role):
        raise Refused("奖励办法规定的审批人才能审批", action="complaints.reward_approve", target=decision)
    if decision.state != RewardState.PROPOSED:
        raise ValidationError("该奖励决定已审批")
    if by.pk == decision.proposed_by_id:
        raise ValidationError("提出奖励建议的人员不能审批本人的建议")
    with transaction.atomic():
        before = _snap(decision)
        decision.state = RewardState.APPROVED if approve else RewardState.REJECTED
        decision.approved_by, decision.approved_at, decision.approval_note = by, timezone.now(), note[:300]
        if approve:
            decision.notice = (
                f"您的举报经查证属实，依据{decision.basis}，决定给予奖励{decision.amount}元。"
                "请持本查询码与有效身份证件到承办单位领取。"
            )[:500]
        else:
            decision.notice = "您的举报经审查不符合奖励条件。"
        decision.save()
        ComplaintEvent.objects.create(complaint=decision.complaint, kind="reward", text=decision.notice)
        audit_record(
            action="complaints.reward_approve",
            target=decision.complaint,
            before=before,
            after=_snap(decision),
            actor=by,
            reason=note,
        )
    return decision


def reward_pay(*, decision: RewardDecision, payment_ref: str, by: Any) -> RewardDecision:
    authorize(by, "complaints.reward_pay", decision, action="complaints.reward_pay")
    if decision.state != RewardState.APPROVED:
        raise ValidationError("只有已批准的奖励才能登记发放")
    if not (payment_ref or "").strip():
        raise ValidationError({"payment_ref": "请填写发放凭证号"})
    with transaction.atomic():
        before = _snap(decision)
        decision.state, decision.payment_ref, decision.paid_at = (
            RewardState.PAID,
            payment_ref.strip(),
            timezone.now(),
        )
        decision.full_clean()
        decision.save()
        ComplaintEvent.objects.create(complaint=decision.complaint, kind="reward", text="举报奖励已发放。")
        audit_record(
            action="complaints.reward_pay",
            target=decision.complaint,
            before=before,
            after=_snap(decision),
            actor=by,
        )
    return decision


def reward_total(unit_ids: list[int]) -> Decimal:
    total = RewardDecision.objects.filter(unit_id__in=unit_ids, state=RewardState.PAID).aggregate(
        s=Sum("amount")
    )
    return total["s"] or Decimal("0")
