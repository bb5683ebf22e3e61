"""The penalty calculator's Django side: which items, which rule set, and computing from JSON facts.

* Items come from the effective catalog of the user's unit on the date (``selectors.effective_catalog``);
  while a unit has no published catalog they come from the shipped catalog files (the starter
  catalog; from 2026-08-15 the catalog under the 生态环境法典 once catalog/data/code_catalog.yaml
  exists), said so on the page.  Each item carries its predecessor codes (the mapping old → new).
* Rule sets come from ``data/benchmarks/`` (one registry per process).  The default for a unit is the
  rule set of its province (by the first two digits of its division code) in force on the date;
  without one the engine's national generic rule applies (platform defaults, flagged unverified).
  The exemption list of a rule set is the one whose id starts with the rule set's id (GD-2022 →
  GD-2022-NP).  The platform defaults of a rule set's generic rule are read through the legal
  parameters (``discretion.<rule set id>.<field>``), so a legal reviewer's change takes effect here.
* ``compute`` runs the pure engine on JSON facts and turns its errors into a Django ValidationError
  keyed by the engine's path (``facts.levels.area`` …).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import CatalogVersion, VersionStatus, sanction_words
from ecoenforce.org.models import Unit
from ecoenforce.penalty.engine.benchmarks import BenchmarkRegistry, GenericRule, RuleSet
from ecoenforce.penalty.engine.discretion import PenaltyResult, compute_penalty
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.exemption import EXEMPTIONS_DIR, ExemptionList, load_exemption_list
from ecoenforce.penalty.engine.facts import facts_from_json, facts_to_json
from ecoenforce.penalty.engine.questions import Questions, questions_for
from ecoenforce.penalty.engine.sanction import Sanction, SanctionKind, load_yaml, parse_sanction
from ecoenforce.penalty.params import legal_parameter_values

# GB/T 2260 province-level codes (first two digits of a division code) → region name of a rule set.
PROVINCES: Mapping[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "66": "新疆生产建设兵团",
}
logger = logging.getLogger(__name__)
CODE_IN_FORCE = dt.date(2026, 8, 15)  # 《中华人民共和国生态环境法典》第一千二百四十二条
NO_RULE_SET_LABEL = "不适用地方裁量基准（平台通用规则，未经核实）"
GENERIC_FIELDS = ("lighter_position", "heavier_position", "only_max_heavier", "only_min_lighter",
                  "table_grade_scale")


# ---------------------------------------------------------------- items


@dataclass(frozen=True)
class PenaltyItem:
    code: str
    name: str
    category: str
    sanction_data: dict[str, Any]
    sanction: Sanction
    legal_basis: list[dict[str, Any]]
    notes: str
    predecessors: tuple[str, ...] = ()  # codes this item replaces (the catalog's mapping old → new)

    @property
    def sanction_lines(self) -> list[str]:
        return sanction_words(self.sanction_data)

    @property
    def penalty_basis(self) -> dict[str, Any] | None:
        """The 处罚条款 of the item (the article that sets its sanction), else its first basis."""
        bases = [b for b in self.legal_basis if isinstance(b, dict)]
        return next((b for b in bases if b.get("kind") == "处罚条款"), bases[0] if bases else None)

    @property
    def measures(self) -> tuple[str, ...]:
        """The non-monetary measures of the sanction, as the law words them."""
        d = self.sanction_data
        texts = [str(m) for m in d.get("other_measures") or []]
        return tuple(texts + ([str(d["serious"])] if d.get("serious") else []))

    @property
    def computable(self) -> bool:
        return self.sanction.kind is not SanctionKind.NONE


@dataclass(frozen=True)
class ItemSource:
    items: list[PenaltyItem]
    from_starter: bool

    def get(self, code: str) -> PenaltyItem | None:
        return next((i for i in self.items if i.code == code), None)


@dataclass(frozen=True)
class FileCatalog:
    """A catalog shipped as a file (starter, Code), used while a unit has no published catalog."""

    effective_from: dt.date | None  # None: the starter catalog (no start date)
    rows: tuple[dict[str, Any], ...]


def catalog_files() -> list[tuple[Path, dt.date | None]]:
    """The shipped catalog files with the date each takes effect: the starter catalog, and the
    catalog under the 生态环境法典 (catalog/data/code_catalog.yaml) from 2026-08-15 once it exists."""
    from ecoenforce.catalog.services import STARTER_CATALOG

    out: list[tuple[Path, dt.date | None]] = [(STARTER_CATALOG, None)]
    code = STARTER_CATALOG.parent / "code_catalog.yaml"
    if code.exists():
        out.append((code, CODE_IN_FORCE))
    return out


@functools.cache
def _file_catalogs() -> tuple[FileCatalog, ...]:
    out = []
    for path, default_from in catalog_files():
        try:
            doc = load_yaml(path)
            rows = _file_rows(doc)
        except (ValidationError, CatalogError, OSError) as exc:  # a broken file is not offered
            logger.error("catalog file %s not usable: %s", path, exc)
            continue
        effective = doc.get("effective_from", default_from)
        effective = dt.date.fromisoformat(str(effective)) if effective else None
        out.append(FileCatalog(effective, tuple(rows)))
    return tuple(sorted(out, key=lambda c: c.effective_from or dt.date.min))


def _file_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items of a catalog file, validated as the catalog validates entries, with the mapping
    (``predecessors``) kept; an invalid item is left out (and logged), never guessed."""
    from ecoenforce.catalog.models import EntryAction
    from ecoenforce.catalog.services.starter import STARTER_ITEM_KEYS, _resolve_laws
    from ecoenforce.catalog.services.validation import clean_entry_data

    laws = doc.get("laws") or {}
    rows = []
    for item in doc.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        try:
            base = {k: v for k, v in item.items() if k in STARTER_ITEM_KEYS}
            clean = clean_entry_data(_resolve_laws(base, laws), action=EntryAction.ADD)
        except ValidationError as exc:
            logger.error("catalog item %s left out: %s", item.get("code"), exc.messages)
            continue
        rows.append({**clean, "predecessors": item.get("predecessors") or item.get("predecessor")})
    return rows


def _item(data: Mapping[str, Any]) -> PenaltyItem | None:
    try:
        sanction = parse_sanction(data.get("sanction") or {"kind": "none"})
    except CatalogError:
        return None  # a catalog entry whose sanction the engine cannot read is not offered
    basis = list(data.get("legal_basis") or [])
    return PenaltyItem(
        code=str(data["code"]), name=str(data.get("name") or ""), category=str(data.get("category") or ""),
        sanction_data=dict(data.get("sanction") or {}), sanction=sanction, legal_basis=basis,
        notes=str(data.get("notes") or ""),
        predecessors=_codes(data.get("predecessors")),
    )


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip().upper() for v in value if str(v).strip())


_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("penalty_items_memo", default=None)


@contextmanager
def items_memo() -> Iterator[None]:
    """For bulk callers (the demo's year of decisions): within the block ``items_for`` builds the items
    once per unit and period between catalog changes (a published version's or a catalog file's
    effective date), instead of merging the whole catalog on every call. Nothing may be published
    inside the block."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memo_key(memo: dict[Any, Any], unit: Unit | None, on: dt.date) -> tuple[Any, ...]:
    uid = unit.pk if unit is not None else None
    if ("changes", uid) not in memo:
        dates = {c.effective_from for c in _file_catalogs() if c.effective_from}
        if unit is not None:
            chain = unit.ancestors() if unit.path else [unit]
            dates |= {d for d in CatalogVersion.objects.filter(unit__in=chain, status=VersionStatus.PUBLISHED)
                      .values_list("effective_from", flat=True) if d is not None}
        memo[("changes", uid)] = sorted(d for d in dates if d)
    return (uid, sum(1 for d in memo[("changes", uid)] if d <= on))


def items_for(unit: Unit | None, on: dt.date) -> ItemSource:
    """The items of the unit's effective catalog on `on`; the starter catalog while there is none."""
    memo = _MEMO.get()
    if memo is None:
        return _items_for(unit, on)
    key = _memo_key(memo, unit, on)
    if key not in memo:
        memo[key] = _items_for(unit, on)
    source: ItemSource = memo[key]
    return source


def _items_for(unit: Unit | None, on: dt.date) -> ItemSource:
    entries = selectors.effective_catalog(unit, on).entries if unit is not None else []
    if entries:
        rows: list[Mapping[str, Any]] = [dataclasses.asdict(_entry_fields(e)) for e in entries]
        from_starter = False
    else:
        in_force = [c for c in _file_catalogs() if c.effective_from is None or c.effective_from <= on]
        rows = list(in_force[-1].rows) if in_force else []
        from_starter = True
    items = [item for item in (_item(r) for r in rows) if item is not None]
    return ItemSource(items, from_starter)


@dataclass
class _Fields:
    code: str
    name: str
    category: str
    sanction: dict[str, Any]
    legal_basis: list[dict[str, Any]]
    notes: str
    predecessors: list[str]


def _entry_fields(e: selectors.EffectiveEntry) -> _Fields:
    # the mapping old → new is a field of the catalog entry once the catalog stores it
    predecessors = getattr(e, "predecessors", None) or getattr(e.origin, "predecessors", None) or []
    return _Fields(e.code, e.name, e.category, e.sanction, e.legal_basis, e.notes, list(predecessors))


def search(items: list[PenaltyItem], q: str, *, limit: int = 30) -> list[PenaltyItem]:
    terms = [t for t in q.lower().split() if t][:10]
    found = [
        i for i in items
        if i.computable and all(t in f"{i.code} {i.name} {i.category} {' '.join(i.predecessors)}".lower()
                                for t in terms)
    ]
    return found[:limit]


# ---------------------------------------------------------------- rule sets and exemption lists


@functools.cache
def registry() -> BenchmarkRegistry:
    return BenchmarkRegistry.from_directory()


@functools.cache
def exemption_lists() -> tuple[ExemptionList, ...]:
    return tuple(load_exemption_list(p) for p in sorted(EXEMPTIONS_DIR.glob("*.yaml")))


def exemption_list_for(rule_set: RuleSet | None, on: dt.date | None = None) -> ExemptionList | None:
    if rule_set is None:
        return None
    for lst in exemption_lists():
        ends = lst.effective_to
        in_force = on is None or (lst.effective_from <= on and (ends is None or on <= ends))
        if lst.id.startswith(f"{rule_set.id}-") and in_force:
            return lst
    return None


def region_of(unit: Unit | None) -> str | None:
    if unit is None:
        return None
    return PROVINCES.get((unit.division_code or "")[:2])


def default_rule_set_id(unit: Unit | None, on: dt.date) -> str:
    region = region_of(unit)
    found = registry().for_region(region, on) if region else None
    return "" if found is None else found.id


def rule_set_choices(on: dt.date) -> list[tuple[str, str]]:
    return [("", NO_RULE_SET_LABEL)] + [
        (rs.id, f"{rs.name}（{rs.region}，{rs.id}）") for rs in registry().in_force(on)
    ]


def check_generic(g: GenericRule) -> str | None:
    """The ordering the loader enforces (benchmarks._generic), for values changed by parameters."""
    if not g.only_max_lighter < g.only_max_general <= g.only_max_heavier:
        return "仅有最高额时须 从轻 < 一般 ≤ 从重"
    if not g.only_min_lighter <= g.only_min_general <= g.only_min_heavier:
        return "仅有最低额时须 从轻 ≤ 一般 ≤ 从重"
    return None


def apply_parameters(rule_set: RuleSet, values: Mapping[str, object]) -> RuleSet:
    """The rule set with its generic platform defaults taken from the legal parameters."""
    changes: dict[str, Any] = {}
    for name in GENERIC_FIELDS:
        value = values.get(f"discretion.{rule_set.id}.{name}")
        if isinstance(value, Decimal | int) and Decimal(value) != getattr(rule_set.generic, name):
            changes[name] = Decimal(value)
    if not changes:
        return rule_set
    generic = dataclasses.replace(rule_set.generic, **changes)
    problem = check_generic(generic)
    if problem is not None:
        raise ValidationError({"rule_set": [f"法律参数使裁量基准 {rule_set.id} 的通用规则不一致：{problem}"]})
    return dataclasses.replace(rule_set, generic=generic)


def resolve_rule_set(rule_set_id: str | None, on: dt.date | None = None,
                     values: Mapping[str, object] | None = None) -> RuleSet | None:
    """The rule set to compute with ('' / None = the national generic rule); ValidationError if unknown
    or (with `on`) not in force on that date."""
    if not rule_set_id:
        return None
    try:
        rule_set = registry().get(rule_set_id)
    except CatalogError:
        raise ValidationError({"rule_set": [f"没有编号为 {rule_set_id[:40]} 的裁量基准"]}) from None
    if on is not None and not rule_set.in_force(on):
        message = f"裁量基准 {rule_set.name} 在 {on.isoformat()} 不适用（不在有效期内）"
        raise ValidationError({"rule_set": [message]})
    if values is None:
        values = legal_parameter_values(f"discretion.{rule_set.id}.")
    return apply_parameters(rule_set, values)


# ---------------------------------------------------------------- computing


@dataclass(frozen=True)
class ItemComputation:
    item: PenaltyItem
    rule_set: RuleSet | None
    result: PenaltyResult
    facts: dict[str, object]  # canonical JSON


def mapped_codes(item: PenaltyItem) -> tuple[str, ...]:
    """The codes the catalogs' mapping links the item to: its predecessors, and its successors in the
    shipped catalogs (an item of a repealed law → the Code's item replacing it)."""
    successors = {str(r.get("code")) for c in _file_catalogs() for r in c.rows
                  if item.code in _codes(r.get("predecessors"))}
    return tuple(sorted((set(item.predecessors) | successors) - {item.code}))


def questions(item: PenaltyItem, rule_set: RuleSet | None, on: dt.date | None = None) -> Questions:
    return questions_for(item_code=item.code, sanction=item.sanction, rule_set=rule_set,
                         exemptions=exemption_list_for(rule_set, on), aliases=mapped_codes(item))


def compute(*, item: PenaltyItem, rule_set: RuleSet | None, facts: object,
            on: dt.date | None = None) -> ItemComputation:
    """Run the engine; every problem with the input becomes ValidationError {path: [Chinese message]}."""
    try:
        parsed = facts_from_json(facts)
        result = compute_penalty(item_code=item.code, sanction=item.sanction, rule_set=rule_set,
                                 facts=parsed, exemptions=exemption_list_for(rule_set, on),
                                 aliases=mapped_codes(item))
    except CatalogError as exc:
        raise ValidationError({exc.path or "facts": [exc.message]}) from None
    return ItemComputation(item, rule_set, result, facts_to_json(parsed))
