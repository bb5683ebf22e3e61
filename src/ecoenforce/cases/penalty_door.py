"""The one door from cases into the penalty calculator.

Today it wraps `ecoenforce.catalog.penalty_engine` and `ecoenforce.catalog.penalty_services`; when
the calculator moves to `ecoenforce.penalty` (its own `compute` with 从旧兼从轻), only this module
changes. Nothing else in `cases` imports the penalty code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.catalog import penalty_engine
from ecoenforce.catalog.daily_penalty import late_fee as _late_fee
from ecoenforce.catalog.penalty_services import penalty_record_decision
from ecoenforce.org.models import Unit

# 《行政处罚法》第三十七条: the law at the time of the act applies, unless the law at the time of the
# decision treats the act more lightly (从旧兼从轻).
ART_37 = "《行政处罚法》第三十七条（从旧兼从轻）"


@dataclass(frozen=True)
class Proposal:
    amount: Decimal
    decision: str  # "fine" | "warning" | "no_penalty"
    applied_on: dt.date  # the date whose law was applied
    derivation: list[str]
    result: dict[str, Any]
    facts: dict[str, Any]
    rule_set_id: str


def _compute_on(unit: Unit, item_code: str, on: dt.date, facts: object) -> penalty_engine.Computation | None:
    item = penalty_engine.items_for(unit, on).get(item_code)
    if item is None or not item.computable:
        return None
    rule_set = penalty_engine.resolve_rule_set(penalty_engine.default_rule_set_id(unit, on), on)
    return penalty_engine.compute(item=item, rule_set=rule_set, facts=facts, on=on)


def compute(
    *, unit: Unit, item_code: str, act_date: dt.date, decision_date: dt.date, facts: object
) -> Proposal:
    """The engine's amount for the item and facts, under 从旧兼从轻 between act and decision dates."""
    old = _compute_on(unit, item_code, act_date, facts)
    new = _compute_on(unit, item_code, decision_date, facts) if decision_date != act_date else None
    if old is None and new is None:
        raise ValidationError({"item_code": f"执法事项「{item_code}」在违法行为发生时没有可计算的罚则"})
    chosen, on, note = old, act_date, f"适用违法行为发生时（{act_date}）的规定"
    if old is None or (new is not None and new.result.amount < old.result.amount):
        chosen, on = new, decision_date
        note = f"作出决定时（{decision_date}）的规定处罚较轻，适用新的规定"
    assert chosen is not None
    derivation = [f"{s.description}（{s.source}）" for s in chosen.result.steps]
    derivation.append(f"{note}——{ART_37}")
    return Proposal(
        amount=chosen.result.amount,
        decision=chosen.result.decision.value,
        applied_on=on,
        derivation=derivation,
        result=chosen.result.to_dict(),
        facts=chosen.facts,
        rule_set_id=chosen.rule_set.id if chosen.rule_set else "",
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
) -> Any:
    """Record the decided penalty for the consistency report (同案不同罚).

    The recorder refuses empty facts; the engine's canonical form of "no circumstances" is {}, so
    the derived grade is passed explicitly instead — the same computation, stated."""
    if not facts and grade:
        facts = {"grade": grade}
    return penalty_record_decision(
        by=by,
        unit=unit,
        officer=officer,
        item_code=item_code,
        facts=facts,
        decided_amount=amount,
        decision=decision,
        reason=reason,
        decided_on=decided_on,
        source=("case", str(case_id)),
    )


def late_fee(*, fine: Decimal, days_overdue: int) -> tuple[Decimal, list[str]]:
    """加处罚款 per the engine (3% a day, capped at the fine): amount and derivation lines."""
    if days_overdue <= 0 or fine <= 0:
        return Decimal("0.00"), []
    result = _late_fee(fine=fine, days_overdue=days_overdue)
    return result.amount, [s.description for s in result.steps]


def daily_penalty(*, fine: Decimal, order_served: dt.date, rechecked: dt.date) -> tuple[int, Decimal]:
    """按日连续处罚 for one re-inspection that found the violation: days and amount (engine)."""
    from ecoenforce.catalog.daily_penalty import RecheckCycle, compute_daily_penalty

    result = compute_daily_penalty(original_fine=fine, cycles=[RecheckCycle(order_served, rechecked, True)])
    return result.days, result.amount
