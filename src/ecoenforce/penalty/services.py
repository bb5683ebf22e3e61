"""The penalty package's door: ``compute`` (a penalty under the law chosen by the dates of the act and of
the decision) and ``record_decision`` (the one write path of ``DecidedPenalty``).

Other apps (cases …) import only these two.  ``compute`` returns a ``law_change.Computation``: amount,
derivation (the choice of law first), applied law and article, statutory range, the transition.

``record_decision`` checks the permission (an acting role computing penalties, the unit in
the recorder's jurisdiction), recomputes the benchmark from the facts with the engine (so invalid
facts are refused and the stored engine amount is the engine's, never the caller's), checks the
decided conclusion and amount against the statutory range, writes the row and its audit event in
one transaction.  Any caller (the calculator page, the API, later the cases app with
``source=("case", case.pk)``) records through it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.org.jurisdiction import in_jurisdiction
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.penalty import catalog_items, law_change
from ecoenforce.penalty.engine.types import Decision
from ecoenforce.penalty.law_change import Computation
from ecoenforce.penalty.models import DecidedPenalty, DecisionType

MAX_AMOUNT = Decimal("99999999999999.99")
MAX_REASON_CHARS = 2000
SOURCE_TYPE_RE = re.compile(r"^[a-z][a-z0-9_.]{0,39}$")
SOURCE_ID_RE = re.compile(r"^[A-Za-z0-9_.:/-]{0,64}$")


def parse_amount(value: object, field: str = "decided_amount") -> Decimal:
    """A non-negative yuan amount with at most two decimals; ValidationError (Chinese) otherwise."""
    if isinstance(value, bool | float) or value is None:
        raise ValidationError({field: ["请填写金额（元），须为精确数值"]})
    text = str(value).strip().replace(",", "")
    if not text or len(text) > 30 or "\x00" in text:
        raise ValidationError({field: ["请填写金额（元）"]})
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: [f"「{text[:30]}」不是有效的金额"]}) from None
    if not amount.is_finite():
        raise ValidationError({field: [f"「{text[:30]}」不是有效的金额"]})
    if amount < 0:
        raise ValidationError({field: ["金额不能为负数"]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: ["金额最多保留两位小数（分）"]})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: ["金额过大"]})
    return amount


def _check_decision(decision: str, amount: Decimal, comp: Computation) -> None:
    if decision not in DecisionType.values:
        raise ValidationError({"decision": [f"未知的决定结论「{decision[:20]}」"]})
    if decision != DecisionType.FINE:
        if amount != 0:
            raise ValidationError({"decided_amount": ["不予处罚或警告时罚款金额应为0"]})
        if decision == DecisionType.WARNING and not (comp.item.sanction.warning or
                                                     comp.result.decision is Decision.WARNING):
            raise ValidationError({"decision": ["该事项的法定罚则不包括警告"]})
        return
    if amount <= 0:
        raise ValidationError({"decided_amount": ["罚款决定的金额应大于0"]})
    if not comp.item.sanction.is_fine:
        raise ValidationError({"decision": ["该事项的法定罚则不包括罚款"]})
    low, high = comp.result.statutory_min, comp.result.statutory_max
    if high is not None and amount > high:
        raise ValidationError({"decided_amount": [f"决定金额超过法定最高罚款 {high.normalize():f} 元"]})
    mitigated = comp.facts.get("mitigation") is not None
    if low is not None and amount < low and not mitigated:
        message = (f"决定金额低于法定最低罚款 {low.normalize():f} 元；"
                   "减轻处罚须在裁量事实中记录减轻处罚及其法定依据")
        raise ValidationError({"decided_amount": [message]})


def _check_text(reason: str, source_type: str, source_id: str) -> None:
    if len(reason) > MAX_REASON_CHARS or "\x00" in reason:
        raise ValidationError({"reason": [f"理由不能超过{MAX_REASON_CHARS}字，且不得含有非法字符"]})
    if not SOURCE_TYPE_RE.match(source_type) or not SOURCE_ID_RE.match(source_id):
        raise ValidationError({"source": ["来源类型或编号格式不符"]})


def _authorize(by: Any, unit: Unit, officer: Any) -> None:
    # a write permission: the role must act (not the supervisor) and the unit must be in the jurisdiction
    authorize(by, "catalog.record_penalty", unit, action="catalog.penalty_decision")
    officer_unit = getattr(officer, "unit", None)
    if officer_unit is None or not in_jurisdiction(by, officer_unit):
        raise Refused("承办人员不在您的辖区内", action="catalog.penalty_decision", target=unit)


def compute(
    *,
    unit: Unit | None,
    item_code: str,
    facts: object,
    act_date: object,
    act_end_date: object = None,
    decision_date: object = None,
    rule_set: str | None = None,
    today: dt.date | None = None,
) -> Computation:
    """The penalty for `facts` under the item in force at the act (its end, for a continuing act) or
    at the decision (today by default), chosen by 行政处罚法第三十七条.

    ``rule_set`` None → the rule set of the unit's province in force at the decision; '' → none (the
    national generic rule).  Every problem is a ``ValidationError`` {field: [Chinese message]}."""
    d = law_change.dates(act_date, act_end_date, decision_date, today=today or timezone.localdate())
    rule_set_id = catalog_items.default_rule_set_id(unit, d.decision_date) if rule_set is None else rule_set
    resolved = catalog_items.resolve_rule_set(rule_set_id, d.decision_date)
    return law_change.compute(unit=unit, item_code=str(item_code), facts=facts, dates=d, rule_set=resolved)


def record_decision(
    *,
    by: Any,
    item_code: str,
    facts: object,
    decided_amount: object,
    decision: str,
    reason: str = "",
    unit: Unit | None = None,
    officer: Any = None,
    rule_set_id: str | None = None,
    act_date: object = None,
    act_end_date: object = None,
    decided_on: dt.date | None = None,
    source: tuple[str, str] = ("calculator", ""),
    entity: Any = None,
) -> DecidedPenalty:
    """Record one decided penalty with the engine's benchmark for the same facts and dates; audited.

    ``act_date`` defaults to the decision date (no change of law to consider).  ``rule_set_id`` None →
    the default rule set of the unit's province on the decision date; '' → none."""
    unit = unit if unit is not None else getattr(by, "unit", None)
    if unit is None:
        raise Refused("您的账户未关联单位，无法记录裁量决定", action="catalog.penalty_decision")
    officer = officer if officer is not None else by
    _authorize(by, unit, officer)
    if entity is not None and not in_jurisdiction(by, entity):
        raise Refused("该监管对象不在您的辖区内", action="catalog.penalty_decision", target=entity)
    decided_on = decided_on or timezone.localdate()
    reason = (reason or "").strip()
    source_type, source_id = (str(source[0]), str(source[1]))
    _check_text(reason, source_type, source_id)
    if rule_set_id is None:
        rule_set_id = catalog_items.default_rule_set_id(unit, decided_on)
    comp = compute(unit=unit, item_code=str(item_code)[:40], facts=facts, act_date=act_date or decided_on,
                   act_end_date=act_end_date, decision_date=decided_on, rule_set=rule_set_id,
                   today=max(timezone.localdate(), decided_on))
    amount = parse_amount(decided_amount)
    _check_decision(str(decision), amount, comp)
    item = comp.item
    row = DecidedPenalty(
        item_code=item.code, item_name=item.name[:300], unit=unit, officer=officer, decided_on=decided_on,
        entity=entity,
        facts=comp.facts, sanction=item.sanction_data, rule_set_id=rule_set_id or "",
        engine_decision=comp.result.decision.value, engine_amount=comp.result.amount,
        decision=str(decision), decided_amount=amount, reason=reason, source_type=source_type,
        source_id=source_id, recorded_by=by,
    )
    row.full_clean()
    with transaction.atomic():
        row.save()
        audit_record(actor=by, action="catalog.penalty_decision", target=row,
                     after={**snapshot(row), "law": law_change.snapshot(comp)}, reason=reason)
    return row


def snapshot(row: DecidedPenalty) -> dict[str, Any]:
    return {
        "item_code": row.item_code, "unit": row.unit_id, "officer": row.officer_id, "entity": row.entity_id,
        "decided_on": row.decided_on.isoformat(), "rule_set_id": row.rule_set_id, "facts": row.facts,
        "engine_decision": row.engine_decision, "engine_amount": str(row.engine_amount),
        "decision": row.decision, "decided_amount": str(row.decided_amount), "reason": row.reason,
        "source_type": row.source_type, "source_id": row.source_id,
    }
