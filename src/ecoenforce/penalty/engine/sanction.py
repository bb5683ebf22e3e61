"""The statutory sanction (法定罚则) of an enforcement item, parsed from the catalog's YAML shape.

```yaml
sanction:
  kind: amount            # amount | multiple | warning_only | none
  min: 100000             # yuan (amount) or rate (multiple: 0.01 = 1%, 1 = 1 倍); null = only a maximum
  max: 1000000            # null = only a minimum
  base: null              # multiple only: a code of BASES
  warning: false          # the law allows a warning as the sanction
  other_measures: [责令改正, 限制生产, 停产整治]
  serious: "情节严重的，报经有批准权的人民政府批准，责令停业、关闭"
  daily_penalty: true     # 按日连续处罚 applies
  # extensions used by the starter catalog (all optional):
  base_floor: 100000      # multiple only: the base counts as at least this ("不足十万元的，按十万元计算")
  escalation: {condition: "逾期不改正的", kind: amount, min: 1000000, max: 2000000, base: null}
  persons: {min: 50000, max: 200000, who: "直接负责的主管人员和其他直接责任人员"}   # 双罚
```

``kind: amount`` with both ``min`` and ``max`` null is accepted ("处以罚款" without a range in the law);
the engine then refuses to compute until a local rule supplies the range.

Also home of the small helpers the other pure modules share: exact Decimal parsing (floats are
refused for money given as facts; a float read from YAML is converted through its shortest
``repr``), a YAML loader that reads decimals as ``Decimal``, the item-code scheme, and number
formatting for derivation steps.  Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .errors import CatalogError, ValidationError

__all__ = [
    "BASES",
    "ITEM_CODE_RE",
    "KIND_LABELS",
    "LAWS",
    "Escalation",
    "LegalSource",
    "PersonsFine",
    "Reader",
    "Sanction",
    "SanctionKind",
    "as_decimal",
    "fmt_pct",
    "fmt_rate",
    "fmt_yuan",
    "load_yaml",
    "parse_sanction",
    "validate_item_code",
]

MAX_DIGITS = 15  # amounts and bases below 10^15 yuan (the engine's exact Decimal arithmetic)

# Base amounts a 倍数/百分比 fine is computed on (code → Chinese label).
BASES: Mapping[str, str] = {
    "total_investment": "建设项目总投资额",
    "illegal_gains": "违法所得",
    "goods_value": "货值金额",
    "fee_owed": "应缴纳的费用",
    "service_fee": "所收费用",
    "direct_loss": "直接损失",
    "treatment_cost": "代为治理（处置）费用",
    "contract_price": "合同价款",
    "original_fine": "原罚款数额",
}

# Item code scheme <LAW>-<article>-<clause>.
LAWS: Mapping[str, str] = {
    "EPL": "环境保护法",
    "AIR": "大气污染防治法",
    "WATER": "水污染防治法",
    "EIA": "环境影响评价法",
    "PERMIT": "排污许可管理条例",
    "SOLID": "固体废物污染环境防治法",
    "NOISE": "噪声污染防治法",
    "SOIL": "土壤污染防治法",
    "RAD": "放射性污染防治法",
    "PUNISH": "行政处罚法",
    "FORCE": "行政强制法",
    # Not in the brief's scheme; used by the starter catalog (EIAREG-23-1) — for the lead to confirm.
    "EIAREG": "建设项目环境保护管理条例",
    "CODE": "生态环境法典",  # 《中华人民共和国生态环境法典》, in force 2026-08-15
}
# <LAW>-<条>-<项>; clause 0 = the article (or paragraph) has no numbered 项 (starter-catalog convention).
# The Code's items add the 款: CODE-<条>-<款>-<项> (catalog/data/code_catalog.yaml header).
ITEM_CODE_RE = re.compile(
    r"^(?:(" + "|".join(k for k in LAWS if k != "CODE") + r")-([1-9][0-9]{0,3})-(0|[1-9][0-9]{0,2})"
    r"|(CODE)-([1-9][0-9]{0,3})-([1-9][0-9]?)-(0|[1-9][0-9]{0,2}))$"
)

_KEYS = frozenset(
    {"kind", "min", "max", "base", "warning", "other_measures", "serious", "daily_penalty",
     "base_floor", "escalation", "persons"}
)
_ESCALATION_KEYS = frozenset({"condition", "kind", "min", "max", "base"})
_PERSONS_KEYS = frozenset({"min", "max", "who"})


class SanctionKind(StrEnum):
    AMOUNT = "amount"
    MULTIPLE = "multiple"
    WARNING_ONLY = "warning_only"
    NONE = "none"


KIND_LABELS: Mapping[SanctionKind, str] = {
    SanctionKind.AMOUNT: "定额幅度罚款",
    SanctionKind.MULTIPLE: "倍数（百分比）罚款",
    SanctionKind.WARNING_ONLY: "仅警告",
    SanctionKind.NONE: "无罚款或警告",
}


@dataclass(frozen=True, slots=True)
class Escalation:
    """A second monetary tier of the same article and the condition that triggers it."""

    condition: str
    kind: SanctionKind
    min: Decimal | None = None
    max: Decimal | None = None
    base: str | None = None


@dataclass(frozen=True, slots=True)
class PersonsFine:
    """双罚: the fine on the responsible persons (computed as a separate amount-kind sanction)."""

    who: str
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Sanction:
    kind: SanctionKind
    min: Decimal | None = None
    max: Decimal | None = None
    base: str | None = None
    warning: bool = False
    other_measures: tuple[str, ...] = ()
    serious: str | None = None
    daily_penalty: bool = False
    base_floor: Decimal | None = None
    escalation: Escalation | None = None
    persons: PersonsFine | None = None

    def escalated(self) -> Sanction:
        """The sanction with the escalation tier's range (for the 逾期不改正/情节严重 case)."""
        e = self.escalation
        if e is None:
            raise CatalogError("该事项没有加重档次罚款", "sanction.escalation")
        return Sanction(e.kind, e.min, e.max, e.base, False, self.other_measures, self.serious,
                        self.daily_penalty)

    def persons_sanction(self) -> Sanction:
        """The 双罚 fine on the responsible persons as an amount-kind sanction."""
        if self.persons is None:
            raise CatalogError("该事项没有对责任人员的罚款", "sanction.persons")
        return Sanction(SanctionKind.AMOUNT, self.persons.min, self.persons.max)

    @property
    def is_fine(self) -> bool:
        return self.kind in (SanctionKind.AMOUNT, SanctionKind.MULTIPLE)

    def bounds(self, base_amount: Decimal | None = None) -> tuple[Decimal | None, Decimal | None]:
        """Statutory bounds in yuan; a multiple needs the base amount."""
        if self.kind is SanctionKind.AMOUNT:
            return self.min, self.max
        if self.kind is SanctionKind.MULTIPLE:
            if base_amount is None:
                raise CatalogError("倍数罚款需要计罚基数", "base")
            low = None if self.min is None else self.min * base_amount
            high = None if self.max is None else self.max * base_amount
            return low, high
        return None, None

    def describe(self) -> str:
        """Chinese wording of the fine, e.g. 处100,000元以上1,000,000元以下罚款."""
        if not self.is_fine:
            return "警告" if self.kind is SanctionKind.WARNING_ONLY else "无罚款"
        fmt = fmt_yuan if self.kind is SanctionKind.AMOUNT else fmt_rate
        prefix = "" if self.base is None else BASES[self.base]
        low = "" if self.min is None else f"{prefix}{fmt(self.min)}以上"
        high = "" if self.max is None else f"{prefix if not low else ''}{fmt(self.max)}以下"
        return f"处{low}{high}罚款" if low or high else "处以罚款（法律未规定幅度）"


def parse_sanction(d: object, path: str = "sanction") -> Sanction:
    """Validate a ``sanction:`` mapping; raise ValidationError (Chinese, with ``path``)."""
    if not isinstance(d, Mapping):
        raise ValidationError("罚则必须是映射（键值对）", path)
    unknown = sorted(str(k) for k in d if k not in _KEYS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(unknown)}", path)
    kind = _parse_kind(d.get("kind"), f"{path}.kind")
    low = _opt_decimal(d.get("min"), f"{path}.min")
    high = _opt_decimal(d.get("max"), f"{path}.max")
    base = d.get("base")
    warning = _bool(d.get("warning", kind is SanctionKind.WARNING_ONLY), f"{path}.warning")
    daily = _bool(d.get("daily_penalty", False), f"{path}.daily_penalty")
    _check_shape(kind, low, high, base, warning, path)
    floor = _opt_decimal(d.get("base_floor"), f"{path}.base_floor")
    if floor is not None and kind is not SanctionKind.MULTIPLE:
        raise ValidationError("base_floor 只适用于倍数罚款（multiple）", f"{path}.base_floor")
    return Sanction(
        kind=kind,
        min=low,
        max=high,
        base=base if isinstance(base, str) else None,
        warning=warning,
        other_measures=_measures(d.get("other_measures"), f"{path}.other_measures"),
        serious=_opt_text(d.get("serious"), f"{path}.serious"),
        daily_penalty=daily,
        base_floor=floor,
        escalation=_escalation(d.get("escalation"), f"{path}.escalation"),
        persons=_persons(d.get("persons"), f"{path}.persons"),
    )


def _escalation(value: object, path: str) -> Escalation | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValidationError("加重档次应为映射", path)
    unknown = sorted(str(k) for k in value if k not in _ESCALATION_KEYS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(unknown)}", path)
    kind = _parse_kind(value.get("kind"), f"{path}.kind")
    if kind not in (SanctionKind.AMOUNT, SanctionKind.MULTIPLE):
        raise ValidationError("加重档次必须是罚款（amount 或 multiple）", f"{path}.kind")
    low = _opt_decimal(value.get("min"), f"{path}.min")
    high = _opt_decimal(value.get("max"), f"{path}.max")
    _check_shape(kind, low, high, value.get("base"), False, path)
    condition = _opt_text(value.get("condition"), f"{path}.condition")
    if condition is None:
        raise ValidationError("加重档次必须写明适用条件", f"{path}.condition")
    base = value.get("base")
    return Escalation(condition, kind, low, high, base if isinstance(base, str) else None)


def _persons(value: object, path: str) -> PersonsFine | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValidationError("对责任人员的罚款应为映射", path)
    unknown = sorted(str(k) for k in value if k not in _PERSONS_KEYS)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(unknown)}", path)
    low = _opt_decimal(value.get("min"), f"{path}.min")
    high = _opt_decimal(value.get("max"), f"{path}.max")
    _check_shape(SanctionKind.AMOUNT, low, high, None, False, path)
    who = _opt_text(value.get("who"), f"{path}.who")
    if who is None:
        raise ValidationError("必须写明被处罚的责任人员", f"{path}.who")
    return PersonsFine(who, low, high)


def _parse_kind(value: object, path: str) -> SanctionKind:
    if value is None:
        raise ValidationError("缺少罚则类型（amount / multiple / warning_only / none）", path)
    try:
        return SanctionKind(str(value))
    except ValueError:
        raise ValidationError(
            f"未知的罚则类型「{value}」，应为 amount、multiple、warning_only 或 none", path
        ) from None


def _check_shape(
    kind: SanctionKind,
    low: Decimal | None,
    high: Decimal | None,
    base: object,
    warning: bool,
    path: str,
) -> None:
    if kind in (SanctionKind.WARNING_ONLY, SanctionKind.NONE):
        for name, value in (("min", low), ("max", high), ("base", base)):
            if value is not None:
                raise ValidationError(f"罚则类型为 {kind.value} 时不得填写 {name}", f"{path}.{name}")
        if kind is SanctionKind.WARNING_ONLY and not warning:
            raise ValidationError("罚则类型为 warning_only 时 warning 不能为 false", f"{path}.warning")
        return
    if low is not None and high is not None and low > high:
        raise ValidationError(f"最低额 {low} 大于最高额 {high}", f"{path}.min")
    if kind is SanctionKind.AMOUNT and base is not None:
        raise ValidationError("定额罚款（amount）不得填写计罚基数 base", f"{path}.base")
    if kind is SanctionKind.MULTIPLE:
        if base is None:
            raise ValidationError("倍数罚款（multiple）必须填写计罚基数 base", f"{path}.base")
        if not isinstance(base, str) or base not in BASES:
            known = "、".join(BASES)
            raise ValidationError(f"未知的计罚基数「{base}」，可选：{known}", f"{path}.base")
    if high is not None and high == 0:
        raise ValidationError("最高额不能为 0", f"{path}.max")


def _opt_decimal(value: object, path: str) -> Decimal | None:
    if value is None:
        return None
    return as_decimal(value, path, allow_float=True, error=ValidationError)


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"应为 true 或 false，实际为「{value}」", path)
    return value


def _measures(value: object, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValidationError("其他措施应为文字列表", path)
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ValidationError("其他措施的每一项必须是非空文字", f"{path}[{i}]")
        out.append(item.strip())
    return tuple(out)


def _opt_text(value: object, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("应为非空文字", path)
    return value.strip()


# ---------------------------------------------------------------- shared helpers


def as_decimal(
    value: object,
    path: str,
    *,
    allow_float: bool = False,
    allow_negative: bool = False,
    error: type[CatalogError] = ValidationError,
) -> Decimal:
    """An exact, finite Decimal from Decimal/int/str (and float when reading YAML), else ``error``."""
    if isinstance(value, bool) or value is None:
        raise error(f"应为数值，实际为「{value}」", path)
    if isinstance(value, float):
        if not allow_float:
            raise error("金额须为精确数值（整数、字符串或 Decimal），不接受浮点数", path)
        value = repr(value)
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise error(f"不是有效的数值：「{value}」", path) from None
    else:
        raise error(f"应为数值，实际为「{value}」", path)
    if not result.is_finite():
        raise error(f"不是有限数值：「{value}」", path)
    if result != 0 and result.adjusted() >= MAX_DIGITS:  # beyond any fine; keeps quantize() exact
        raise error(f"数值过大（不能达到10的{MAX_DIGITS}次方）", path)
    if result < 0 and not allow_negative:
        raise error(f"不能为负数：{result}", path)
    return result


try:  # libyaml is about 7 times faster than the pure-Python loader
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _DecimalLoader(_SafeLoader):
    """Safe loader that reads YAML floats as exact Decimals (0.01 stays 0.01)."""


def _decimal_constructor(loader: _DecimalLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    return Decimal(text.replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal_constructor)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file with decimals as Decimal; errors become ValidationError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"无法读取文件：{exc.strerror or exc}", f"文件 {path.name}") from None
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a safe loader subclass
    except (yaml.YAMLError, InvalidOperation) as exc:
        raise ValidationError(f"YAML 格式错误：{exc}", f"文件 {path.name}") from None


# Any catalog code (the catalog's own pattern, catalog.services.validation.CODE_RE): a catalog may
# name items in other schemes (local items, the Code catalog); rule-set data keeps the strict scheme.
CATALOG_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,15}(?:-[A-Z0-9]{1,10}){1,4}$")


def validate_item_code(code: object, path: str, error: type[CatalogError] = ValidationError, *,
                       any_catalog_code: bool = False) -> str:
    if any_catalog_code and isinstance(code, str) and CATALOG_CODE_RE.match(code):
        return code
    if not isinstance(code, str) or not ITEM_CODE_RE.match(code):
        laws = "、".join(LAWS)
        raise error(f"执法事项编码「{code}」格式不符，应为 <法律>-<条>-<项>"
                    "（生态环境法典为 CODE-<条>-<款>-<项>），"
                    f"法律代码取 {laws}", path)
    return code


def fmt_yuan(amount: Decimal) -> str:
    """100000 → '100,000元'; keeps fen when present."""
    q = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    return f"{q:,}元"


def fmt_rate(rate: Decimal) -> str:
    """0.05 → '5%'; 3 → '3倍' (rates below 1 as percentages, 1 and above as multiples)."""
    if rate < 1:
        pct = (rate * 100).normalize()
        return f"{pct:f}%"
    return f"{rate.normalize():f}倍"


def fmt_pct(pct: Decimal) -> str:
    """A percentage number (already ×100): 45 → '45%'."""
    return f"{pct.normalize():f}%"


@dataclass(frozen=True, slots=True)
class LegalSource:
    """A citation: document and article, e.g. 《行政处罚法》 第三十二条."""

    document: str
    article: str
    unverified: bool = False
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        text = f"{self.document} {self.article}".strip()
        object.__setattr__(self, "text", f"{text}（未经核实）" if self.unverified else text)

    def __str__(self) -> str:
        return self.text


class Reader:
    """Typed, path-aware access to one mapping of a data file; every error names its place."""

    SEP = " › "

    def __init__(self, data: object, path: str, allowed: frozenset[str] | None = None) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError("应为映射（键值对）", path)
        self.data: Mapping[Any, Any] = data
        self.path = path
        if allowed is not None:
            unknown = sorted(str(k) for k in data if k not in allowed)
            if unknown:
                raise ValidationError(f"未知字段：{'、'.join(unknown)}", path)

    def at(self, key: str | int) -> str:
        return f"{self.path}{self.SEP}{key}"

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            raise ValidationError("缺少必填字段", self.at(key))
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"应为非空文字，实际为「{value}」", self.at(key))
        return value.strip()

    def opt_text(self, key: str) -> str | None:
        return None if self.data.get(key) is None else self.text(key)

    def decimal(self, key: str, low: Decimal | None = None, high: Decimal | None = None) -> Decimal:
        if self.data.get(key) is None:
            raise ValidationError("缺少必填数值", self.at(key))
        value = as_decimal(self.data[key], self.at(key), allow_float=True, allow_negative=True)
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValidationError(f"数值 {value} 超出允许范围 [{low}, {high}]", self.at(key))
        return value

    def opt_decimal(
        self, key: str, low: Decimal | None = None, high: Decimal | None = None
    ) -> Decimal | None:
        return None if self.data.get(key) is None else self.decimal(key, low, high)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ValidationError(f"应为 true 或 false，实际为「{value}」", self.at(key))
        return value

    def date(self, key: str) -> dt.date:
        value = self.data.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValidationError(f"应为日期（YYYY-MM-DD），实际为「{value}」", self.at(key))

    def opt_date(self, key: str) -> dt.date | None:
        return None if self.data.get(key) is None else self.date(key)

    def items(self, key: str, *, required: bool = True) -> list[object]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list):
            raise ValidationError("缺少列表或不是列表", self.at(key))
        return value

    def child(self, key: str, allowed: frozenset[str] | None = None) -> Reader:
        if self.data.get(key) is None:
            raise ValidationError("缺少必填字段", self.at(key))
        return Reader(self.data[key], self.at(key), allowed)

    def source(self, key: str = "source") -> LegalSource:
        """A required legal source {document, article[, unverified]}."""
        if self.data.get(key) is None:
            raise ValidationError("缺少法律依据来源（document 与 article）", self.at(key))
        src = self.child(key, frozenset({"document", "article", "url", "unverified"}))
        return LegalSource(src.text("document"), src.text("article"), src.flag("unverified"))
