"""Benchmark: screening rules over one year of hourly data for 5,000 points, and precision/recall per rule.

Data from ecoenforce.monitoring.simulate (labelled faults in half of the rows), generated in blocks of
500 points before each block is timed; only screen_all is timed, in process CPU time (what the rules cost,
whatever the neighbours' load) and wall time. In the same run, interleaved block by block (alternating which
goes first), the reference copy of the rules before the whole-block rewrite (tests/monitoring/
reference_rules.py) is timed on the same block and must give the same findings; BENCH_RULES_REFERENCE=0
skips it. Prints one JSON line per figure, with the load average at the start and the end.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.monitoring import reference_rules  # noqa: E402

from ecoenforce.monitoring.rules import load_params  # noqa: E402
from ecoenforce.monitoring.screen_pure import screen_all  # noqa: E402
from ecoenforce.monitoring.simulate import FAULTS, generate, score  # noqa: E402

POINTS = int(os.environ.get("BENCH_RULES_POINTS", "5000"))
DAYS = int(os.environ.get("BENCH_RULES_DAYS", "365"))
REFERENCE = os.environ.get("BENCH_RULES_REFERENCE", "1") != "0"
BLOCK = 500


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def timed(fn: Callable[..., Any], kw: dict[str, Any]) -> tuple[Any, float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn(**kw)
    return out, time.process_time() - c0, time.perf_counter() - w0


def main() -> None:
    params = load_params()
    load_start = loadavg()
    cpu: dict[str, list[float]] = {"new": [], "reference": []}
    wall: dict[str, list[float]] = {"new": [], "reference": []}
    by_rule: dict[str, float] = {}
    values = 0
    found_all: list[tuple[str, int, int, int]] = []
    labels = []
    for block in range(0, POINTS, BLOCK):
        n = min(BLOCK, POINTS - block)
        sim = generate(n, DAYS, seed=block + 1)
        kw = {
            "values": sim.values,
            "flags": sim.flags,
            "limits": sim.limits,
            "daily": np.ones(n, dtype=bool),
            "flow": sim.flow,
            "production_kw": sim.production_kw,
            "treatment_kw": sim.treatment_kw,
            "scheduled": sim.scheduled,
            "running_status": sim.running_status,
            "notices": sim.notices,
            "params": params,
        }
        order = ["new", "reference"] if (block // BLOCK) % 2 == 0 else ["reference", "new"]
        results = {}
        for which in order if REFERENCE else ["new"]:
            fn = screen_all if which == "new" else reference_rules.screen_all
            results[which], c, w = timed(fn, kw)
            cpu[which].append(c)
            wall[which].append(w)
        # the per-rule profile is a separate pass, so its clock calls do not weigh on the timed one
        screen_all(**kw, timings=by_rule)
        found = results["new"]
        if REFERENCE and found != results["reference"]:
            sys.exit(f"block {block}: the rules and the reference copy disagree")
        values += sim.values.size
        found_all += [(f.rule, f.row + block, f.start, f.end) for f in found]
        labels += [type(lb)(lb.rule, lb.row + block, lb.start, lb.end) for lb in sim.labels]
    load = {"loadavg_start": load_start, "loadavg_end": loadavg()}
    common = {"points": POINTS, "hours": DAYS * 24, "block_points": BLOCK}
    for which in ("new", "reference") if REFERENCE else ("new",):
        name = "monitoring_rules_year" + ("" if which == "new" else "_reference")
        total = sum(cpu[which])
        print(
            json.dumps(
                {
                    "bench": name + "_cpu",
                    "value": round(total, 3),
                    "unit": "cpu-s",
                    "per_block_cpu_s": {
                        "min": round(min(cpu[which]), 4),
                        "median": round(statistics.median(cpu[which]), 4),
                        "max": round(max(cpu[which]), 4),
                    },
                    **common,
                    **load,
                }
            )
        )
        print(json.dumps({"bench": name, "value": round(sum(wall[which]), 2), "unit": "s", **common, **load}))
        print(
            json.dumps(
                {
                    "bench": "monitoring_rules_rate" + ("" if which == "new" else "_reference"),
                    "value": round(values / total),
                    "unit": "values/cpu-s",
                    "wall_values_per_s": round(values / sum(wall[which])),
                }
            )
        )
    if REFERENCE:
        speedup = sum(cpu["reference"]) / sum(cpu["new"])
        print(json.dumps({"bench": "monitoring_rules_speedup", "value": round(speedup, 2), "unit": "x cpu"}))
    print(
        json.dumps(
            {
                "bench": "monitoring_rules_cpu_by_rule",
                "value": {k: round(v, 3) for k, v in by_rule.items()},
                "unit": "cpu-s",
                **common,
            }
        )
    )
    for rule in FAULTS:
        p, r = score(found_all, labels, rule)
        print(
            json.dumps(
                {
                    "bench": f"rule_{rule}",
                    "value": {"precision": round(p, 3), "recall": round(r, 3)},
                    "unit": "event-level",
                    "labels": sum(1 for lb in labels if lb.rule == rule),
                }
            )
        )


if __name__ == "__main__":
    main()
