"""Execution of a decision: payments, the late fee (加处罚款) from the engine, deferral or instalments.

The late fee runs from the day after the payment deadline (《行政处罚法》第七十二条: 3% of the fine a
day, never more than the fine) until the fine is paid in full; an approved deferral moves the
deadline to the plan's last date (第六十六条).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.cases import clocks, penalty_door
from ecoenforce.cases.models import Case, Payment, PaymentKind, PaymentPlan, ProposalKind
from ecoenforce.cases.workflow import State
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.roles import Role

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    fine: Decimal
    fine_paid: Decimal
    late_fee: Decimal
    late_fee_paid: Decimal
    due_on: dt.date | None
    overdue_days: int
    derivation: list[str]

    @property
    def outstanding(self) -> Decimal:
        return max(ZERO, self.fine - self.fine_paid) + max(ZERO, self.late_fee - self.late_fee_paid)

    @property
    def settled(self) -> bool:
        return self.outstanding == 0


def fine_of(case: Case) -> Decimal:
    if case.decision_kind != ProposalKind.PENALTY or not case.decided_amount:
        return ZERO
    return case.decided_amount


def payment_due(case: Case) -> dt.date | None:
    plan = PaymentPlan.objects.filter(case=case).first()
    if plan and plan.schedule:
        return max(dt.date.fromisoformat(str(row["due"])) for row in plan.schedule)
    d = case.deadlines.filter(clock="payment").order_by("-id").first()
    return d.due_on if d else None


def _paid(case: Case, kind: str, until: dt.date | None = None) -> Decimal:
    qs = Payment.objects.filter(case=case, kind=kind)
    if until:
        qs = qs.filter(paid_on__lte=until)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def _fine_paid_on(case: Case, fine: Decimal) -> dt.date | None:
    total = ZERO
    for p in Payment.objects.filter(case=case, kind=PaymentKind.FINE).order_by("paid_on", "id"):
        total += p.amount
        if total >= fine:
            return p.paid_on
    return None


def balance(case: Case, as_of: dt.date | None = None) -> Balance:
    as_of = as_of or timezone.localdate()
    fine = fine_of(case)
    due = payment_due(case)
    end = _fine_paid_on(case, fine) if fine else None
    overdue = max(0, ((end or as_of) - due).days) if due and fine else 0
    fee, lines = penalty_door.late_fee(fine=fine, days_overdue=overdue)
    return Balance(
        fine, _paid(case, PaymentKind.FINE), fee, _paid(case, PaymentKind.LATE_FEE), due, overdue, lines
    )


def payment_record(
    *, case: Case, by: Any, kind: str, amount: object, paid_on: dt.date, receipt_no: str
) -> Payment:
    """Record one payment (fine or late fee) with its receipt number; a receipt counts once."""
    authorize(by, "cases.act", case, action="cases.payment_record")
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": "款项只能是罚款或加处罚款"})
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except Exception:
        raise ValidationError({"amount": "金额应为数字"}) from None
    if value <= 0:
        raise ValidationError({"amount": "金额应大于0"})
    receipt_no = str(receipt_no or "").replace("\x00", "").strip()[:60]
    if not receipt_no:
        raise ValidationError({"receipt_no": "请填写缴款凭证号"})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "缴款日期不能晚于今天"})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state not in (State.SERVED, State.COURT_ENFORCEMENT):
            raise ValidationError({"state": f"案件处于「{locked.state_label}」阶段，不能登记缴款"})
        if locked.served_on and paid_on < locked.served_on:
            raise ValidationError({"paid_on": "缴款日期不能早于决定书送达日期"})
        row = Payment(
            case=locked, kind=kind, amount=value, paid_on=paid_on, receipt_no=receipt_no, recorded_by=by
        )
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise ValidationError({"receipt_no": "该缴款凭证已经登记过（重复提交）"}) from None
        audit_record(
            actor=by,
            action="cases.payment_record",
            target=locked,
            after={
                "kind": kind,
                "amount": str(value),
                "paid_on": paid_on.isoformat(),
                "receipt_no": receipt_no,
            },
        )
    return row


def payment_plan_approve(
    *, case: Case, by: Any, kind: str, schedule: list[dict[str, Any]], reason: str
) -> PaymentPlan:
    """暂缓或者分期缴纳 (《行政处罚法》第六十六条第二款): the party applies, the unit's head approves."""
    authorize(by, "cases.act", case, action="cases.payment_plan")
    if not by.has_role(Role.BUREAU_HEAD):
        raise Refused("暂缓或者分期缴纳罚款须经行政机关负责人批准", action="cases.payment_plan", target=case)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写当事人确有经济困难的理由"})
    rows = _schedule(schedule, fine_of(case), kind)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != State.SERVED:
            raise ValidationError({"state": "只有已送达、尚未执行完毕的处罚决定可以暂缓或者分期缴纳"})
        if PaymentPlan.objects.filter(case=locked).exists():
            raise ValidationError({"kind": "本案已批准过暂缓或者分期缴纳"})
        plan = PaymentPlan.objects.create(
            case=locked, kind=kind, schedule=rows, reason=reason, approved_by=by
        )
        clocks.stop(locked, "payment")
        audit_record(
            actor=by,
            action="cases.payment_plan",
            target=locked,
            after={"kind": kind, "schedule": rows},
            reason=reason,
        )
    return plan


def _schedule(schedule: list[dict[str, Any]], fine: Decimal, kind: str) -> list[dict[str, str]]:
    if kind not in ("deferral", "instalments"):
        raise ValidationError({"kind": "方式只能是暂缓缴纳或分期缴纳"})
    try:
        rows = [
            (dt.date.fromisoformat(str(r["due"])), Decimal(str(r["amount"])).quantize(Decimal("0.01")))
            for r in schedule
        ]
    except Exception:
        raise ValidationError({"schedule": "缴纳计划格式错误：每期须有日期和金额"}) from None
    if not rows or (kind == "deferral" and len(rows) != 1):
        raise ValidationError({"schedule": "暂缓缴纳只有一期；分期缴纳至少一期"})
    if sum(a for _, a in rows) != fine:
        raise ValidationError({"schedule": f"各期金额合计应等于罚款 {fine} 元"})
    if any(d <= timezone.localdate() for d, _ in rows):
        raise ValidationError({"schedule": "缴纳日期应晚于今天"})
    return [{"due": d.isoformat(), "amount": str(a)} for d, a in sorted(rows)]
