"""Penalty API: compute a penalty from facts, and the questions of an item.

``POST /api/penalty/compute`` takes the item code, the facts (the JSON of penalty.engine.facts), the
date of the act (its end for a continuing act) and of the decision, and returns the law applied
(从旧兼从轻, both computations when the law changed in between), the conclusion, the amount as a
decimal string and every derivation step.  Bad input
(unknown item, a level not in the benchmark, a missing base amount, a negative or non-numeric
amount …) is a 422 with Chinese messages keyed by the field's path.  Every string has a max_length
and a pattern that refuses NUL (PostgreSQL refuses \\x00 in text).  The item comes from the
effective catalog of the user's unit (or of a unit he may read) on the date; the rule set defaults
to the unit's province's.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from pydantic import ConfigDict

from ecoenforce.catalog import selectors
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import authorize
from ecoenforce.penalty import catalog_items, services
from ecoenforce.penalty.catalog_items import PenaltyItem
from ecoenforce.penalty.engine import daily_penalty
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.types import plain
from ecoenforce.penalty.engine.words import rmb_upper

router = Router()

NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
Amount = Annotated[str, Field(max_length=30, pattern=NO_NUL)] | int
DateText = Annotated[str, Field(max_length=10, pattern=NO_NUL)]
ItemCode = Annotated[
    str, Field(min_length=1, max_length=40, pattern=NO_NUL, description="执法事项编码，如 AIR-99-2")
]
RuleSetId = Annotated[str, Field(max_length=40, pattern=NO_NUL)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ApologyIn(Strict):
    rate: Amount = Field(..., description='降低比例，如 "0.3" 表示30%')
    exclusions: list[Code] = Field([], max_length=50)
    corrected_before_decision: bool = True


class MitigationIn(Strict):
    amount: Amount = Field(..., description="减轻后的罚款（元），低于法定最低罚款")
    ground: Annotated[str, Field(max_length=500, pattern=NO_NUL)] = Field(..., description="法定依据")


class ExceedanceIn(Strict):
    pollutant: Code
    category: Code = Field(..., description="A 或 B")
    multiple: Amount | None = None
    value: Amount | None = None


class ExemptionIn(Strict):
    act_date: DateText | None = None
    prior_violation_dates: list[DateText] = Field([], max_length=50)
    flags: list[Code] = Field([], max_length=50)
    measures: dict[Code, Amount] = Field({}, max_length=50)
    exceedances: list[ExceedanceIn] = Field([], max_length=20)
    areas: list[Code] = Field([], max_length=50)
    categories: list[Code] = Field([], max_length=10)
    corrected_on: DateText | None = None
    order_deadline: DateText | None = None


class CycleIn(Strict):
    order_served: dt.date = Field(..., description="责令改正违法行为决定书送达日期")
    rechecked: dt.date = Field(..., description="复查日期")
    violation_found: bool = Field(True, description="复查时是否仍在实施违法行为（拒不改正）")


class LateFeeFactsIn(Strict):
    due_date: dt.date = Field(..., description="缴纳罚款的期限（最后一日）")
    paid_date: dt.date = Field(..., description="实际缴纳日期；未缴纳的填写计算截止日期")
    paused_days: int = Field(0, ge=0, le=36500, description="行政复议或者行政诉讼期间，不予计算的天数")


class FactsIn(Strict):
    levels: dict[Code, Code] = Field(
        {}, max_length=50, description="裁量因素 → 档次（确无法查明：unprovable）"
    )
    bases: dict[Code, Amount] = Field({}, max_length=10, description="计罚基数代码 → 金额（元，字符串）")
    grade: Code | None = Field(None, description="lighter 从轻 / general 一般 / heavier 从重；空 = 按情节")
    mitigating: list[Code] = Field([], max_length=10, description="行政处罚法第三十二条情形")
    heavier: list[Code] = Field([], max_length=20)
    art33: list[Code] = Field([], max_length=10, description="行政处罚法第三十三条情形")
    apply_first_offence_waiver: bool = False
    no_fault_excluded_by_law: bool = False
    prefer_warning: bool = False
    escalated: bool = False
    apology: ApologyIn | None = None
    mitigation: MitigationIn | None = None
    exemption: ExemptionIn | None = None
    medium: Code | None = Field(
        None, description="污染物类别：air 大气污染物 / water 水污染物（裁量表按类别分表的事项）")
    daily_cycles: list[CycleIn] = Field(
        [], max_length=50, description="按日连续处罚：每轮责令改正送达日期、复查日期、复查时是否仍违法")
    late_fee: LateFeeFactsIn | None = Field(None, description="加处罚款：缴纳期限和实际缴纳（计算截止）日期")


class ComputeIn(Strict):
    item_code: ItemCode
    facts: FactsIn | None = None
    unit_id: int | None = Field(None, ge=1, le=2**62, description="单位（默认本人单位）")
    act_date: dt.date = Field(..., description="违法行为发生日期（YYYY-MM-DD）")
    act_end_date: dt.date | None = Field(
        None, description="违法行为有连续或者继续状态的，其终了日期（适用终了时的规定）"
    )
    decision_date: dt.date | None = Field(None, description="作出处罚决定的日期，默认今天")
    rule_set: RuleSetId | None = Field(
        None, description="裁量基准编号；省略 = 本省现行基准；空字符串 = 不适用地方基准"
    )


class StepOut(Schema):
    description: str
    rule: str
    source: str
    values: dict[str, str]
    unverified: bool


class ComputeOut(Schema):
    item_code: str
    item_name: str
    decision: str
    decision_label: str
    amount: str
    amount_words: str
    mode: str
    grade: str | None
    rule_set_id: str | None
    act_date: str
    act_end_date: str | None
    decision_date: str
    applied_law: str
    applied_article: str
    transition: dict[str, Any]
    law_notes: list[str]
    rule_set_name: str | None
    rule_set_notes: list[str]
    statutory_min: str | None
    statutory_max: str | None
    other_measures: list[str]
    serious: str | None
    daily_penalty_applicable: bool
    days: int | None = Field(None, description="按日连续处罚或加处罚款计算的日数")
    notices: list[str] = Field(default_factory=list, description="需要执法人员注意的提示")
    unverified: bool
    steps: list[StepOut]
    facts: dict[str, Any]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class QuestionsQuery(Schema):
    unit_id: int | None = Field(None, ge=1, le=2**62)
    on: dt.date | None = None
    rule_set: RuleSetId | None = None


DECISION_LABELS = {"no_penalty": "不予处罚", "warning": "警告", "fine": "罚款"}


def _context(
    request: HttpRequest, unit_id: int | None, on: dt.date | None, code: str, rule_set: str | None
) -> tuple[Unit, dt.date, PenaltyItem, Any]:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    unit = selectors.readable_unit(request.user, unit_id)
    on = on or timezone.localdate()
    item = catalog_items.items_for(unit, on).get(code.strip().upper())
    if item is None:
        raise ValidationError(
            {
                "item_code": [
                    f"未知的执法事项「{code[:40]}」：不在{unit.name}{on.isoformat()}有效的执法事项清单中"
                ]
            }
        )
    rule_set_id = catalog_items.default_rule_set_id(unit, on) if rule_set is None else rule_set
    return unit, on, item, catalog_items.resolve_rule_set(rule_set_id, on)


@router.post(
    "/compute",
    response={200: ComputeOut, 403: ErrorOut, 422: ErrorOut},
    summary="计算罚款（自由裁量）：按违法行为和处罚决定的日期选择适用的法律（从旧兼从轻），结论、金额和逐步推导",
)
def compute(request: HttpRequest, payload: ComputeIn) -> dict[str, Any]:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    unit = selectors.readable_unit(request.user, payload.unit_id)
    facts = payload.facts.model_dump(exclude_none=True) if payload.facts else {}
    comp = services.compute(
        unit=unit, item_code=payload.item_code, facts=facts, act_date=payload.act_date,
        act_end_date=payload.act_end_date, decision_date=payload.decision_date, rule_set=payload.rule_set,
    )
    r = comp.result
    data = r.to_dict()
    d = comp.dates
    return {
        **data,
        "item_code": comp.item.code,
        "item_name": comp.item.name,
        "decision_label": DECISION_LABELS[r.decision.value],
        "amount_words": rmb_upper(r.amount),
        "act_date": d.act_date.isoformat(),
        "act_end_date": d.act_end_date.isoformat() if d.act_end_date else None,
        "decision_date": d.decision_date.isoformat(),
        "applied_law": comp.applied_law,
        "applied_article": comp.applied_article,
        "transition": comp.transition.to_dict(),
        "law_notes": list(comp.law_notes),
        "rule_set_name": comp.rule_set.name if comp.rule_set else None,
        "rule_set_notes": list(comp.rule_set_notes),
        "unverified": any(s.unverified for s in comp.steps),
        "steps": [
            {"description": s.description, "rule": s.rule, "source": s.source, "values": s.values,
             "unverified": s.unverified}
            for s in comp.steps
        ],
        "facts": comp.facts,
    }


@router.get(
    "/items/{code}/questions",
    response={200: dict[str, Any], 403: ErrorOut, 422: ErrorOut},
    summary="执法事项的裁量问题（裁量因素、计罚基数、情节、免罚条件）",
)
def questions(
    request: HttpRequest,
    code: Annotated[str, Path(..., max_length=40, pattern=NO_NUL)],
    query: Query[QuestionsQuery],
) -> dict[str, Any]:
    _, on, item, rule_set = _context(request, query.unit_id, query.on, code, query.rule_set)
    q = catalog_items.questions(item, rule_set, on)
    return {
        "item_code": item.code,
        "item_name": item.name,
        "sanction_text": item.sanction_lines,
        "on": on.isoformat(),
        **q.to_dict(),
    }


class DailyIn(Strict):
    original_fine: Amount = Field(..., description="原处罚决定书确定的罚款数额（元）")
    cycles: list[CycleIn] = Field(..., min_length=1, max_length=50)


class LateFeeIn(Strict):
    fine: Amount = Field(..., description="罚款数额（元）")
    due_date: dt.date = Field(..., description="缴纳罚款的期限（最后一日）")
    paid_date: dt.date | None = Field(None, description="实际缴纳日期；未缴纳的按今天计算")
    paused_days: int = Field(0, ge=0, le=36500, description="行政复议或者行政诉讼期间，不予计算的天数")


class AmountStepsOut(Schema):
    days: int
    daily_amount: str
    amount: str
    amount_words: str
    capped: bool | None = None
    cap_day: int | None = None
    warnings: list[str] = Field(default_factory=list)
    steps: list[StepOut]


def _steps(steps: Any) -> list[dict[str, Any]]:
    return [{"description": s.description, "rule": s.rule, "source": s.source, "values": s.values,
             "unverified": s.unverified} for s in steps]


def _engine(call: Any) -> Any:
    try:
        return call()
    except CatalogError as exc:
        raise ValidationError({exc.path or "__all__": [exc.message]}) from None


@router.post("/daily", response={200: AmountStepsOut, 403: ErrorOut, 422: ErrorOut},
             summary="按日连续处罚：按责令改正送达日和复查日计算日数和罚款")
def daily(request: HttpRequest, payload: DailyIn) -> dict[str, Any]:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    cycles = [c.model_dump() for c in payload.cycles]
    r = _engine(lambda: daily_penalty.compute_daily_penalty(
        original_fine=payload.original_fine, cycles=daily_penalty.cycles_from_json(cycles)))
    return {"days": r.days, "daily_amount": plain(r.daily_amount), "amount": plain(r.amount),
            "amount_words": rmb_upper(r.amount), "warnings": list(r.warnings), "steps": _steps(r.steps)}


@router.post("/late-fee", response={200: AmountStepsOut, 403: ErrorOut, 422: ErrorOut},
             summary="加处罚款：逾期每日按罚款数额的百分之三，不超出罚款数额")
def late_fee(request: HttpRequest, payload: LateFeeIn) -> dict[str, Any]:
    authorize(request.user, "catalog.compute_penalty", action="catalog.compute_penalty")
    r = _engine(lambda: daily_penalty.late_fee_for_dates(
        fine=payload.fine, due_date=payload.due_date, paid_date=payload.paid_date,
        paused_days=payload.paused_days, today=timezone.localdate()))
    return {"days": r.days, "daily_amount": plain(r.daily_amount), "amount": plain(r.amount),
            "amount_words": rmb_upper(r.amount), "capped": r.capped, "cap_day": r.cap_day,
            "steps": _steps(r.steps)}
