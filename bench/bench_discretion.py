"""Benchmark: discretion-engine throughput (compute_penalty per second, single process).

A deterministic batch (random.Random(20220101)) of BENCH_DISCRETION_CASES cases (default 100,000):
about 60% Guangdong table items (random factor levels incl. 无法查明, 从轻/从重 circumstances,
公开道歉承诺, 减轻 with a recorded ground) and 40% generic items (amount ranges, only-max, only-min
and multiples with a base amount).  Cases are built before the clock starts; the timed loop only
calls compute_penalty.  Prints one JSON line: {"bench", "value", "unit", ...}.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.penalty.engine.discretion import (  # noqa: E402
    BENCHMARKS_DIR,
    MITIGATING_GROUNDS,
    UNPROVABLE,
    Apology,
    Grade,
    Mitigation,
    PenaltyFacts,
    RuleSet,
    compute_penalty,
    load_rule_set,
)
from ecoenforce.penalty.engine.sanction import Sanction, parse_sanction  # noqa: E402

CASES = int(os.environ.get("BENCH_DISCRETION_CASES", "100000"))
SEED = 20220101

GENERIC: list[tuple[str, Sanction, str | None]] = [
    ("WATER-83-2", parse_sanction({"kind": "amount", "min": 100000, "max": 1000000}), None),
    ("AIR-100-1", parse_sanction({"kind": "amount", "min": 20000, "max": 200000}), None),
    ("EIA-31-3", parse_sanction({"kind": "amount", "max": 50000, "warning": True}), None),
    ("NOISE-80-1", parse_sanction({"kind": "amount", "min": 10000}), None),
    (
        "SOLID-113-1",
        parse_sanction({"kind": "multiple", "min": 1, "max": 3, "base": "treatment_cost"}),
        "treatment_cost",
    ),
    (
        "WATER-94-1",
        parse_sanction({"kind": "multiple", "min": 0.2, "max": 0.3, "base": "direct_loss"}),
        "direct_loss",
    ),
]

Case = tuple[str, Sanction, PenaltyFacts]


def table_case(rng: random.Random, rs: RuleSet) -> Case:
    code = rng.choice(sorted(rs.tables))
    table = rs.tables[code]
    levels = {f.id: rng.choice([UNPROVABLE, *[lv.id for lv in f.levels]]) for f in table.factors}
    bases = {"total_investment": str(rng.randint(100_000, 2_000_000_000))} if table.statutory.base else {}
    extra = circumstances(rng)
    if rng.random() < 0.05 and table.statutory.min is not None and not table.statutory.base:
        extra["mitigation"] = Mitigation(str(rng.randint(1, 99) * 1000), "《行政处罚法》第三十二条第（一）项")
    medium = None if table.medium is None else table.medium.applies_to  # the row's own medium (§3.4.2: air)
    return code, table.statutory, PenaltyFacts(levels=levels, bases=bases, medium=medium, **extra)


def generic_case(rng: random.Random) -> Case:
    code, sanction, base = rng.choice(GENERIC)
    bases = {base: str(rng.randint(1_000, 50_000_000))} if base else {}
    extra = circumstances(rng)
    extra["apology"] = None
    return code, sanction, PenaltyFacts(bases=bases, **extra)


def circumstances(rng: random.Random) -> dict[str, object]:
    mitigating = frozenset(rng.sample(sorted(MITIGATING_GROUNDS), rng.choice([0, 0, 0, 1, 2])))
    heavier = frozenset({"emergency_violation"}) if rng.random() < 0.1 else frozenset()
    grade = rng.choice(list(Grade)) if mitigating and heavier else None
    apology = Apology(Decimal(rng.randint(30, 50)) / 100) if rng.random() < 0.2 else None
    return {"mitigating": mitigating, "heavier": heavier, "grade": grade, "apology": apology}


def build(rs: RuleSet) -> list[Case]:
    rng = random.Random(SEED)
    return [table_case(rng, rs) if rng.random() < 0.6 else generic_case(rng) for _ in range(CASES)]


def main() -> None:
    rs = load_rule_set(BENCHMARKS_DIR / "guangdong.yaml")
    cases = build(rs)
    total = Decimal(0)
    start, cpu_start = time.perf_counter(), time.process_time()
    for code, sanction, facts in cases:
        total += compute_penalty(item_code=code, sanction=sanction, rule_set=rs, facts=facts).amount
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "bench": "discretion_penalties_per_second",
                "value": round(CASES / elapsed),
                "unit": "1/s",
                "cases": CASES,
                "seconds": round(elapsed, 3),
                "cpu_seconds": round(cpu, 3),
                "checksum_yuan": str(total),
            }
        )
    )


if __name__ == "__main__":
    main()
