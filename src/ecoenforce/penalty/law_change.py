"""The law by the date of the act (从旧兼从轻, 行政处罚法第三十七条), Django side: which catalog item was in
force at the act and at the decision, both computations and the choice (engine.transition).

* The items: the unit's effective catalog on the act-time date (the end of a continuing act) and on
  the decision date (``catalog_items.items_for``).  The item code given may be in force at either date;
  the other side is found through the catalog's mapping (the new item's ``predecessors``).
* One rule set (the one in force at the decision) computes both sides: a benchmark is applied when
  deciding, and the engine uses a table row only when the row's statutory basis is the item's.
* ``Computation`` is what the calculator, the API and ``services.record_decision`` use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.org.models import Unit
from ecoenforce.penalty import catalog_items
from ecoenforce.penalty.catalog_items import PenaltyItem
from ecoenforce.penalty.engine.benchmarks import RuleSet
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.laws import LawBook, LawPeriod, article_label, load_law_book
from ecoenforce.penalty.engine.questions import Questions
from ecoenforce.penalty.engine.transition import ActDates, Side, Transition, check_dates, choose
from ecoenforce.penalty.engine.types import Decision, PenaltyResult, Step


@functools.cache
def law_book() -> LawBook:
    return load_law_book()


def _invalid(exc: CatalogError) -> ValidationError:
    return ValidationError({exc.path or "facts": [exc.message]})


def dates(act_date: object, act_end_date: object = None, decision_date: object = None, *,
          today: dt.date) -> ActDates:
    try:
        return check_dates(act_date, act_end_date, decision_date, today=today)
    except CatalogError as exc:
        raise _invalid(exc) from None


@dataclass(frozen=True)
class Pair:
    act: PenaltyItem | None  # None: the act-time catalog has no such item
    decision: PenaltyItem | None  # None: the decision-time catalog no longer has it


def _successors(items: list[PenaltyItem], code: str) -> list[PenaltyItem]:
    return [i for i in items if code in i.predecessors]


def find_pair(unit: Unit | None, code: str, d: ActDates) -> Pair:
    """The item at the act and at the decision for `code` (in force at either date), following the
    mapping; ValidationError on item_code when it is at neither date or the mapping is ambiguous."""
    code = code.strip().upper()[:40]
    at_act = catalog_items.items_for(unit, d.governing)
    at_dec = catalog_items.items_for(unit, d.decision_date)
    act, dec = at_act.get(code), at_dec.get(code)
    if act is None and dec is None:  # an old code: follow it to its successor at both dates
        act = _one(_successors(at_act.items, code), "违法行为发生时", code)
        dec = _one(_successors(at_dec.items, code), "作出处罚决定时", code)
    if act is None and dec is None:
        raise ValidationError({"item_code": [
            f"执法事项「{code}」在违法行为发生时（{d.governing.isoformat()}）和作出处罚决定时"
            f"（{d.decision_date.isoformat()}）的执法事项清单中都不存在"]})
    if act is None and dec is not None:
        found = [i for i in at_act.items if i.code in dec.predecessors]
        act = _one(found, "违法行为发生时", code)
    elif dec is None and act is not None:
        dec = _one(_successors(at_dec.items, code), "作出处罚决定时", code)
    return Pair(act, dec)


def _one(found: list[PenaltyItem], when: str, code: str) -> PenaltyItem | None:
    if len(found) > 1:
        codes = "、".join(i.code for i in found)
        message = f"事项「{code}」在{when}对应多个事项（{codes}），请改用其中一个事项编码"
        raise ValidationError({"item_code": [message]})
    return found[0] if found else None


@dataclass(frozen=True)
class Computation:
    """The result of ``services.compute``: the applied item's computation, both sides and the choice."""

    item: PenaltyItem  # the applied item
    rule_set: RuleSet | None
    result: PenaltyResult  # the applied computation
    facts: dict[str, object]  # canonical JSON
    dates: ActDates
    transition: Transition
    law_notes: tuple[str, ...]
    rule_set_notes: tuple[str, ...] = ()

    @property
    def amount(self) -> Decimal:
        return self.result.amount

    @property
    def statutory_min(self) -> Decimal | None:
        return self.result.statutory_min

    @property
    def statutory_max(self) -> Decimal | None:
        return self.result.statutory_max

    @property
    def applied_law(self) -> str:
        return self.transition.applied_side.law

    @property
    def applied_article(self) -> str:
        return self.transition.applied_side.article

    @property
    def steps(self) -> tuple[Step, ...]:
        """The derivation: the choice of law first, then the applied computation."""
        return self.transition.steps() + self.result.steps


def law_of(item: PenaltyItem) -> tuple[str, str, LawPeriod | None]:
    """(《law》, 第…条…, its period) of the item's 处罚条款."""
    basis = item.penalty_basis or {}
    period = law_book().find(basis.get("law_code"), basis.get("law"))
    name = period.title if period else f"《{str(basis.get('law') or '').strip('《》')}》"
    article = article_label(basis.get("article"), basis.get("paragraph"), basis.get("clause"))
    return name, article, period


def _check_in_force(item: PenaltyItem, on: dt.date) -> None:
    """Never compute under a law that was not in force at the act (e.g. repealed, Code item missing)."""
    name, _, period = law_of(item)
    if period is not None and not period.in_force(on):
        raise ValidationError({"item_code": [
            f"事项「{item.code}」引用的{name}在违法行为发生时（{on.isoformat()}）不是有效的法律，"
            "执法事项清单中也没有对应的新事项，无法确定适用的规定：请联系法制审核人员更新执法事项清单"]})


def _side(role: str, on: dt.date, item: PenaltyItem, result: PenaltyResult | None) -> Side:
    law, article, _ = law_of(item)
    return Side(role, on, item.code, item.name, law, article, item.measures, result)


def compute(*, unit: Unit | None, item_code: str, facts: object, dates: ActDates,
            rule_set: RuleSet | None) -> Computation:
    pair = find_pair(unit, item_code, dates)
    if pair.act is None:
        raise ValidationError({"item_code": [
            f"违法行为发生时（{dates.governing.isoformat()}）的执法事项清单中没有与「{item_code[:40]}」"
            "对应的事项：当时的规定不处罚该行为，不得给予行政处罚"]})
    _check_in_force(pair.act, dates.governing)
    act_comp = catalog_items.compute(item=pair.act, rule_set=rule_set, facts=facts, on=dates.decision_date)
    act = _side("act", dates.governing, pair.act, act_comp.result)
    same = pair.decision is not None and pair.decision.code == pair.act.code and (
        pair.decision.sanction_data == pair.act.sanction_data)
    dec_comp = None
    if pair.decision is None:
        decision: Side | None = Side("decision", dates.decision_date, pair.act.code, pair.act.name,
                                     "", "", (), None)
    elif same:
        decision = None
    else:
        dec_comp = catalog_items.compute(item=pair.decision, rule_set=rule_set, facts=facts,
                                         on=dates.decision_date)
        decision = _side("decision", dates.decision_date, pair.decision, dec_comp.result)
    try:
        transition = choose(act, decision)
    except CatalogError as exc:
        raise _invalid(exc) from None
    applied = dec_comp if transition.applied_side is decision and dec_comp is not None else act_comp
    result = applied.result
    if decision is not None and decision.result is None:  # no longer punished (第三十七条但书)
        result = PenaltyResult(item_code=pair.act.code, decision=Decision.NO_PENALTY, amount=Decimal(0),
                               mode="law_change", steps=(), rule_set_id=act_comp.result.rule_set_id)
    return Computation(applied.item, rule_set, result, applied.facts, dates, transition,
                       law_notes(pair, dates, transition), rule_set_notes(rule_set, result, facts, dates))


WARN_BEFORE_END = dt.timedelta(days=90)  # platform convention: warn a quarter before a rule set ends


def rule_set_notes(rule_set: RuleSet | None, result: PenaltyResult, facts: object,
                   d: ActDates) -> tuple[str, ...]:
    """Which rule set applied, its validity, and when its rows were not used (factor levels ignored)."""
    if rule_set is None:
        out = ["未适用地方裁量基准：按平台通用规则计算，其取值未经核实"]
    else:
        ends = rule_set.effective_to.isoformat() if rule_set.effective_to else "未规定（原文未见）"
        out = [f"适用的裁量基准：{rule_set.name}（{rule_set.region}），有效期 "
               f"{rule_set.effective_from.isoformat()} 至 {ends}"]
        if rule_set.effective_to and d.decision_date + WARN_BEFORE_END >= rule_set.effective_to:
            out.append(f"该裁量基准将于 {rule_set.effective_to.isoformat()} 失效；"
                       "此后作出的处罚决定不再适用，请关注新的裁量基准")
        if result.mode == "generic":
            out.append(f"本事项不在《{rule_set.name}》已录入的裁量表中，按通用规则计算（平台默认取值未经核实）")
    levels = facts.get("levels") if isinstance(facts, dict) else None
    if levels and result.mode != "table":
        out.append("所填裁量因素档次未被采用：适用的规定没有对应的裁量表，按通用规则（从轻／一般／从重）计算")
    return tuple(out)


def law_notes(pair: Pair, d: ActDates, transition: Transition) -> tuple[str, ...]:
    """法律效力提示: each cited law's force at the act and at the decision, and the law applied."""
    out = list(force_notes(pair, d))
    side = transition.applied_side
    if side.result is None:
        out.append("作出处罚决定时的规定不再处罚该行为，依照《中华人民共和国行政处罚法》第三十七条不予处罚")
    else:
        out.append(f"本案适用：{side.law}{side.article}（{transition.ground}）")
    return tuple(dict.fromkeys(out))


def item_notes(unit: Unit | None, code: str, d: ActDates) -> tuple[str, ...]:
    """The force notes for an item before computing (the item card of the calculator)."""
    try:
        return force_notes(find_pair(unit, code, d), d)
    except ValidationError as exc:
        return tuple(exc.messages)


def force_notes(pair: Pair, d: ActDates) -> tuple[str, ...]:
    """Each cited law's force at the act and at the decision (never "in force" once repealed)."""
    out: list[str] = []
    sides = ((pair.act, d.governing, "违法行为发生时"), (pair.decision, d.decision_date, "作出处罚决定时"))
    for item, on, when in sides:
        if item is None:
            continue
        _, _, period = law_of(item)
        if period is not None:
            out.append(law_book().note(period, on, when))
            if when == "违法行为发生时" and not period.in_force(d.decision_date):
                out.append(law_book().note(period, d.decision_date, "作出处罚决定时"))
                if pair.decision is item:
                    out.append("作出处罚决定时的执法事项清单中没有该事项对应的新规定，未能比较新旧规定的轻重，"
                               "请法制审核人员核对新的规定是否处罚较轻或者不认为是违法")
    return tuple(dict.fromkeys(out))


def questions(unit: Unit | None, item: PenaltyItem, d: ActDates, rule_set: RuleSet | None) -> Questions:
    """The questions of the act-time item, with the factors and bases the decision-time item adds
    (both computations read the same facts)."""
    try:
        pair = find_pair(unit, item.code, d)
    except ValidationError:
        pair = Pair(None, None)
    first = pair.act or item
    q = catalog_items.questions(first, rule_set, d.decision_date)
    other = pair.decision if pair.decision is not None and pair.decision.code != first.code else None
    if other is None:
        return q
    extra = catalog_items.questions(other, rule_set, d.decision_date)
    ids = {f.id for f in q.factors}
    return dataclasses.replace(
        q, factors=q.factors + tuple(f for f in extra.factors if f.id not in ids),
        bases=q.bases + tuple(b for b in extra.bases if b not in q.bases))


def snapshot(comp: Computation) -> dict[str, Any]:
    """The choice of law as stored in the audit trail of a recorded decision."""
    return {"act_date": comp.dates.act_date.isoformat(),
            "act_end_date": comp.dates.act_end_date.isoformat() if comp.dates.act_end_date else None,
            "decision_date": comp.dates.decision_date.isoformat(), "applied_law": comp.applied_law,
            "applied_article": comp.applied_article, "transition": comp.transition.to_dict()}
