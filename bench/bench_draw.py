"""Benchmark: a verifiable draw over 1,000,000 entities and 5,000 officers with recusal (aim < 2 s each).

The pool is generated (pure module: no Django, no database): 5 % key, 94 % general, 1 % special
entities across 60 townships, 3 % of them on the positive list with weight 0.5 in the general
stratum; 5,000 officers in the same townships; 20,000 declared conflicts / last-time recusals;
township recusal on. Rules: key 25 %, general 5 %, special all; teams of 2.
Prints one JSON line per figure: draw seconds, verify seconds (including JSON parsing), selected count.
Wall seconds depend on the machine's load (printed); the CPU seconds of the process less so.
Environment: BENCH_DRAW_ENTITIES (default 1000000), BENCH_DRAW_OFFICERS (default 5000), BENCH_DRAW_RUNS (3),
BENCH_DRAW_ALGORITHM (default ecoenforce-draw/2; ecoenforce-draw/1 to compare with the first version).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.inspections import draw  # noqa: E402  (pure module)

N_ENTITIES = int(os.environ.get("BENCH_DRAW_ENTITIES", "1000000"))
N_OFFICERS = int(os.environ.get("BENCH_DRAW_OFFICERS", "5000"))
RUNS = int(os.environ.get("BENCH_DRAW_RUNS", "3"))
ALGORITHM = os.environ.get("BENCH_DRAW_ALGORITHM", draw.ALGORITHM)


def make_pool(rng: random.Random) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    towns = [f"131022{t:03d}" for t in range(100, 160)]
    entities = []
    for i in range(N_ENTITIES):
        r = rng.random()
        stratum = "key" if r < 0.05 else "special" if r < 0.06 else "general"
        weight = "0.5" if stratum == "general" and rng.random() < 0.03 else "1"
        entities.append([f"91131000{i:09d}X", stratum, weight, towns[i % len(towns)]])
    officers = [[f"ZF{i:06d}", towns[i % len(towns)]] for i in range(N_OFFICERS)]
    recusals = [
        [officers[rng.randrange(N_OFFICERS)][0], entities[rng.randrange(N_ENTITIES)][0]] for _ in range(20000)
    ]
    return entities, officers, recusals


# The published documents of the default benchmark (1,000,000 entities, 5,000 officers, version 2) as
# the code before issue 9's speed work wrote them: SM3 of the JSON text and the result digest per seed.
GOLDEN = {
    "seed-0": (
        "77b8a7666a657c1d0c11bfc92b97ff9c35e68a335cb58e8f8da35019fe97458f",
        "d3f7dffa61662fc6a12a7225b4bfa0f212140cfe30d1049ff073a6f2d8695b26",
    ),
    "seed-1": (
        "5f4c5f2adc9f52c5e9812026709d3112566af9647942e3f0ab4d14ddc7400014",
        "3a3f09f7e533cf18e5759019d1f0780878e651a82938742f3d306184844978e4",
    ),
    "seed-2": (
        "c5825a153568cc8867eac4780944d567201e9ee156050f87b4d87c1d46616172",
        "524a472956a0f1d1c9a7576291071373e48d0d9bac412d4e40bfab53a1b1d89b",
    ),
}


def main() -> None:
    rng = random.Random(20261201)
    entities, officers, recusals = make_pool(rng)
    t0 = time.perf_counter()
    plan = draw.make_plan(
        plan_id="bench",
        unit="131000",
        period="2026Q4",
        title="bench",
        rules={
            "key": {"mode": "ratio", "value": "0.25"},
            "general": {"mode": "ratio", "value": "0.05"},
            "special": {"mode": "all"},
        },
        team_size=2,
        township_recusal=True,
        draw_time="2026-12-01T10:00:00+08:00",
        seed_source={"kind": "public", "description": "bench"},
        entities=entities,
        officers=officers,
        recusals=recusals,
        algorithm=ALGORITHM,
    )
    commit_s = time.perf_counter() - t0
    draw_times, verify_times, draw_cpu, verify_cpu = [], [], [], []
    for run in range(RUNS):
        t0, c0 = time.perf_counter(), time.process_time()
        doc = draw.run(plan, entities, officers, recusals, [f"seed-{run}"])
        draw_times.append(time.perf_counter() - t0)
        draw_cpu.append(time.process_time() - c0)
        text = json.dumps(doc, ensure_ascii=False)
        golden = (
            GOLDEN.get(f"seed-{run}")
            if (N_ENTITIES, N_OFFICERS, ALGORITHM) == (1000000, 5000, draw.ALGORITHM_V2)
            else None
        )
        if golden is not None:  # a faster draw must publish byte for byte the same document
            assert (draw.sm3_hex(text.encode()), doc["result_digest"]) == golden, (
                "document differs from the golden one"
            )
        t0, c0 = time.perf_counter(), time.process_time()
        diffs = draw.verify(text)
        verify_times.append(time.perf_counter() - t0)
        verify_cpu.append(time.process_time() - c0)
        assert diffs == [], diffs[:3]
    load = os.getloadavg()[0]
    common = {
        "entities": N_ENTITIES,
        "officers": N_OFFICERS,
        "recusals": len(recusals),
        "selected": len(doc["result"]["selected"]),
        "loadavg": round(load, 2),
        "algorithm": ALGORITHM,
    }
    for name, value in (
        ("draw_commit_seconds", commit_s),
        ("draw_run_seconds", min(draw_times)),
        ("draw_verify_seconds", min(verify_times)),
        ("draw_run_cpu_seconds", min(draw_cpu)),
        ("draw_verify_cpu_seconds", min(verify_cpu)),
    ):
        print(json.dumps({"bench": name, "value": round(value, 3), "unit": "s", **common}), flush=True)


if __name__ == "__main__":
    main()
