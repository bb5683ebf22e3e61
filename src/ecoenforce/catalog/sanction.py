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
```

Also home of the small helpers the other pure modules share: exact Decimal parsing (floats are
refused for money given as facts; a float read from YAML is converted through its shortest
``repr``), a YAML loader that reads decimals as ``Decimal``, the item-code scheme, and number
formatting for derivation steps.  Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from .errors import CatalogError, ValidationError

__all__ = [
    "BASES",
    "ITEM_CODE_RE",
    "LAWS",
    "Sanction",
    "SanctionKind",
    "as_decimal",
    "fmt_rate",
    "fmt_yuan",
    "load_yaml",
    "parse_sanction",
    "validate_item_code",
]

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
}
ITEM_CODE_RE = re.compile(r"^(" + "|".join(LAWS) + r")-([1-9][0-9]{0,3})-([1-9][0-9]{0,2})$")

_KEYS = frozenset(
    {"kind", "min", "max", "base", "warning", "other_measures", "serious", "daily_penalty"}
)


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
class Sanction:
    kind: SanctionKind
    min: Decimal | None = None
    max: Decimal | None = None
    base: str | None = None
    warning: bool = False
    other_measures: tuple[str, ...] = ()
    serious: str | None = None
    daily_penalty: bool = False

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
        return f"处{low}{high}罚款"


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
    return Sanction(
        kind=kind,
        min=low,
        max=high,
        base=base if isinstance(base, str) else None,
        warning=warning,
        other_measures=_measures(d.get("other_measures"), f"{path}.other_measures"),
        serious=_opt_text(d.get("serious"), f"{path}.serious"),
        daily_penalty=daily,
    )


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
    if low is None and high is None:
        raise ValidationError("罚款类罚则至少要有最低额（min）或最高额（max）之一", path)
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
    if result < 0 and not allow_negative:
        raise error(f"不能为负数：{result}", path)
    return result


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML floats as exact Decimals (0.01 stays 0.01)."""


def _decimal_constructor(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
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
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, InvalidOperation) as exc:
        raise ValidationError(f"YAML 格式错误：{exc}", f"文件 {path.name}") from None


def validate_item_code(code: object, path: str, error: type[CatalogError] = ValidationError) -> str:
    if not isinstance(code, str) or not ITEM_CODE_RE.match(code):
        laws = "、".join(LAWS)
        raise error(f"执法事项编码「{code}」格式不符，应为 <法律>-<条>-<项>，法律代码取 {laws}", path)
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
