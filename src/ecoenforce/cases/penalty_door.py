"""The one door from cases into the penalty calculator.

It wraps `ecoenforce.penalty.services` (`compute` with 从旧兼从轻, `record_decision`) and the pure
engine's daily penalty and late fee. Nothing else in `cases` imports the penalty code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ecoenforce.org.models import Unit
from ecoenforce.penalty import services as penalty
from ecoenforce.penalty.engine.daily_penalty import RecheckCycle, compute_daily_penalty
from ecoenforce.penalty.engine.daily_penalty import late_fee as _late_fee


@dataclass(frozen=True)
class Proposal:
    amount: Decimal
    decision: str  # "fine" | "warning" | "no_penalty"
    applied_on: dt.date  # the date whose law was applied
    derivation: list[str]
    result: dict[str, Any]
    facts: dict[str, Any]
    rule_set_id: str


def compute(
    *,
    unit: Unit,
    item_code: str,
    act_date: dt.date,
    decision_date: dt.date,
    facts: object,
    act_end_date: dt.date | None = None,
) -> Proposal:
    """The engine's amount for the item and facts; the engine applies 《行政处罚法》第三十七条 (从旧兼从轻)
    between the act (its end, for a continuing act) and the decision, and its derivation says why."""
    comp = penalty.compute(
        unit=unit,
        item_code=item_code,
        facts=facts,
        act_date=act_date,
        act_end_date=act_end_date,
        decision_date=decision_date,
        today=max(decision_date, act_end_date or act_date),
    )
    return Proposal(
        amount=comp.amount,
        decision=comp.result.decision.value,
        applied_on=comp.transition.applied_side.on,
        derivation=[f"{s.description}（{s.source}）" if s.source else s.description for s in comp.steps],
        result=comp.result.to_dict(),
        facts=comp.facts,
        rule_set_id=comp.rule_set.id if comp.rule_set else "",
    )


def record_decision(
    *,
    by: Any,
    unit: Unit,
    officer: Any,
    item_code: str,
    facts: object,
    amount: Decimal,
    decision: str,
    reason: str,
    decided_on: dt.date,
    case_id: int,
    grade: str | None = None,
    act_date: dt.date | None = None,
    act_end_date: dt.date | None = None,
    entity: Any = None,
) -> Any:
    """Record the decided penalty for the consistency report (同案不同罚).

    The recorder refuses empty facts; the engine's canonical form of "no circumstances" is {}, so
    the derived grade is passed explicitly instead — the same computation, stated."""
    if not facts and grade:
        facts = {"grade": grade}
    return penalty.record_decision(
        by=by,
        unit=unit,
        officer=officer,
        item_code=item_code,
        facts=facts,
        decided_amount=amount,
        decision=decision,
        reason=reason,
        decided_on=decided_on,
        act_date=act_date,
        act_end_date=act_end_date,
        source=("case", str(case_id)),
        entity=entity,  # the case's party: the decision is listed on the entity's page
    )


def late_fee(*, fine: Decimal, days_overdue: int) -> tuple[Decimal, list[str]]:
    """加处罚款 per the engine (3% a day, capped at the fine): amount and derivation lines."""
    if days_overdue <= 0 or fine <= 0:
        return Decimal("0.00"), []
    result = _late_fee(fine=fine, days_overdue=days_overdue)
    return result.amount, [s.description for s in result.steps]


def daily_penalty(*, fine: Decimal, order_served: dt.date, rechecked: dt.date) -> tuple[int, Decimal]:
    """按日连续处罚 for one re-inspection that found the violation: days and amount (engine)."""
    result = compute_daily_penalty(original_fine=fine, cycles=[RecheckCycle(order_served, rechecked, True)])
    return result.days, result.amount
