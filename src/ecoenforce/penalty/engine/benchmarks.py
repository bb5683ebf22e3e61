"""Discretion benchmarks (自由裁量基准) as data: the rule-set model, its loader and the registry.

One file per province / rule set in ``data/benchmarks/<province>.yaml`` (see the header of
``guangdong.yaml`` for the shape).  ``load_rule_set`` validates a file completely — any problem
raises ``ValidationError`` naming file › item › factor › field — and returns an immutable
``RuleSet``: the weight tables of 第六条 (权重累加), the generic rule of 第十二条 with the platform
defaults where the rule gives only a bound, the 公开道歉承诺 rule and the heavier circumstances.
``BenchmarkRegistry`` holds the rule sets in force and swaps in a new version only when it
validates.  The engine that applies a rule set is ``catalog.discretion``.  Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from .errors import PenaltyInputError, ValidationError
from .sanction import (
    LegalSource,
    Reader,
    Sanction,
    SanctionKind,
    fmt_pct,
    load_yaml,
    parse_sanction,
    validate_item_code,
)
from .types import MEDIA

__all__ = [
    "BENCHMARKS_DIR",
    "NATIONAL_HEAVIER",
    "PLATFORM_GENERIC",
    "ApologyExclusion",
    "ApologyRule",
    "BenchmarkRegistry",
    "Circumstance",
    "Factor",
    "GenericRule",
    "Level",
    "MediumRule",
    "RuleSet",
    "SpecialRule",
    "Table",
    "load_rule_set",
]

BENCHMARKS_DIR = Path(__file__).resolve().parent.parent / "data" / "benchmarks"
HUNDRED = Decimal(100)
ONE = Decimal(1)
PLATFORM_GENERIC = LegalSource(
    "平台默认裁量规则（参照《广东省生态环境行政处罚自由裁量权规定》）", "第十二条", unverified=True
)


# ---------------------------------------------------------------- rule set model


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    label: str
    weight: Decimal  # percent
    label_unverified: bool = False


@dataclass(frozen=True, slots=True)
class Factor:
    id: str
    question: str
    levels: tuple[Level, ...]
    lowest: str

    def level(self, level_id: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    @property
    def lowest_level(self) -> Level:
        found = self.level(self.lowest)
        assert found is not None
        return found

    @property
    def max_weight(self) -> Decimal:
        return max(lv.weight for lv in self.levels)


@dataclass(frozen=True, slots=True)
class SpecialRule:
    kind: str  # "floor"
    below: Decimal
    set_to: Decimal
    description: str
    source: LegalSource


@dataclass(frozen=True, slots=True)
class MediumRule:
    """A row written for one medium (广东裁量表 §3.4.2 has one table per medium): the question the officer
    answers, the medium this row is for, and, per other medium, why its row is not applied."""

    question: str
    applies_to: str  # a key of types.MEDIA
    missing: Mapping[str, str]  # other medium → why its row is not in the rule set (shown to the officer)
    source: LegalSource


@dataclass(frozen=True, slots=True)
class Table:
    item_code: str
    section: str
    title: str
    legal_basis: LegalSource
    source: LegalSource
    statutory: Sanction
    start: Decimal
    target: str  # "statutory_max" | "base_times_max_rate"
    factors: tuple[Factor, ...]
    special_rules: tuple[SpecialRule, ...] = ()
    notes: tuple[str, ...] = ()
    medium: MediumRule | None = None


@dataclass(frozen=True, slots=True)
class GenericRule:
    """广东第十二条 amounts; fields marked (*) are platform defaults where 第十二条 gives a bound only."""

    source: LegalSource = PLATFORM_GENERIC
    only_max_lighter: Decimal = Decimal("0.20")
    only_max_general: Decimal = Decimal("0.50")
    only_min_general: Decimal = Decimal(2)
    only_min_heavier: Decimal = Decimal(5)
    lighter_position: Decimal = Decimal("0.20")  # (*)
    heavier_position: Decimal = Decimal("0.80")  # (*)
    only_max_heavier: Decimal = Decimal("0.80")  # (*)
    only_min_lighter: Decimal = ONE  # (*)
    table_grade_scale: Decimal = Decimal("0.40")  # (*)
    defaults_note: str = "平台默认，未经核实"


@dataclass(frozen=True, slots=True)
class ApologyExclusion:
    code: str
    label: str
    auto_from_heavier: str | None = None
    auto_minimum: bool = False


@dataclass(frozen=True, slots=True)
class ApologyRule:
    source: LegalSource
    min_rate: Decimal
    max_rate: Decimal
    exclusions: tuple[ApologyExclusion, ...]


@dataclass(frozen=True, slots=True)
class Circumstance:
    code: str
    label: str
    source: LegalSource


NATIONAL_HEAVIER: tuple[Circumstance, ...] = (
    Circumstance(
        "emergency_violation",
        "发生重大传染病疫情等突发事件期间，违反突发事件应对措施",
        LegalSource("《行政处罚法》", "第四十九条"),
    ),
)


@dataclass(frozen=True, slots=True)
class RuleSet:
    id: str
    name: str
    region: str
    source: LegalSource
    effective_from: dt.date
    effective_to: dt.date | None
    tables: Mapping[str, Table]
    generic: GenericRule
    apology: ApologyRule | None
    heavier: tuple[Circumstance, ...]
    unprovable_source: LegalSource
    path: str = ""

    def table(self, item_code: str) -> Table | None:
        return self.tables.get(item_code)

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


# ---------------------------------------------------------------- loading

_SET_KEYS = frozenset(
    {"id", "name", "region", "issuer", "source", "effective_from", "effective_to", "unprovable",
     "generic", "heavier_circumstances", "public_apology", "tables"}
)
_TABLE_KEYS = frozenset(
    {"section", "title", "legal_basis", "source", "statutory", "start", "target", "factors",
     "special_rules", "notes", "medium"}
)
_MEDIUM_KEYS = frozenset({"question", "applies_to", "missing", "source"})
_FACTOR_KEYS = frozenset({"id", "question", "lowest", "levels"})
_LEVEL_KEYS = frozenset({"id", "label", "weight", "label_unverified"})
_RULE_KEYS = frozenset({"kind", "below", "set_to", "description", "source"})
_GENERIC_KEYS = frozenset(
    {"source", "only_max_lighter", "only_max_general", "only_min_general", "only_min_heavier",
     "platform_defaults"}
)
_DEFAULT_KEYS = frozenset(
    {"unverified", "note", "lighter_position", "heavier_position", "only_max_heavier",
     "only_min_lighter", "table_grade_scale"}
)
_TARGETS = {"statutory_max": SanctionKind.AMOUNT, "base_times_max_rate": SanctionKind.MULTIPLE}


def load_rule_set(path: Path | str) -> RuleSet:
    """Read and validate one benchmark file; any problem raises ValidationError naming
    file › item › factor › field."""
    path = Path(path)
    r = Reader(load_yaml(path), f"文件 {path.name}", _SET_KEYS)
    heavier = _heavier(r)
    start, end = r.date("effective_from"), r.opt_date("effective_to")
    if end is not None and end < start:
        raise ValidationError("失效日期早于生效日期", r.at("effective_to"))
    tables_r = r.child("tables")
    tables = {
        validate_item_code(code, tables_r.at(str(code))): _table(str(code), tables_r)
        for code in tables_r.data
    }
    unprovable = r.child("unprovable").source() if r.has("unprovable") else PLATFORM_GENERIC
    return RuleSet(
        id=r.text("id"), name=r.text("name"), region=r.text("region"), source=r.source(),
        effective_from=start, effective_to=end, tables=MappingProxyType(tables),
        generic=_generic(r.child("generic", _GENERIC_KEYS)) if r.has("generic") else GenericRule(),
        apology=_apology_rule(r, heavier) if r.has("public_apology") else None,
        heavier=heavier, unprovable_source=unprovable, path=str(path),
    )


def _table(code: str, tables_r: Reader) -> Table:
    file_part = tables_r.path.split(Reader.SEP)[0]
    t = Reader(tables_r.raw(code), f"{file_part}{Reader.SEP}事项 {code}", _TABLE_KEYS)
    statutory = parse_sanction(t.raw("statutory"), t.at("statutory"))
    target = t.text("target")
    if target not in _TARGETS:
        raise ValidationError(f"未知的乘数目标「{target}」，应为 {'、'.join(_TARGETS)}", t.at("target"))
    if statutory.kind is not _TARGETS[target] or statutory.max is None:
        raise ValidationError(f"乘数目标 {target} 与法定罚则类型 {statutory.kind.value} 不匹配或缺少最高额",
                              t.at("target"))
    factors = _factors(t)
    table = Table(
        item_code=code, section=t.text("section"), title=t.text("title"),
        legal_basis=t.source("legal_basis"), source=t.source(), statutory=statutory,
        start=t.decimal("start", Decimal(0), HUNDRED), target=target, factors=factors,
        special_rules=tuple(_special(Reader(x, t.at(f"special_rules[{i}]"), _RULE_KEYS))
                            for i, x in enumerate(t.items("special_rules", required=False))),
        notes=tuple(str(n) for n in t.items("notes", required=False)),
        medium=_medium(Reader(t.raw("medium"), t.at("medium"), _MEDIUM_KEYS)) if t.has("medium") else None,
    )
    total = table.start + sum((f.max_weight for f in factors), Decimal(0))
    if total > HUNDRED:
        raise ValidationError(
            f"裁量起点与各因素最高档权重之和为 {fmt_pct(total)}，超过100%（第六条）", t.path
        )
    return table


def _medium(m: Reader) -> MediumRule:
    applies_to = m.text("applies_to")
    if applies_to not in MEDIA:
        raise ValidationError(f"未知的污染物类别「{applies_to}」，应为 {'、'.join(MEDIA)}",
                              m.at("applies_to"))
    missing_r = m.child("missing")
    missing = {str(k): missing_r.text(str(k)) for k in missing_r.data}
    for key in missing:
        if key not in MEDIA or key == applies_to:
            raise ValidationError(f"missing 中的「{key}」应为本行以外的污染物类别", missing_r.at(key))
    return MediumRule(m.text("question"), applies_to, MappingProxyType(missing), m.source())


def _factors(t: Reader) -> tuple[Factor, ...]:
    factors: list[Factor] = []
    for i, raw in enumerate(t.items("factors")):
        f = Reader(raw, t.at(f"factors[{i}]"), _FACTOR_KEYS)
        fid = f.text("id")
        f.path = f"{t.path}{Reader.SEP}因素 {fid}"
        if any(x.id == fid for x in factors):
            raise ValidationError(f"因素编号重复：{fid}", f.path)
        factors.append(_factor(fid, f))
    return tuple(factors)


def _factor(fid: str, f: Reader) -> Factor:
    levels: list[Level] = []
    for j, raw in enumerate(f.items("levels")):
        lv = Reader(raw, f.at(f"levels[{j}]"), _LEVEL_KEYS)
        lid = lv.raw("id")
        if not isinstance(lid, str) or not lid:
            raise ValidationError(
                f"档次编号须为文字（注意 YAML 把 yes/no 读作布尔值），实际为「{lid}」", lv.at("id")
            )
        if any(x.id == lid for x in levels):
            raise ValidationError(f"档次编号重复：{lid}", lv.at("id"))
        levels.append(Level(lid, lv.text("label"), lv.decimal("weight", Decimal(0), HUNDRED),
                            lv.flag("label_unverified")))
    if not levels:
        raise ValidationError("因素至少应有一个档次", f.at("levels"))
    factor = Factor(fid, f.text("question"), tuple(levels), f.text("lowest"))
    if factor.level(factor.lowest) is None:
        raise ValidationError(f"最低档次「{factor.lowest}」不是该因素的档次", f.at("lowest"))
    if factor.lowest_level.weight != min(lv.weight for lv in levels):
        raise ValidationError("最低档次的权重不是该因素各档中最小的（第五条按最低档计算）", f.at("lowest"))
    return factor


def _special(s: Reader) -> SpecialRule:
    kind = s.text("kind")
    if kind != "floor":
        raise ValidationError(f"未知的特别规则类型「{kind}」（目前支持 floor）", s.at("kind"))
    below, set_to = s.decimal("below", Decimal(0), HUNDRED), s.decimal("set_to", Decimal(0), HUNDRED)
    if set_to < below:
        raise ValidationError("floor 规则的 set_to 不能小于 below", s.at("set_to"))
    return SpecialRule(kind, below, set_to, s.text("description"), s.source())


def _generic(g: Reader) -> GenericRule:
    d = g.child("platform_defaults", _DEFAULT_KEYS) if g.has("platform_defaults") else None
    base = GenericRule()

    def pick(reader: Reader | None, key: str, current: Decimal, low: str, high: str) -> Decimal:
        if reader is None or not reader.has(key):
            return current
        return reader.decimal(key, Decimal(low), Decimal(high))

    rule = GenericRule(
        source=g.source(),
        only_max_lighter=pick(g, "only_max_lighter", base.only_max_lighter, "0", "1"),
        only_max_general=pick(g, "only_max_general", base.only_max_general, "0", "1"),
        only_min_general=pick(g, "only_min_general", base.only_min_general, "1", "100"),
        only_min_heavier=pick(g, "only_min_heavier", base.only_min_heavier, "1", "100"),
        lighter_position=pick(d, "lighter_position", base.lighter_position, "0", "0.4999"),
        heavier_position=pick(d, "heavier_position", base.heavier_position, "0.5", "1"),
        only_max_heavier=pick(d, "only_max_heavier", base.only_max_heavier, "0", "1"),
        only_min_lighter=pick(d, "only_min_lighter", base.only_min_lighter, "1", "100"),
        table_grade_scale=pick(d, "table_grade_scale", base.table_grade_scale, "0.01", "0.4999"),
        defaults_note=(d.opt_text("note") if d else None) or base.defaults_note,
    )
    if not rule.only_max_lighter < rule.only_max_general <= rule.only_max_heavier:
        raise ValidationError("仅有最高额时须 从轻 < 一般 ≤ 从重", g.path)
    if not rule.only_min_lighter <= rule.only_min_general <= rule.only_min_heavier:
        raise ValidationError("仅有最低额时须 从轻 ≤ 一般 ≤ 从重", g.path)
    return rule


def _heavier(r: Reader) -> tuple[Circumstance, ...]:
    out: list[Circumstance] = []
    for i, raw in enumerate(r.items("heavier_circumstances", required=False)):
        c = Reader(raw, r.at(f"heavier_circumstances[{i}]"), frozenset({"code", "label", "source"}))
        code = c.text("code")
        if any(x.code == code for x in out):
            raise ValidationError(f"从重情形代码重复：{code}", c.path)
        out.append(Circumstance(code, c.text("label"), c.source()))
    return tuple(out) or NATIONAL_HEAVIER


def _apology_rule(r: Reader, heavier: tuple[Circumstance, ...]) -> ApologyRule:
    a = r.child("public_apology", frozenset({"source", "min_rate", "max_rate", "exclusions"}))
    low, high = a.decimal("min_rate", Decimal(0), ONE), a.decimal("max_rate", Decimal(0), ONE)
    if low > high:
        raise ValidationError("降低比例下限大于上限", a.at("min_rate"))
    exclusions: list[ApologyExclusion] = []
    keys = frozenset({"code", "label", "auto_from_heavier", "auto_minimum"})
    for i, raw in enumerate(a.items("exclusions")):
        x = Reader(raw, a.at(f"exclusions[{i}]"), keys)
        auto = x.opt_text("auto_from_heavier")
        if auto is not None and all(h.code != auto for h in heavier):
            raise ValidationError(
                f"auto_from_heavier 引用了未声明的从重情形「{auto}」", x.at("auto_from_heavier")
            )
        if any(e.code == x.text("code") for e in exclusions):
            raise ValidationError(f"排除情形代码重复：{x.text('code')}", x.path)
        exclusions.append(ApologyExclusion(x.text("code"), x.text("label"), auto, x.flag("auto_minimum")))
    return ApologyRule(a.source(), low, high, tuple(exclusions))


class BenchmarkRegistry:
    """The rule sets in force.  ``reload`` swaps in a new version only when it validates; an
    invalid file raises and leaves the previous version in force."""

    def __init__(self, rule_sets: Iterable[RuleSet] = ()) -> None:
        self._lock = threading.Lock()
        self._sets: dict[str, RuleSet] = {rs.id: rs for rs in rule_sets}

    @classmethod
    def from_directory(cls, directory: Path = BENCHMARKS_DIR) -> BenchmarkRegistry:
        registry = cls()
        for path in sorted(directory.glob("*.yaml")):
            registry.load(path)
        return registry

    def load(self, path: Path | str) -> RuleSet:
        rule_set = load_rule_set(path)
        with self._lock:
            existing = self._sets.get(rule_set.id)
            if existing is not None and existing.path != rule_set.path:
                raise ValidationError(f"裁量基准编号 {rule_set.id} 已由 {existing.path} 使用", str(path))
            self._sets[rule_set.id] = rule_set
        return rule_set

    def reload(self, path: Path | str) -> RuleSet:
        rule_set = load_rule_set(path)  # raises before anything changes
        with self._lock:
            for old_id, old in list(self._sets.items()):
                if old.path == rule_set.path and old_id != rule_set.id:
                    del self._sets[old_id]
            self._sets[rule_set.id] = rule_set
        return rule_set

    def get(self, rule_set_id: str) -> RuleSet:
        try:
            return self._sets[rule_set_id]
        except KeyError:
            raise PenaltyInputError(f"没有编号为 {rule_set_id} 的裁量基准", "rule_set") from None

    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._sets))

    def in_force(self, on: dt.date) -> tuple[RuleSet, ...]:
        return tuple(rs for _, rs in sorted(self._sets.items()) if rs.in_force(on))

    def for_region(self, region: str, on: dt.date) -> RuleSet | None:
        return next((rs for rs in self.in_force(on) if rs.region == region), None)
