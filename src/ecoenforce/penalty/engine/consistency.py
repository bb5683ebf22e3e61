"""同案不同罚 — the consistency report's pure part: recompute the benchmark of recorded decisions and
aggregate the gaps.

For every recorded decision the benchmark (what the engine says today for the recorded input:
item, statutory sanction, rule set, facts) is recomputed; a decision is *flagged* when the decided
conclusion or amount differs from it.  Per unit, per officer and per item the report gives the
number of decisions, the flagged count and share, how many flagged ones carry no recorded reason,
the mean absolute gap (yuan, over all decisions) and the mean relative gap (|gap| / benchmark, over
decisions with a benchmark above 0).  ``drift`` counts decisions whose benchmark today differs from
the engine amount stored at decision time (the rule set or a parameter changed since); decisions
whose input the engine no longer accepts are counted as ``errors``, never flagged.

The engine runs once per distinct input (``BenchmarkCache``): recorded facts repeat a lot, so a
million decisions cost a few thousand engine runs.  A row may stand for several identical decisions
(same unit, officer, input, conclusion, amounts, reason or not — the database groups them), given
by its ``count``; the kept flagged rows then name the latest of them.  Reports built on parts of the
data ``merge``.  Pure Python, no Django.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from .benchmarks import RuleSet
from .discretion import compute_penalty
from .errors import CatalogError
from .exemption import ExemptionList
from .facts import facts_from_json
from .sanction import Sanction, parse_sanction

__all__ = [
    "ROW_FIELDS",
    "Aggregate",
    "Benchmark",
    "BenchmarkCache",
    "ConsistencyReport",
    "Flagged",
    "engine_benchmark",
]

ZERO = Decimal(0)
# The columns a row carries, in order (the selector streams them from the database). sanction_key and
# facts_key identify the JSON input (its text, or a hash of it); count = identical decisions in the row.
ROW_FIELDS = ("pk", "unit_id", "officer_id", "item_code", "decision", "decided_amount", "engine_amount",
              "has_reason", "rule_set_id", "sanction_key", "facts_key", "count")
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Benchmark:
    decision: str
    amount: Decimal
    error: str = ""


@dataclass(slots=True)
class Aggregate:
    count: int = 0
    flagged: int = 0
    flagged_without_reason: int = 0
    errors: int = 0
    drift: int = 0
    sum_abs_gap: Decimal = ZERO
    sum_rel_gap: Decimal = ZERO
    rel_count: int = 0
    decided_total: Decimal = ZERO
    benchmark_total: Decimal = ZERO

    def add(
        self, decided: Decimal, bench: Benchmark, flagged: bool, has_reason: bool, drift: bool, n: int = 1
    ) -> None:
        """Add `n` identical decisions."""
        self.count += n
        if bench.error:
            self.errors += n
            return
        self.decided_total += decided * n
        self.benchmark_total += bench.amount * n
        if drift:
            self.drift += n
        if bench.amount > 0:
            self.rel_count += n
        if not flagged:
            return
        self.flagged += n
        if not has_reason:
            self.flagged_without_reason += n
        gap = abs(decided - bench.amount)
        self.sum_abs_gap += gap * n
        if bench.amount > 0:
            self.sum_rel_gap += gap / bench.amount * n

    def merge(self, other: Aggregate) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def compared(self) -> int:
        return self.count - self.errors

    @property
    def flagged_share(self) -> Decimal:
        return Decimal(self.flagged) / self.compared if self.compared else ZERO

    @property
    def mean_abs_gap(self) -> Decimal:
        return self.sum_abs_gap / self.compared if self.compared else ZERO

    @property
    def mean_rel_gap(self) -> Decimal:
        return self.sum_rel_gap / self.rel_count if self.rel_count else ZERO


@dataclass(frozen=True, slots=True)
class Flagged:
    pk: int
    unit_id: int
    officer_id: int
    item_code: str
    decision: str
    decided_amount: Decimal
    benchmark: Benchmark
    has_reason: bool
    count: int = 1  # identical decisions this row stands for (pk = the latest)
    decided_on: Any = None  # filled in by the selector for the kept rows

    @property
    def gap(self) -> Decimal:
        return self.decided_amount - self.benchmark.amount

    @property
    def rel_gap(self) -> Decimal | None:
        return None if self.benchmark.amount <= 0 else self.gap / self.benchmark.amount


class BenchmarkCache:
    """The engine's answer per distinct input (item, rule set, sanction key, facts key).  On a miss the
    compute function receives the keys (the JSON texts themselves, or keys it resolves to them) and
    the primary key of a row that has them."""

    def __init__(self, compute: Callable[[str, str, Any, Any, int], Benchmark]) -> None:
        self._compute = compute
        self._cache: dict[tuple[str, str, Any, Any], Benchmark] = {}

    def get(
        self, item_code: str, rule_set_id: str, sanction_key: Any, facts_key: Any, pk: int = 0
    ) -> Benchmark:
        key = (item_code, rule_set_id, sanction_key, facts_key)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._compute(item_code, rule_set_id, sanction_key, facts_key, pk)
        return found

    def __len__(self) -> int:
        return len(self._cache)


def engine_benchmark(
    rule_sets: Mapping[str, RuleSet], exemptions: Callable[[RuleSet | None], ExemptionList | None]
) -> Callable[[str, str, str, str], Benchmark]:
    """A compute function for BenchmarkCache: parses the recorded JSON and runs the engine."""
    sanctions: dict[str, Sanction] = {}

    def compute(item_code: str, rule_set_id: str, sanction_text: str, facts_text: str) -> Benchmark:
        try:
            rule_set = None
            if rule_set_id:
                rule_set = rule_sets.get(rule_set_id)
                if rule_set is None:
                    return Benchmark("", ZERO, f"裁量基准 {rule_set_id} 已不存在")
            sanction = sanctions.get(sanction_text)
            if sanction is None:
                sanction = sanctions[sanction_text] = parse_sanction(json.loads(sanction_text))
            result = compute_penalty(item_code=item_code, sanction=sanction, rule_set=rule_set,
                                     facts=facts_from_json(json.loads(facts_text)),
                                     exemptions=exemptions(rule_set))
        except CatalogError as exc:
            return Benchmark("", ZERO, exc.message)
        except ValueError:  # malformed JSON text
            return Benchmark("", ZERO, "记录的计算输入无法读取")
        return Benchmark(result.decision.value, result.amount)

    return compute


@dataclass
class ConsistencyReport:
    keep: int = 200  # flagged decisions kept for the detail list (largest absolute gaps)
    total: Aggregate = field(default_factory=Aggregate)
    by_unit: dict[int, Aggregate] = field(default_factory=dict)
    by_officer: dict[int, Aggregate] = field(default_factory=dict)
    by_item: dict[str, Aggregate] = field(default_factory=dict)
    officer_units: dict[int, int] = field(default_factory=dict)
    _top: list[tuple[Decimal, int, Flagged]] = field(default_factory=list, repr=False)

    def add(self, row: Row, bench: Benchmark) -> None:
        pk, unit_id, officer_id, item_code, decision, decided, engine_amount, has_reason = row[:8]
        n = row[11]
        flagged = not bench.error and (decision != bench.decision or decided != bench.amount)
        drift = not bench.error and engine_amount != bench.amount
        for agg in (_bucket(self.by_unit, unit_id), _bucket(self.by_officer, officer_id),
                    _bucket(self.by_item, item_code), self.total):
            agg.add(decided, bench, flagged, has_reason, drift, n)
        self.officer_units.setdefault(officer_id, unit_id)
        if flagged and self.keep:
            item = Flagged(pk, unit_id, officer_id, item_code, decision, decided, bench, has_reason, n)
            self._push((abs(item.gap), pk, item))

    def add_rows(self, rows: Iterable[Row], cache: BenchmarkCache) -> None:
        get = cache.get
        for row in rows:
            self.add(row, get(row[3], row[8] or "", row[9], row[10], row[0]))

    def merge(self, other: ConsistencyReport) -> None:
        self.total.merge(other.total)
        _merge(self.by_unit, other.by_unit)
        _merge(self.by_officer, other.by_officer)
        _merge(self.by_item, other.by_item)
        for officer, unit in other.officer_units.items():
            self.officer_units.setdefault(officer, unit)
        for entry in other._top:
            self._push(entry)

    def _push(self, entry: tuple[Decimal, int, Flagged]) -> None:
        if len(self._top) < self.keep:
            heapq.heappush(self._top, entry)
        elif entry[:2] > self._top[0][:2]:
            heapq.heapreplace(self._top, entry)

    @property
    def flagged(self) -> list[Flagged]:
        """The kept flagged decisions, largest absolute gap first."""
        return [f for _, _, f in sorted(self._top, key=lambda e: (e[0], e[1]), reverse=True)]


K = TypeVar("K")


def _bucket(groups: dict[K, Aggregate], key: K) -> Aggregate:
    agg = groups.get(key)
    if agg is None:
        agg = groups[key] = Aggregate()
    return agg


def _merge(mine: dict[K, Aggregate], theirs: dict[K, Aggregate]) -> None:
    for key, agg in theirs.items():
        if key in mine:
            mine[key].merge(agg)
        else:
            mine[key] = agg
