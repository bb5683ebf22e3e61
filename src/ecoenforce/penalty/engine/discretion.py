"""The discretion engine (自由裁量): facts + statutory sanction + benchmark → amount and derivation.

Benchmarks are data (``data/benchmarks/<province>.yaml``, one rule set per file), validated by
``load_rule_set`` and held by a ``BenchmarkRegistry`` (both in ``.benchmarks``; the facts and result
types are in ``.penalty_types``; all re-exported here).  ``compute_penalty`` is pure: it returns a
``PenaltyResult`` whose ``steps`` say, in Chinese, every number used, the rule and its legal
source, so the result can be stored with its inputs and shown in the decision.

Order of the derivation (each a step):
 1. 免罚: 行政处罚法第三十三条 (mandatory branches), then the exemption list, then 首违不罚 when
    the officer applies it → ``no_penalty`` with the exact conditions met.
 2. 警告: warning-only sanction, or a warning chosen where the law allows it → ``warning``.
 3. Base amount: the weight table (广东第六条 权重累加: Σ(起点+因素权重) × 法定最高额) when the
    rule set has a row for the item, else the generic rule (第五条 → 第十二条).
 4. 法定幅度校验: clamp to the statutory range.
 5. 从轻/从重 (table mode only): 行政处罚法第三十二条 grounds or heavier flags move the result
    inside the range (platform default, unverified: position×s / 1−(1−position)×s, s = 0.4).
 6. 公开道歉承诺 (广东第十四条): −30%..−50%, never below the statutory minimum, 11 exclusions.
 7. 减轻 (below the minimum) only with a recorded legal ground.
 8. Rounding to whole yuan, ROUND_HALF_UP — platform convention (no source found), unverified.

Platform decisions where the sources are silent (each step that uses one is marked unverified):
 * 第十二条 gives only bounds for 从轻 (< middle) and 从重 (≥ middle) of a two-sided range or of
   multiples: 从轻 = min + 20%·(max − min), 从重 = min + 80%·(max − min) (the 20%/50% of 第十二条第
   （三）项 mirrored); only a maximum: 从重 = 80%·max; only a minimum: 从轻 = 1×min.  Data in the
   rule set (``generic.platform_defaults``), so a legal reviewer changes a number, not code.
 * Grade: explicit ``facts.grade`` wins; otherwise 第三十二条 grounds → 从轻, heavier flags → 从重,
   neither → 一般; both without an explicit grade → error.
 * Table mode + grade: the weighted result is moved inside the range by its position p:
   从轻 p·s, 从重 1 − (1 − p)·s, s = 0.4 — monotone, and always below / not below the middle.
 * 公开道歉承诺 exclusion (十) "法定最低罚款" applies automatically when the amount before the
   reduction is at the statutory minimum; exclusion (四) when the 第十条 heavier flag is set.
 * 减轻: a whole-yuan amount > 0 and below the minimum, with a non-empty recorded legal ground.
 * A table row is used only when the item's sanction (kind, min, max, base) equals the row's
   statutory basis; otherwise the engine refuses (the catalog and the benchmark disagree).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .benchmarks import (
    BENCHMARKS_DIR,
    NATIONAL_HEAVIER,
    PLATFORM_GENERIC,
    ApologyExclusion,
    ApologyRule,
    BenchmarkRegistry,
    Circumstance,
    Factor,
    GenericRule,
    Level,
    MediumRule,
    RuleSet,
    SpecialRule,
    Table,
    load_rule_set,
)
from .errors import PenaltyInputError
from .exemption import ExemptionList, ExemptionOutcome, evaluate_art33, evaluate_exemption
from .periodic import Periodic, compute_periodic, periodic_kind
from .sanction import (
    BASES,
    LegalSource,
    Sanction,
    SanctionKind,
    as_decimal,
    fmt_pct,
    fmt_rate,
    fmt_yuan,
    validate_item_code,
)
from .types import (
    GRADE_LABELS,
    MEDIA,
    MITIGATING_GROUNDS,
    UNPROVABLE,
    Apology,
    Decision,
    Grade,
    Mitigation,
    PenaltyFacts,
    PenaltyResult,
    Step,
    plain,
)

# The rule-set model and loader live in .benchmarks, the facts and result types in .penalty_types;
# they are re-exported here so that ``from ecoenforce.penalty.engine.discretion import …`` keeps working.
__all__ = [
    "BENCHMARKS_DIR", "GRADE_LABELS", "MITIGATING_GROUNDS", "NATIONAL_HEAVIER", "PLATFORM_GENERIC",
    "UNPROVABLE", "Apology", "ApologyExclusion", "ApologyRule", "BenchmarkRegistry", "Circumstance",
    "Decision", "Factor", "GenericRule", "Grade", "Level", "MediumRule", "Mitigation", "PenaltyFacts",
    "PenaltyResult", "RuleSet", "SpecialRule", "Step", "Table", "compute_penalty", "load_rule_set", "plain",
]

HUNDRED = Decimal(100)
ONE = Decimal(1)
HALF = Decimal("0.5")
FEN = Decimal("0.01")

PUNISH_32 = LegalSource("《行政处罚法》", "第三十二条")
PLATFORM_NOTE = "平台默认，未经核实"
ROUNDING_SOURCE = LegalSource("平台约定", "罚款取整到元（四舍五入）", unverified=True)


@dataclass(slots=True)
class _Ctx:
    item_code: str
    sanction: Sanction
    rule_set: RuleSet | None
    facts: PenaltyFacts
    aliases: tuple[str, ...] = ()
    steps: list[Step] = field(default_factory=list)
    low: Decimal | None = None
    high: Decimal | None = None
    base_amount: Decimal | None = None
    notices: list[str] = field(default_factory=list)

    def step(self, description: str, rule: str, source: LegalSource | str,
             unverified: bool = False, **values: object) -> None:
        if isinstance(source, LegalSource):
            unverified = unverified or source.unverified
        self.steps.append(Step(description, rule, str(source), tuple(values.items()), unverified))

    def result(self, decision: Decision, amount: Decimal, mode: str, **kw: object) -> PenaltyResult:
        s = self.sanction
        kw.setdefault("notices", tuple(self.notices))
        return PenaltyResult(
            item_code=self.item_code, decision=decision, amount=amount, mode=mode,
            steps=tuple(self.steps), other_measures=s.other_measures, serious=s.serious,
            daily_penalty_applicable=s.daily_penalty, statutory_min=self.low, statutory_max=self.high,
            rule_set_id=None if self.rule_set is None else self.rule_set.id, **kw,  # type: ignore[arg-type]
        )


# ---------------------------------------------------------------- the engine


def compute_penalty(
    *,
    item_code: str,
    sanction: Sanction,
    rule_set: RuleSet | None,
    facts: PenaltyFacts,
    exemptions: ExemptionList | None = None,
    aliases: tuple[str, ...] = (),
) -> PenaltyResult:
    """Decide no penalty / warning / fine for one violation and derive the amount step by step.
    ``aliases``: the codes the catalog maps the item to (for the exemption list's entries)."""
    validate_item_code(item_code, "item_code", PenaltyInputError, any_catalog_code=True)
    ctx = _Ctx(item_code, sanction, rule_set, facts, aliases=aliases)
    _validate_circumstances(ctx)
    exempt = _exemption(ctx, exemptions)
    if exempt is not None:
        return exempt
    if sanction.kind is SanctionKind.NONE:
        raise PenaltyInputError(f"事项 {item_code} 的法定罚则不含罚款或警告，无需裁量罚款", "sanction.kind")
    warned = _warning(ctx)
    if warned is not None:
        return warned
    kind = periodic_kind(sanction)
    if kind is not None:
        return _periodic(ctx, kind)
    return _fine(ctx)


def _periodic(ctx: _Ctx, kind: Periodic) -> PenaltyResult:
    """按日连续处罚 / 加处罚款: the amount from the officer's dates, not one day's amount."""
    if ctx.facts.mitigation is not None or ctx.facts.apology is not None:
        raise PenaltyInputError("按日连续处罚、加处罚款的数额由日数确定，不适用减轻处罚或公开道歉承诺",
                                "facts.mitigation")
    fine = _base_amount(ctx)
    ctx.step(f"法定罚则：{ctx.sanction.describe()}", "法定处罚幅度", f"执法事项 {ctx.item_code}",
             base=fine)
    p = compute_periodic(kind, ctx.sanction, fine, ctx.facts)
    ctx.steps.extend(p.steps)
    # whole yuan shown as such (30000, not 30000.00); fen kept when there are any
    amount = p.amount.quantize(ONE) if p.amount == p.amount.to_integral_value() else p.amount
    ctx.low = ctx.high = amount  # fixed by the law once the days are known
    decision = Decision.FINE if amount > 0 else Decision.NO_PENALTY
    return ctx.result(decision, amount, kind.value, notices=p.notices, days=p.days)


def _medium_table(ctx: _Ctx, table: Table | None) -> Table | None:
    """A row written for one medium applies only to it: another medium's case gets the generic rule
    and the derivation says why (e.g. 广东 §3.4.2 water rows not transcribed)."""
    if table is None or table.medium is None:
        return table
    m, chosen = table.medium, ctx.facts.medium
    if chosen is None:
        options = "、".join(f"{k}（{v}）" for k, v in MEDIA.items())
        raise PenaltyInputError(f"请回答：{m.question}（可选：{options}）", "facts.medium")
    if chosen == m.applies_to:
        ctx.step(f"{m.question} {MEDIA[chosen]}：适用裁量表 {table.section}（{MEDIA[chosen]}）",
                 "按污染物类别选择裁量表", m.source, medium=chosen)
        return table
    why = m.missing.get(chosen, f"裁量基准没有{MEDIA[chosen]}的裁量表")
    text = (f"{m.question} {MEDIA[chosen]}：裁量表 {table.section} 所录入的是{MEDIA[m.applies_to]}的裁量表，"
            f"不得适用于{MEDIA[chosen]}；{why}，本案按通用规则（从轻／一般／从重）计算")
    ctx.step(text, "按污染物类别选择裁量表", m.source, unverified=True, medium=chosen)
    ctx.notices.append(text)
    return None


def _fine(ctx: _Ctx) -> PenaltyResult:
    escalation = ctx.sanction.escalation
    if ctx.facts.escalated:
        if escalation is None:
            raise PenaltyInputError("该事项没有加重档次罚款", "facts.escalated")
        ctx.sanction = ctx.sanction.escalated()
        ctx.step(f"适用加重档次：{escalation.condition}", "加重档次罚款",
                 f"执法事项 {ctx.item_code} 法定罚则")
    s = ctx.sanction
    if s.min is None and s.max is None:
        raise PenaltyInputError("法律未规定罚款幅度，须先依地方性法规或规章确定幅度", "sanction")
    ctx.base_amount = _base_amount(ctx) if s.kind is SanctionKind.MULTIPLE else None
    ctx.low, ctx.high = s.bounds(ctx.base_amount)
    ctx.step(f"法定罚则：{s.describe()}", "法定处罚幅度", f"执法事项 {ctx.item_code}",
             min=_dash(ctx.low), max=_dash(ctx.high), base=_dash(ctx.base_amount))
    grade = _grade(ctx)
    table = None if ctx.rule_set is None or ctx.facts.escalated else ctx.rule_set.table(ctx.item_code)
    table = _medium_table(ctx, table)
    if table is not None:
        amount = _table_amount(ctx, table)
        amount = _clamp(ctx, amount)
        amount = _table_grade(ctx, amount, grade)
    else:
        amount = _clamp(ctx, _generic_amount(ctx, grade))
    amount = _apology(ctx, amount)
    amount, mitigated = _mitigation(ctx, amount)
    amount = _round(ctx, amount, mitigated)
    return ctx.result(Decision.FINE, amount, "table" if table else "generic", grade=grade)


def _dash(value: Decimal | None) -> object:
    return "—" if value is None else value


def _validate_circumstances(ctx: _Ctx) -> None:
    f = ctx.facts
    for code in sorted(f.mitigating - set(MITIGATING_GROUNDS)):
        raise PenaltyInputError(f"未知的从轻/减轻情形「{code}」，可选：{'、'.join(MITIGATING_GROUNDS)}",
                                "facts.mitigating")
    known = {c.code for c in _heavier_list(ctx)}
    for code in sorted(f.heavier - known):
        options = "、".join(sorted(known))
        raise PenaltyInputError(f"未知的从重情形「{code}」，可选：{options}", "facts.heavier")
    if f.grade is not None and not isinstance(f.grade, Grade):
        raise PenaltyInputError(f"未知的裁量档次「{f.grade}」", "facts.grade")


def _heavier_list(ctx: _Ctx) -> tuple[Circumstance, ...]:
    return NATIONAL_HEAVIER if ctx.rule_set is None else ctx.rule_set.heavier


def _exemption(ctx: _Ctx, exemptions: ExemptionList | None) -> PenaltyResult | None:
    f = ctx.facts
    if not f.art33 and (exemptions is None or f.exemption is None):
        return None  # nothing to review (fast path)
    art33 = evaluate_art33(f.art33, apply_discretionary=f.apply_first_offence_waiver,
                           no_fault_excluded_by_law=f.no_fault_excluded_by_law)
    if art33.granted and not art33.discretionary:
        return _no_penalty(ctx, art33)
    listed = None
    if exemptions is not None and f.exemption is not None:
        listed = evaluate_exemption(exemptions, ctx.item_code, f.exemption, ctx.aliases)
        if listed.granted:
            return _no_penalty(ctx, listed)
    if art33.granted:
        return _no_penalty(ctx, art33)
    for outcome in (art33, listed):
        if outcome is not None and (f.art33 or outcome is listed):
            ctx.step(f"免罚审查：{outcome.message}", "不予处罚条件审查", outcome.source,
                     unmet=_unmet(outcome))
    return None


def _unmet(outcome: ExemptionOutcome) -> str:
    names = [f"{ev.title}：{c.label}" for ev in outcome.evaluations for c in ev.conditions if not c.met]
    names += [x.label for x in outcome.exclusions if x.met]
    return "；".join(names) or "—"


def _no_penalty(ctx: _Ctx, outcome: ExemptionOutcome) -> PenaltyResult:
    met = "；".join(f"{c.label}（{c.detail}）" for c in outcome.met_conditions)
    ctx.step(f"不予行政处罚：{outcome.message}", outcome.title or "不予处罚", outcome.source,
             unverified=outcome.unverified, conditions_met=met)
    return ctx.result(Decision.NO_PENALTY, Decimal(0), "exemption", exemption=outcome)


def _warning(ctx: _Ctx) -> PenaltyResult | None:
    s, f = ctx.sanction, ctx.facts
    if s.kind is SanctionKind.WARNING_ONLY:
        reason = "法定罚则仅为警告"
    elif f.prefer_warning:
        if not s.warning:
            raise PenaltyInputError("该事项的法定罚则不包括警告，不能选择警告", "facts.prefer_warning")
        reason = "法定罚则允许警告，执法人员选择给予警告"
    else:
        return None
    if f.mitigation is not None or f.apology is not None:
        raise PenaltyInputError("给予警告时不适用减轻罚款或公开道歉承诺", "facts.mitigation")
    ctx.step(reason, "警告", f"执法事项 {ctx.item_code}")
    return ctx.result(Decision.WARNING, Decimal(0), "warning")


def _base_amount(ctx: _Ctx) -> Decimal:
    code = ctx.sanction.base
    assert code is not None
    raw = ctx.facts.bases.get(code)
    if raw is None:
        raise PenaltyInputError(f"缺少计罚基数：{BASES[code]}（{code}）", f"facts.bases.{code}")
    value = as_decimal(raw, f"facts.bases.{code}", error=PenaltyInputError)
    if value <= 0:
        raise PenaltyInputError(f"计罚基数{BASES[code]}必须大于0", f"facts.bases.{code}")
    floor = ctx.sanction.base_floor
    if floor is not None and value < floor:
        ctx.step(f"{BASES[code]} {fmt_yuan(value)} 不足 {fmt_yuan(floor)}，按 {fmt_yuan(floor)} 计算",
                 "计罚基数下限", f"执法事项 {ctx.item_code} 法定罚则", before=value, base=floor)
        return floor
    return value


def _grade(ctx: _Ctx) -> Grade:
    f = ctx.facts
    for code in sorted(f.mitigating):
        ctx.step(f"应当从轻或者减轻情形：{MITIGATING_GROUNDS[code]}", "法定从轻、减轻情节", PUNISH_32)
    for c in _heavier_list(ctx):
        if c.code in f.heavier:
            ctx.step(f"从重情形：{c.label}", "从重处罚情节", c.source)
    if f.grade is not None:
        ctx.step(f"裁量档次由执法人员确定为「{GRADE_LABELS[f.grade]}」", "裁量档次", "执法人员认定")
        return f.grade
    if f.mitigating and f.heavier:
        raise PenaltyInputError("同时存在从轻与从重情节，请明确裁量档次（从轻/一般/从重）", "facts.grade")
    return Grade.LIGHTER if f.mitigating else Grade.HEAVIER if f.heavier else Grade.GENERAL


def _table_amount(ctx: _Ctx, table: Table) -> Decimal:
    assert ctx.rule_set is not None
    levels = ctx.facts.levels
    for fid in sorted(set(levels) - {f.id for f in table.factors}):
        raise PenaltyInputError(f"裁量表 {table.section} 中没有因素「{fid}」", f"facts.levels.{fid}")
    total = table.start
    ctx.step(f"裁量表 {table.section}「{table.title}」裁量起点 {fmt_pct(table.start)}", "裁量起点",
             table.source, weight=table.start, total=total)
    for factor in table.factors:
        level, unprovable = _chosen_level(factor, levels, table)
        total += level.weight
        note = "（确无法查明，按最低档次计算）" if unprovable else ""
        ctx.step(f"{factor.question} {level.label}{note}：+{fmt_pct(level.weight)}", f"裁量因素 {factor.id}",
                 ctx.rule_set.unprovable_source if unprovable else table.source,
                 unverified=level.label_unverified, level=level.id, weight=level.weight, total=total)
    for rule in table.special_rules:
        if total < rule.below:
            ctx.step(f"{rule.description}：{fmt_pct(total)} → {fmt_pct(rule.set_to)}", "裁量百分比下限",
                     rule.source, before=total, total=rule.set_to)
            total = rule.set_to
    total = min(total, HUNDRED)
    return _apply_target(ctx, table, total)


def _chosen_level(factor: Factor, levels: Mapping[str, str], table: Table) -> tuple[Level, bool]:
    chosen = levels.get(factor.id)
    if chosen is None:
        raise PenaltyInputError(
            f"缺少裁量因素「{factor.question}」的认定；确无法查明的请选择“无法查明”({UNPROVABLE})",
            f"facts.levels.{factor.id}")
    if chosen == UNPROVABLE:
        return factor.lowest_level, True
    level = factor.level(chosen)
    if level is None:
        options = "、".join(f"{lv.id}（{lv.label}）" for lv in factor.levels)
        raise PenaltyInputError(f"「{chosen}」不是裁量表 {table.section} 因素「{factor.question}」的档次，"
                                f"可选：{options}", f"facts.levels.{factor.id}")
    return level, False


def _apply_target(ctx: _Ctx, table: Table, total: Decimal) -> Decimal:
    s = ctx.sanction
    if s.kind is not table.statutory.kind or (s.min, s.max, s.base) != (
        table.statutory.min, table.statutory.max, table.statutory.base
    ):
        raise PenaltyInputError(f"执法事项的法定罚则（{s.describe()}）与裁量表 {table.section} 所依据的"
                                f"罚则（{table.statutory.describe()}）不一致", "sanction")
    assert s.max is not None
    source = ctx.rule_set.source if ctx.rule_set else table.source
    if table.target == "base_times_max_rate":
        assert ctx.base_amount is not None
        amount = total / HUNDRED * ctx.base_amount * s.max
        ctx.step(f"权重累加 {fmt_pct(total)} × {BASES[s.base or '']} {fmt_yuan(ctx.base_amount)} × "
                 f"法定最高比例 {fmt_rate(s.max)} = {fmt_yuan(amount)}", "权重累加模式", source,
                 total=total, base=ctx.base_amount, max_rate=s.max, amount=amount)
    else:
        amount = total / HUNDRED * s.max
        ctx.step(f"权重累加 {fmt_pct(total)} × 法定最高罚款 {fmt_yuan(s.max)} = {fmt_yuan(amount)}",
                 "权重累加模式", source, total=total, max=s.max, amount=amount)
    return amount


def _generic_amount(ctx: _Ctx, grade: Grade) -> Decimal:
    s = ctx.sanction
    g = ctx.rule_set.generic if ctx.rule_set else GenericRule()
    source = g.source if ctx.rule_set else PLATFORM_GENERIC
    value, how, platform = _generic_value(s, g, grade)
    fmt = fmt_rate if s.kind is SanctionKind.MULTIPLE else fmt_yuan
    text = f"未列入裁量表，按通用规则「{GRADE_LABELS[grade]}」：{how} = {fmt(value)}"
    if s.kind is SanctionKind.MULTIPLE:
        assert ctx.base_amount is not None
        amount = value * ctx.base_amount
        text += f"；× {BASES[s.base or '']} {fmt_yuan(ctx.base_amount)} = {fmt_yuan(amount)}"
    else:
        amount = value
    note = f"（{PLATFORM_NOTE}）" if platform else ""
    ctx.step(text + note, "通用裁量规则", source, unverified=platform, grade=grade.value,
             value=value, amount=amount)
    return amount


def _generic_value(s: Sanction, g: GenericRule, grade: Grade) -> tuple[Decimal, str, bool]:
    """(value in yuan or rate, Chinese formula, is a platform default)."""
    low, high = s.min, s.max
    fmt = fmt_rate if s.kind is SanctionKind.MULTIPLE else fmt_yuan
    if low is not None and high is not None:
        pos = {Grade.LIGHTER: g.lighter_position, Grade.GENERAL: HALF,
               Grade.HEAVIER: g.heavier_position}[grade]
        what = "中间倍数" if s.kind is SanctionKind.MULTIPLE else "最高额与最低额的平均值"
        how = (f"{fmt(low)} + {fmt_pct(pos * HUNDRED)} ×（{fmt(high)} − {fmt(low)}）"
               + ("（即" + what + "）" if grade is Grade.GENERAL else ""))
        return low + pos * (high - low), how, grade is not Grade.GENERAL
    if high is not None:
        share = {Grade.LIGHTER: g.only_max_lighter, Grade.GENERAL: g.only_max_general,
                 Grade.HEAVIER: g.only_max_heavier}[grade]
        return high * share, f"最高额 {fmt(high)} × {fmt_pct(share * HUNDRED)}", grade is Grade.HEAVIER
    assert low is not None
    times = {Grade.LIGHTER: g.only_min_lighter, Grade.GENERAL: g.only_min_general,
             Grade.HEAVIER: g.only_min_heavier}[grade]
    return low * times, f"最低额 {fmt(low)} × {times.normalize():f}", grade is Grade.LIGHTER


def _clamp(ctx: _Ctx, amount: Decimal) -> Decimal:
    low, high = ctx.low, ctx.high
    result = amount
    if low is not None and amount < low:
        result = low
        text = f"{fmt_yuan(amount)} 低于法定最低罚款 {fmt_yuan(low)}，按最低额 {fmt_yuan(low)}"
    elif high is not None and amount > high:
        result = high
        text = f"{fmt_yuan(amount)} 高于法定最高罚款 {fmt_yuan(high)}，按最高额 {fmt_yuan(high)}"
    else:
        text = f"{fmt_yuan(amount)} 在法定幅度内，无需调整"
    ctx.step(f"法定幅度校验：{text}", "不得突破法定处罚幅度",
             LegalSource("《广东省生态环境行政处罚自由裁量权规定》", "第三条第（一）项")
             if ctx.rule_set else f"执法事项 {ctx.item_code} 法定罚则",
             before=amount, min=_dash(low), max=_dash(high), amount=result)
    return result


def _table_grade(ctx: _Ctx, amount: Decimal, grade: Grade) -> Decimal:
    if grade is Grade.GENERAL:
        return amount
    assert ctx.rule_set is not None and ctx.high is not None
    low = ctx.low if ctx.low is not None else Decimal(0)
    span = ctx.high - low
    scale = ctx.rule_set.generic.table_grade_scale
    pos = (amount - low) / span if span else Decimal(0)
    new_pos = pos * scale if grade is Grade.LIGHTER else ONE - (ONE - pos) * scale
    result = low + new_pos * span
    bound = "低于" if grade is Grade.LIGHTER else "不低于"
    ctx.step(f"{GRADE_LABELS[grade]}处罚：权重累加结果在幅度内的位置 {_pct(pos)} 调整为 {_pct(new_pos)}，"
             f"{fmt_yuan(amount)} → {fmt_yuan(result)}（{bound}幅度中间值 {fmt_yuan(low + span / 2)}，"
             f"{PLATFORM_NOTE}）", f"{GRADE_LABELS[grade]}处罚（幅度内按比例调整）",
             ctx.rule_set.generic.source, unverified=True, before=amount, scale=scale, amount=result)
    return result


def _pct(ratio: Decimal) -> str:
    return fmt_pct((ratio * HUNDRED).quantize(FEN, ROUND_HALF_UP))


def _apology(ctx: _Ctx, amount: Decimal) -> Decimal:
    ap = ctx.facts.apology
    if ap is None:
        return amount
    rule = None if ctx.rule_set is None else ctx.rule_set.apology
    if rule is None:
        raise PenaltyInputError("所适用的裁量基准未规定公开道歉承诺从轻制度", "facts.apology")
    rate = as_decimal(ap.rate, "facts.apology.rate", error=PenaltyInputError)
    if not rule.min_rate <= rate <= rule.max_rate:
        bounds = f"{fmt_rate(rule.min_rate)}～{fmt_rate(rule.max_rate)}"
        raise PenaltyInputError(f"公开道歉承诺降低比例应在 {bounds} 之间", "facts.apology.rate")
    applied = _apology_exclusions(ctx, rule, ap, amount)
    if not ap.corrected_before_decision:
        ctx.step("公开道歉承诺不适用：当事人未在行政处罚决定作出前改正违法行为",
                 "公开道歉承诺从轻", rule.source)
        return amount
    if applied:
        ctx.step("公开道歉承诺不适用：" + "；".join(x.label for x in applied), "公开道歉承诺排除情形",
                 rule.source, exclusions=",".join(x.code for x in applied))
        return amount
    reduced = amount * (ONE - rate)
    result = reduced if ctx.low is None or reduced >= ctx.low else ctx.low
    floor = "" if result == reduced else f"，低于法定最低罚款，按最低额 {fmt_yuan(result)}"
    ctx.step(f"公开道歉承诺从轻：{fmt_yuan(amount)} ×（1 − {fmt_rate(rate)}）= {fmt_yuan(reduced)}{floor}",
             "公开道歉承诺从轻", rule.source, before=amount, rate=rate, amount=result)
    return result


def _apology_exclusions(
    ctx: _Ctx, rule: ApologyRule, ap: Apology, amount: Decimal
) -> list[ApologyExclusion]:
    known = {x.code for x in rule.exclusions}
    for code in sorted(ap.exclusions - known):
        raise PenaltyInputError(f"未知的公开道歉承诺排除情形「{code}」", "facts.apology.exclusions")
    s = ctx.sanction
    at_minimum = ctx.low is not None and (amount <= ctx.low or s.min == s.max)
    return [
        x for x in rule.exclusions
        if x.code in ap.exclusions
        or (x.auto_from_heavier is not None and x.auto_from_heavier in ctx.facts.heavier)
        or (x.auto_minimum and at_minimum)
    ]


def _mitigation(ctx: _Ctx, amount: Decimal) -> tuple[Decimal, bool]:
    m = ctx.facts.mitigation
    if m is None:
        return amount, False
    ground = m.ground.strip() if isinstance(m.ground, str) else ""
    if len(ground) < 2:
        raise PenaltyInputError("减轻处罚（低于法定最低罚款）必须记录法定依据", "facts.mitigation.ground")
    if ctx.low is None or ctx.low <= 0:
        raise PenaltyInputError("该事项法定罚则没有最低罚款额，不存在减轻处罚", "facts.mitigation")
    value = as_decimal(m.amount, "facts.mitigation.amount", error=PenaltyInputError)
    if value != value.to_integral_value() or value <= 0:
        raise PenaltyInputError("减轻后的罚款应为大于0的整数元", "facts.mitigation.amount")
    if value >= ctx.low:
        raise PenaltyInputError(
            f"减轻处罚的金额应低于法定最低罚款 {fmt_yuan(ctx.low)}", "facts.mitigation.amount"
        )
    ctx.step(f"减轻处罚：低于法定最低罚款 {fmt_yuan(ctx.low)}，处 {fmt_yuan(value)}；依据：{ground}",
             "减轻处罚", f"{PUNISH_32}；{ground}", before=amount, amount=value, ground=ground)
    return value, True


def _round(ctx: _Ctx, amount: Decimal, mitigated: bool) -> Decimal:
    low = None if mitigated else ctx.low
    high = ctx.high
    unit = ONE
    if low is not None and high is not None and low.to_integral_value(ROUND_CEILING) > high:
        unit = FEN  # no whole yuan inside the range: keep fen
    result = amount.quantize(unit, ROUND_HALF_UP)
    if result == 0 < amount:  # a fine below half a yuan (only-max sanctions): keep fen, never 0
        unit = FEN
        result = max(amount.quantize(unit, ROUND_HALF_UP), FEN)
    if low is not None and result < low:
        result = low.quantize(unit, ROUND_CEILING)
    if high is not None and result > high:
        result = high.quantize(unit, ROUND_FLOOR)
    ctx.step(f"取整：{fmt_yuan(amount)} → {fmt_yuan(result)}（四舍五入到{'元' if unit == ONE else '分'}，"
             "且不越出法定幅度）", "金额取整", ROUNDING_SOURCE, before=amount, amount=result)
    return result
