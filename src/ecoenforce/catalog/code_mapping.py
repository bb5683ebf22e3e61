"""The old → new table between the starter catalog and the catalog under the 生态环境法典.

Pure: reads the two YAML files, imports no Django. `render()` writes docs/code-mapping.md; a test
checks the committed file equals it. How a change is marked (same / lighter / heavier / changed /
new / gone / kept) is stated in the document's header (MARK_RULE).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ecoenforce.statutes.parse import int_to_cn

DATA = Path(__file__).resolve().parent / "data"
STARTER = DATA / "starter_catalog.yaml"
CODE = DATA / "code_catalog.yaml"
REPEALED = frozenset({"EPL", "AIR", "WATER", "EIA", "SOLID", "NOISE", "SOIL", "RAD"})

MARKS = {
    "same": "相同",
    "lighter": "减轻",
    "heavier": "加重",
    "mixed": "有轻有重",
    "changed": "计罚方式改变",
    "new": "新增",
    "gone": "取消",
    "kept": "沿用",
}
MARK_RULE = (
    "变化标记只比较法定罚款幅度：先比最高额（含“情节严重”等加重档次的最高额；只写“处以罚款”没有上限的视为无上限），"
    "再比最低额（没有下限的按零计），最高额和最低额一升一降的记为“有轻有重”；幅度相同时，法典新增对责任人员罚款的记为加重，"
    "双方都有责任人员罚款的按同样方法比较责任人员罚款。"
    "原按倍数（如处置费用的三至五倍）、法典按定额（或相反）的，无法直接比较，记为“计罚方式改变”。"
    "非罚款的职权事项（检查、查封扣押等）幅度均为无，记为相同。"
    "本标记是编者按条文数字作出的比较，不是法律意见，从旧兼从轻的适用以个案事实为准。"
)

_CN_BASES = {
    "original_fine": "原罚款数额",
    "treatment_cost": "所需处置费用",
    "total_investment": "总投资额",
    "illegal_gains": "违法所得",
}


@dataclass(frozen=True)
class Row:
    old_code: str
    old_basis: str
    new_code: str
    new_basis: str
    old_range: str
    new_range: str
    mark: str


def _load(path: Path) -> Mapping[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, Mapping):
        raise ValueError(f"{path.name}: not a mapping")
    return doc


def _plain(amount: Decimal) -> str:
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _yuan(value: Any) -> str:
    amount = Decimal(str(value))
    if amount >= 10000 and amount % 10000 == 0:
        return _plain(amount / 10000) + "万"
    return _plain(amount)


def _rate(value: Any) -> str:
    rate = Decimal(str(value))
    return _plain(rate * 100) + "%" if rate < 1 else _plain(rate) + "倍"


def _span(kind: str, low: Any, high: Any, base: Any) -> str:
    if kind == "multiple":
        label = _CN_BASES.get(str(base), str(base))
        return f"{label}×{_rate(low)}–{_rate(high)}" if low != high else f"{label}×{_rate(low)}"
    if low is None and high is None:
        return "处以罚款（无幅度）"
    if low is None:
        return f"{_yuan(high)}元以下"
    if high is None:
        return f"{_yuan(low)}元以上"
    return f"{_yuan(low)}–{_yuan(high)}元"


def range_text(sanction: Mapping[str, Any]) -> str:
    """The statutory fine in a short form: 10万–100万元；情节严重的 100万–1000万元；责任人员 5万–20万元."""
    kind = str(sanction.get("kind") or "none")
    if kind not in ("amount", "multiple"):
        return "无罚款"
    parts = [_span(kind, sanction.get("min"), sanction.get("max"), sanction.get("base"))]
    if esc := sanction.get("escalation"):
        span = _span(str(esc.get("kind")), esc.get("min"), esc.get("max"), esc.get("base"))
        parts.append(f"{esc.get('condition', '')} {span}")
    if persons := sanction.get("persons"):
        parts.append(f"责任人员 {_span('amount', persons.get('min'), persons.get('max'), None)}")
    return "；".join(parts)


_INF = Decimal("Infinity")


def _bounds(s: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    high = _INF if s.get("max") is None else Decimal(str(s["max"]))
    if (esc := s.get("escalation")) and esc.get("kind") == s.get("kind"):
        high = max(high, _INF if esc.get("max") is None else Decimal(str(esc["max"])))
    low = Decimal(0) if s.get("min") is None else Decimal(str(s["min"]))
    return high, low


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """same / lighter / heavier / changed, by MARK_RULE."""
    kinds = (old.get("kind") or "none", new.get("kind") or "none")
    fines = ("amount", "multiple")
    if kinds[0] not in fines and kinds[1] not in fines:
        return "same"
    if kinds[0] != kinds[1] or (kinds[0] == "multiple" and old.get("base") != new.get("base")):
        return "changed"
    (old_high, old_low), (new_high, new_low) = _bounds(old), _bounds(new)
    mark = _direction(new_high - old_high, new_low - old_low)
    if mark != "same":
        return mark
    old_p, new_p = old.get("persons"), new.get("persons")
    if new_p and not old_p:
        return "heavier"
    if old_p and new_p:
        return _direction(*(_d(new_p.get(k)) - _d(old_p.get(k)) for k in ("max", "min")))
    return "same"


def _d(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def _direction(high: Decimal, low: Decimal) -> str:
    """Maximum first, then minimum; opposite moves are "mixed"."""
    if high.is_nan():  # both unbounded
        high = Decimal(0)
    if high and low and (high > 0) != (low > 0):
        return "mixed"
    if high:
        return "heavier" if high > 0 else "lighter"
    if low:
        return "heavier" if low > 0 else "lighter"
    return "same"


def _cite(item: Mapping[str, Any], laws: Mapping[str, Any]) -> str:
    """The penalty article (or the first basis) as 《简称》第N条."""
    bases = item.get("legal_basis") or []
    main = [b for kind in ("处罚条款", "职权条款") for b in bases if b.get("kind") == kind]
    basis = main[0] if main else (bases[0] if bases else {})
    code = str(basis.get("law", ""))
    law = str(laws.get(code, {}).get("name", code))
    law = law.removeprefix("中华人民共和国")
    paragraph = f"第{int_to_cn(basis['paragraph'])}款" if basis.get("paragraph") else ""
    clause = f"第（{int_to_cn(basis['clause'])}）项" if basis.get("clause") else ""
    article = int_to_cn(basis["article"]) if isinstance(basis.get("article"), int) else "？"
    return f"{law}第{article}条{paragraph}{clause}"


def rows(starter: Path = STARTER, code: Path = CODE) -> list[Row]:
    old_doc, new_doc = _load(starter), _load(code)
    old = {i["code"]: i for i in old_doc["items"]}
    laws = {**old_doc["laws"], **new_doc["laws"]}
    out: list[Row] = []
    for item in new_doc["items"]:
        new_basis, new_range = _cite(item, laws), range_text(item["sanction"])
        preds = item.get("predecessors") or []
        if not preds:
            out.append(Row("—", "—", item["code"], new_basis, "—", new_range, "new"))
        for p in preds:
            o = old[p]
            mark = "kept" if p == item["code"] else compare(o["sanction"], item["sanction"])
            out.append(
                Row(p, _cite(o, laws), item["code"], new_basis, range_text(o["sanction"]), new_range, mark)
            )
    for g in new_doc.get("gone") or []:
        o = old[g["code"]]
        reason = str(g.get("reason", ""))
        out.append(Row(g["code"], _cite(o, laws), "—", reason, range_text(o["sanction"]), "—", "gone"))
    return sorted(
        out, key=lambda r: (r.mark == "new", r.old_code == "—", _order(r.old_code, old), r.new_code)
    )


def _order(code: str, old: Mapping[str, Any]) -> int:
    return list(old).index(code) if code in old else 0


def counts(table: list[Row]) -> dict[str, int]:
    """How many starter items are mapped / kept / gone, and how many Code items are new."""
    mapped = {r.old_code for r in table if r.mark not in ("new", "gone", "kept")}
    return {
        "mapped": len(mapped),
        "kept": len({r.old_code for r in table if r.mark == "kept"}),
        "gone": len({r.old_code for r in table if r.mark == "gone"}),
        "new": len({r.new_code for r in table if r.mark == "new"}),
        "rows": len(table),
    }


def render(table: list[Row] | None = None) -> str:
    table = rows() if table is None else table
    n = counts(table)
    lines = [
        "# 执法事项对照表：起步清单 → 生态环境法典版清单",
        "",
        "本表由 `manage.py catalog_code_mapping` 从 `src/ecoenforce/catalog/data/starter_catalog.yaml`",
        "和 `code_catalog.yaml` 生成，请勿手工修改（测试会比对）。法典自2026年8月15日起施行，",
        "其第一千二百四十二条废止环境保护法等十部法律。",
        "",
        f"统计：被法典条款替代的原事项 {n['mapped']} 项；沿用（所依据法律未被废止）{n['kept']} 项；"
        f"取消 {n['gone']} 项；法典新增事项 {n['new']} 项；共 {n['rows']} 行。",
        "",
        f"说明：{MARK_RULE}",
        "",
        "| 原事项 | 原处罚条款 | 法典事项 | 法典条款 | 原罚款幅度 | 法典罚款幅度 | 变化 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in table:
        cells = (r.old_code, r.old_basis, r.new_code, r.new_basis, r.old_range, r.new_range, MARKS[r.mark])
        lines.append("| " + " | ".join(c.replace("|", "｜") for c in cells) + " |")
    return "\n".join(lines) + "\n"
