"""免罚清单 (exemption list) and 行政处罚法第三十三条 — when no penalty is given, and why.

The list is data (``data/exemptions/<province>.yaml``): entries per enforcement item, each with
conditions of a few kinds (see the YAML header), plus areas where the list never applies
(自然保护区 / 风景名胜区 / 饮用水水源保护区 for Guangdong).  ``evaluate_exemption`` reports every
condition as met or unmet with the values compared; an exemption is granted only when every
condition of one entry is met AND no excluded area applies.  A fact that was not supplied makes
its condition unmet (no proof, no exemption).  ``evaluate_art33`` applies 行政处罚法第三十三条
(不予处罚 / 可以不予处罚 首违不罚 / 无主观过错) with its own conditions.  Pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from .errors import PenaltyInputError, ValidationError
from .sanction import LegalSource, Reader, as_decimal, load_yaml, validate_item_code

__all__ = [
    "ART33_CONDITIONS",
    "EXEMPTIONS_DIR",
    "Condition",
    "ConditionKind",
    "ConditionResult",
    "EntryEvaluation",
    "Exceedance",
    "ExemptionEntry",
    "ExemptionFacts",
    "ExemptionList",
    "ExemptionOutcome",
    "evaluate_art33",
    "evaluate_exemption",
    "load_exemption_list",
]

EXEMPTIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "exemptions"
ART33_SOURCE = LegalSource("《行政处罚法》", "第三十三条")
ART33_CONDITIONS: Mapping[str, str] = MappingProxyType(
    {
        "minor": "违法行为轻微",
        "corrected_in_time": "及时改正",
        "no_harm_consequence": "没有造成危害后果",
        "first_offence": "初次违法",
        "harm_minor": "危害后果轻微",
        "no_fault": "有证据足以证明没有主观过错",
    }
)


class ConditionKind(StrEnum):
    FLAG = "flag"
    FIRST_OFFENCE = "first_offence"
    MEASURE_MAX = "measure_max"
    ONLY_EXCEEDANCE = "only_exceedance"
    NO_CATEGORY = "no_category"
    CORRECTED_BY_DEADLINE = "corrected_by_deadline"
    ANY_OF = "any_of"


@dataclass(frozen=True, slots=True)
class Condition:
    id: str
    kind: ConditionKind
    label: str
    fact: str | None = None
    value: Decimal | None = None
    strict: bool = False  # op: lt  (第二十三条 "以下" excludes the number)
    lookback_years: int | None = None
    pollutant: str | None = None
    category: str | None = None
    max_multiple: Decimal | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    children: tuple[Condition, ...] = ()
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class ExemptionEntry:
    id: str
    title: str
    item_codes: tuple[str, ...]
    conditions: tuple[Condition, ...]
    unverified: bool = False
    note: str | None = None
    # the old codes (acts before 2026-08-15) the entry serves, where the Code merged several old items
    # into one (水污法/大气法 超标排放 → 法典第一千一百零七条); empty: every predecessor by the mapping
    before_code: tuple[str, ...] = ()

    def serves(self, item_code: str, aliases: Iterable[str]) -> bool:
        if item_code in self.item_codes or item_code in self.before_code:
            return True
        return not self.before_code and bool(set(aliases) & set(self.item_codes))


@dataclass(frozen=True, slots=True)
class ExemptionList:
    id: str
    name: str
    source: LegalSource
    effective_from: dt.date
    effective_to: dt.date | None
    areas: Mapping[str, str]
    excluded_areas: frozenset[str]
    flags: Mapping[str, str]
    measures: Mapping[str, str]
    entries: tuple[ExemptionEntry, ...]
    transcription: str | None = None

    def entries_for(self, item_code: str, aliases: Iterable[str] = ()) -> tuple[ExemptionEntry, ...]:
        """The entries of the item; ``aliases`` are the codes the catalog's mapping links it to (an
        item of a repealed law → its successor under the Code, or back), so an entry keyed by the
        Code's code still serves an act committed before 2026-08-15."""
        return tuple(e for e in self.entries if e.serves(item_code, aliases))


@dataclass(frozen=True, slots=True)
class Exceedance:
    """One pollutant over its limit: ``multiple`` = (measured − limit) / limit; ``value`` e.g. pH."""

    pollutant: str
    category: str  # "A" | "B" (广东规定第十八条)
    multiple: Decimal | None = None
    value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ExemptionFacts:
    act_date: dt.date | None = None
    prior_violation_dates: tuple[dt.date, ...] = ()  # same-type violations (同类, 第二十一条)
    flags: frozenset[str] = frozenset()
    measures: Mapping[str, Decimal] = field(default_factory=dict)
    exceedances: tuple[Exceedance, ...] = ()
    areas: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()  # pollutant categories involved besides exceedances
    corrected_on: dt.date | None = None
    order_deadline: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ConditionResult:
    id: str
    label: str
    met: bool
    detail: str
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class EntryEvaluation:
    entry_id: str
    title: str
    met: bool
    conditions: tuple[ConditionResult, ...]
    discretionary: bool = False
    unverified: bool = False  # the entry (e.g. its item-code mapping) is not verified


@dataclass(frozen=True, slots=True)
class ExemptionOutcome:
    granted: bool
    basis: str  # "list" | "art33_minor" | "art33_no_fault" | "art33_first_offence" | ""
    source: str
    message: str
    entry_id: str | None = None
    title: str | None = None
    met_conditions: tuple[ConditionResult, ...] = ()
    evaluations: tuple[EntryEvaluation, ...] = ()
    exclusions: tuple[ConditionResult, ...] = ()  # excluded areas, met = the exclusion applies
    discretionary: bool = False
    unverified: bool = False  # the granting entry or one of its met conditions is unverified


# ---------------------------------------------------------------- loading

_LIST_KEYS = frozenset(
    {"id", "name", "source", "effective_from", "effective_to", "transcription", "areas", "flags",
     "measures", "entries"}
)
_ENTRY_KEYS = frozenset({"id", "title", "item_codes", "before_code", "conditions", "unverified", "note"})
_COND_KEYS = frozenset(
    {"id", "kind", "label", "fact", "value", "op", "lookback_years", "pollutant", "category",
     "max_multiple", "value_min", "value_max", "children", "unverified"}
)


def load_exemption_list(path: Path) -> ExemptionList:
    """Read and validate an exemption list; ValidationError names the file, entry and condition."""
    r = Reader(load_yaml(path), f"文件 {path.name}", _LIST_KEYS)
    areas, excluded = _areas(r)
    flags = _vocabulary(r, "flags")
    measures = _vocabulary(r, "measures")
    entries: list[ExemptionEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(r.items("entries")):
        entry = _entry(Reader(raw, r.at(f"entries[{i}]"), _ENTRY_KEYS), flags, measures)
        if entry.id in seen:
            raise ValidationError(f"条目编号重复：{entry.id}", r.at(f"entries[{i}]"))
        seen.add(entry.id)
        entries.append(entry)
    start, end = r.date("effective_from"), r.opt_date("effective_to")
    if end is not None and end < start:
        raise ValidationError("失效日期早于生效日期", r.at("effective_to"))
    return ExemptionList(
        id=r.text("id"), name=r.text("name"), source=r.source(), effective_from=start,
        effective_to=end, areas=MappingProxyType(areas), excluded_areas=frozenset(excluded),
        flags=MappingProxyType(flags), measures=MappingProxyType(measures), entries=tuple(entries),
        transcription=r.opt_text("transcription"),
    )


def _areas(r: Reader) -> tuple[dict[str, str], set[str]]:
    areas: dict[str, str] = {}
    excluded: set[str] = set()
    for i, raw in enumerate(r.items("areas")):
        a = Reader(raw, r.at(f"areas[{i}]"), frozenset({"code", "label", "excluded"}))
        code = a.text("code")
        if code in areas:
            raise ValidationError(f"区域代码重复：{code}", a.path)
        areas[code] = a.text("label")
        if a.flag("excluded"):
            excluded.add(code)
    if not excluded:
        raise ValidationError("至少应列明一个不适用免罚的区域", r.at("areas"))
    return areas, excluded


def _vocabulary(r: Reader, key: str) -> dict[str, str]:
    if not r.has(key):
        return {}
    v = r.child(key)
    return {str(k): v.text(str(k)) for k in v.data}


def _entry(e: Reader, flags: Mapping[str, str], measures: Mapping[str, str]) -> ExemptionEntry:
    codes = tuple(
        validate_item_code(c, e.at(f"item_codes[{j}]")) for j, c in enumerate(e.items("item_codes"))
    )
    if not codes:
        raise ValidationError("至少应对应一个执法事项编码", e.at("item_codes"))
    conds = tuple(
        _condition(Reader(c, e.at(f"conditions[{j}]"), _COND_KEYS), flags, measures)
        for j, c in enumerate(e.items("conditions"))
    )
    if not conds:
        raise ValidationError("免罚条目至少应有一项条件", e.at("conditions"))
    before = tuple(
        validate_item_code(c, e.at(f"before_code[{j}]"))
        for j, c in enumerate(e.items("before_code", required=False))
    )
    return ExemptionEntry(
        id=e.text("id"), title=e.text("title"), item_codes=codes, conditions=conds,
        unverified=e.flag("unverified"), note=e.opt_text("note"), before_code=before,
    )


def _condition(c: Reader, flags: Mapping[str, str], measures: Mapping[str, str]) -> Condition:
    try:
        kind = ConditionKind(c.text("kind"))
    except ValueError:
        raise ValidationError(f"未知的条件类型「{c.raw('kind')}」", c.at("kind")) from None
    fact = c.opt_text("fact")
    _check_fact(c, kind, fact, flags, measures)
    children = tuple(
        _condition(Reader(x, c.at(f"children[{j}]"), _COND_KEYS), flags, measures)
        for j, x in enumerate(c.items("children", required=kind is ConditionKind.ANY_OF))
    )
    if kind is ConditionKind.ANY_OF and len(children) < 2:
        raise ValidationError("any_of 至少需要两个子条件", c.at("children"))
    op = c.opt_text("op") or "le"
    if op not in ("le", "lt"):
        raise ValidationError("op 只能是 le（不超过，含本数）或 lt（以下，不含本数）", c.at("op"))
    years = c.opt_decimal("lookback_years", Decimal(1), Decimal(10))
    category = c.opt_text("category")
    if category not in (None, "A", "B"):
        raise ValidationError("污染物类别只能是 A 或 B（第十八条）", c.at("category"))
    if kind is ConditionKind.NO_CATEGORY and category is None:
        raise ValidationError("no_category 必须指明 category", c.at("category"))
    return Condition(
        id=c.text("id"), kind=kind, label=c.text("label"), fact=fact,
        value=c.opt_decimal("value", Decimal(0)), strict=op == "lt",
        lookback_years=None if years is None else int(years), pollutant=c.opt_text("pollutant"),
        category=category, max_multiple=c.opt_decimal("max_multiple", Decimal(0)),
        value_min=c.opt_decimal("value_min"), value_max=c.opt_decimal("value_max"),
        children=children, unverified=c.flag("unverified"),
    )


def _check_fact(
    c: Reader, kind: ConditionKind, fact: str | None, flags: Mapping[str, str], measures: Mapping[str, str]
) -> None:
    if kind is ConditionKind.FLAG and fact not in flags:
        raise ValidationError(f"flag 条件的 fact「{fact}」未在 flags 中声明", c.at("fact"))
    if kind is ConditionKind.MEASURE_MAX:
        if fact not in measures:
            raise ValidationError(f"measure_max 条件的 fact「{fact}」未在 measures 中声明", c.at("fact"))
        if c.raw("value") is None:
            raise ValidationError("measure_max 必须有 value", c.at("value"))


# ---------------------------------------------------------------- evaluation


def evaluate_exemption(
    exemption_list: ExemptionList, item_code: str, facts: ExemptionFacts, aliases: Iterable[str] = ()
) -> ExemptionOutcome:
    """Evaluate every entry of the list for ``item_code``; grant only when one entry is fully met
    and no excluded area applies (the exclusion wins over every condition)."""
    _validate_facts(exemption_list, facts)
    source = f"{exemption_list.name}（{exemption_list.source}）"
    exclusions = tuple(
        ConditionResult(
            id=f"excluded_area:{code}", label=f"违法行为发生在{exemption_list.areas[code]}",
            met=code in facts.areas,
            detail="发生区域属于不适用免罚的区域" if code in facts.areas else "不在该区域",
        )
        for code in sorted(exemption_list.excluded_areas)
    )
    evaluations = tuple(_evaluate_entry(e, facts) for e in exemption_list.entries_for(item_code, aliases))
    if not evaluations:
        msg = f"免罚清单中无事项 {item_code} 的条目"
        return ExemptionOutcome(False, "", source, msg, exclusions=exclusions)
    winner = next((ev for ev in evaluations if ev.met), None)
    applied = [x for x in exclusions if x.met]
    if winner is None or applied:
        reason = "；".join(x.label for x in applied) if applied else "条件未全部满足"
        return ExemptionOutcome(
            False, "", source, f"不符合免罚清单：{reason}", evaluations=evaluations, exclusions=exclusions
        )
    return ExemptionOutcome(
        True, "list", source, f"符合免罚清单「{winner.title}」，不予行政处罚",
        entry_id=winner.entry_id, title=winner.title, met_conditions=winner.conditions,
        evaluations=evaluations, exclusions=exclusions, unverified=winner.unverified,
    )


def _validate_facts(exemption_list: ExemptionList, facts: ExemptionFacts) -> None:
    for code in sorted(facts.areas - set(exemption_list.areas)):
        known = "、".join(exemption_list.areas)
        raise PenaltyInputError(f"未知的区域代码「{code}」，可选：{known}", "facts.exemption.areas")
    for flag in sorted(facts.flags - set(exemption_list.flags)):
        raise PenaltyInputError(f"未知的事实标记「{flag}」", "facts.exemption.flags")
    for key, value in facts.measures.items():
        if key not in exemption_list.measures:
            raise PenaltyInputError(f"未知的量化事实「{key}」", "facts.exemption.measures")
        as_decimal(value, f"facts.exemption.measures.{key}", error=PenaltyInputError)
    for i, exc in enumerate(facts.exceedances):
        if exc.category not in ("A", "B"):
            raise PenaltyInputError("污染物类别只能是 A 或 B", f"facts.exemption.exceedances[{i}].category")


def _evaluate_entry(entry: ExemptionEntry, facts: ExemptionFacts) -> EntryEvaluation:
    results = tuple(_evaluate(c, facts) for c in entry.conditions)
    unverified = entry.unverified or any(r.unverified for r in results)
    return EntryEvaluation(entry.id, entry.title, all(r.met for r in results), results, unverified=unverified)


def _evaluate(c: Condition, facts: ExemptionFacts) -> ConditionResult:
    met, detail = _CHECKS[c.kind](c, facts)
    return ConditionResult(c.id, c.label, met, detail, c.unverified)


def _check_flag(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    met = c.fact in facts.flags
    return met, "已确认" if met else "未确认该事实"


def _check_first_offence(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    if c.lookback_years is None:
        n = len(facts.prior_violation_dates)
        return n == 0, f"此前同类违法 {n} 次"
    if facts.act_date is None:
        return False, "未提供违法行为发生日期，无法回溯"
    start = _years_before(facts.act_date, c.lookback_years)
    n = sum(1 for d in facts.prior_violation_dates if start <= d < facts.act_date)
    return n == 0, f"{start.isoformat()} 至 {facts.act_date.isoformat()} 前同类违法 {n} 次（第二十二条）"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_measure(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    assert c.fact is not None and c.value is not None
    raw = facts.measures.get(c.fact)
    if raw is None:
        return False, "未提供该数值"
    value = as_decimal(raw, f"facts.exemption.measures.{c.fact}", error=PenaltyInputError)
    met = value < c.value if c.strict else value <= c.value
    op = "<" if c.strict else "≤"
    return met, f"{value} {op} {c.value}" if met else f"{value} 不满足 {op} {c.value}"


def _check_only_exceedance(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    if len(facts.exceedances) != 1:
        return False, f"超标污染物 {len(facts.exceedances)} 项（须仅1项）"
    e = facts.exceedances[0]
    problems: list[str] = []
    if c.pollutant is not None and e.pollutant != c.pollutant:
        problems.append(f"超标污染物为 {e.pollutant}")
    if c.category is not None and e.category != c.category:
        problems.append(f"类别为 {e.category} 类")
    if c.max_multiple is not None:
        problems += _bound(e.multiple, c.max_multiple, c.strict, "超标倍数")
    if c.value_min is not None or c.value_max is not None:
        problems += _within(e.value, c.value_min, c.value_max)
    detail = f"{e.pollutant}（{e.category}类）倍数 {e.multiple} 数值 {e.value}"
    return not problems, detail if not problems else "；".join(problems)


def _bound(value: Decimal | None, limit: Decimal, strict: bool, name: str) -> list[str]:
    if value is None:
        return [f"未提供{name}"]
    ok = value < limit if strict else value <= limit
    return [] if ok else [f"{name} {value} 超过 {limit}"]


def _within(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> list[str]:
    if value is None:
        return ["未提供监测数值"]
    if (low is not None and value < low) or (high is not None and value > high):
        return [f"数值 {value} 不在 {low}～{high} 之间"]
    return []


def _check_no_category(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    involved = facts.categories | {e.category for e in facts.exceedances}
    met = c.category not in involved
    return met, f"不涉及{c.category}类污染物" if met else f"涉及{c.category}类污染物"


def _check_corrected(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    if facts.corrected_on is None or facts.order_deadline is None:
        return False, "未提供改正日期或责令改正期限"
    met = facts.corrected_on <= facts.order_deadline
    return met, f"改正日期 {facts.corrected_on.isoformat()}，期限 {facts.order_deadline.isoformat()}"


def _check_any(c: Condition, facts: ExemptionFacts) -> tuple[bool, str]:
    results = [_evaluate(child, facts) for child in c.children]
    parts = [f"{r.label}：{'满足' if r.met else '不满足'}（{r.detail}）" for r in results]
    return any(r.met for r in results), "；".join(parts)


_CHECKS = {
    ConditionKind.FLAG: _check_flag,
    ConditionKind.FIRST_OFFENCE: _check_first_offence,
    ConditionKind.MEASURE_MAX: _check_measure,
    ConditionKind.ONLY_EXCEEDANCE: _check_only_exceedance,
    ConditionKind.NO_CATEGORY: _check_no_category,
    ConditionKind.CORRECTED_BY_DEADLINE: _check_corrected,
    ConditionKind.ANY_OF: _check_any,
}


# ---------------------------------------------------------------- 行政处罚法第三十三条

_ART33_BRANCHES: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("art33_minor", "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚（第一款前段）",
     ("minor", "corrected_in_time", "no_harm_consequence"), False),
    ("art33_no_fault", "当事人有证据足以证明没有主观过错的，不予行政处罚（第二款）", ("no_fault",), False),
    ("art33_first_offence", "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（第一款后段，首违不罚）",
     ("first_offence", "harm_minor", "corrected_in_time"), True),
)


def evaluate_art33(
    conditions: Iterable[str], *, apply_discretionary: bool = False, no_fault_excluded_by_law: bool = False
) -> ExemptionOutcome:
    """行政处罚法第三十三条.  Mandatory branches grant by themselves; 首违不罚 ("可以") grants only
    when the officer chooses to apply it (``apply_discretionary``).  ``no_fault_excluded_by_law``:
    a law or administrative regulation provides otherwise for 无主观过错 (第二款但书)."""
    given = frozenset(conditions)
    for code in sorted(given - set(ART33_CONDITIONS)):
        known = "、".join(ART33_CONDITIONS)
        raise PenaltyInputError(f"未知的第三十三条情形「{code}」，可选：{known}", "facts.art33")
    evaluations = tuple(_art33_branch(b, given, no_fault_excluded_by_law) for b in _ART33_BRANCHES)
    for ev in evaluations:
        if ev.met and (not ev.discretionary or apply_discretionary):
            return ExemptionOutcome(
                True, ev.entry_id, str(ART33_SOURCE), ev.title + "；应当对当事人进行教育（第三款）",
                entry_id=ev.entry_id, title=ev.title, met_conditions=ev.conditions,
                evaluations=evaluations, discretionary=ev.discretionary,
            )
    return ExemptionOutcome(
        False, "", str(ART33_SOURCE), "不符合第三十三条不予处罚情形", evaluations=evaluations
    )


def _art33_branch(
    branch: tuple[str, str, tuple[str, ...], bool], given: frozenset[str], no_fault_excluded: bool
) -> EntryEvaluation:
    basis, title, needed, discretionary = branch
    results = [
        ConditionResult(code, ART33_CONDITIONS[code], code in given, "已认定" if code in given else "未认定")
        for code in needed
    ]
    if basis == "art33_no_fault" and no_fault_excluded:
        results.append(
            ConditionResult("law_excludes", "法律、行政法规未另有规定", False, "法律、行政法规另有规定")
        )
    return EntryEvaluation(basis, title, all(r.met for r in results), tuple(results), discretionary)
