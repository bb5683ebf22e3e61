"""Benchmark: screening rules over one year of hourly data for 5,000 points, and precision/recall per rule.

Data from ecoenforce.monitoring.simulate (labelled faults in half of the rows), generated in blocks of
500 points before each block is timed; only screen_all is timed. Prints one JSON line per figure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.monitoring.rules import load_params  # noqa: E402
from ecoenforce.monitoring.screen_pure import screen_all  # noqa: E402
from ecoenforce.monitoring.simulate import FAULTS, generate, score  # noqa: E402

POINTS = int(os.environ.get("BENCH_RULES_POINTS", "5000"))
DAYS = int(os.environ.get("BENCH_RULES_DAYS", "365"))
BLOCK = 500


def main() -> None:
    params = load_params()
    elapsed = 0.0
    values = 0
    found_all: list[tuple[str, int, int, int]] = []
    labels = []
    for block in range(0, POINTS, BLOCK):
        n = min(BLOCK, POINTS - block)
        sim = generate(n, DAYS, seed=block + 1)
        daily = np.ones(n, dtype=bool)
        t0 = time.perf_counter()
        found = screen_all(
            values=sim.values,
            flags=sim.flags,
            limits=sim.limits,
            daily=daily,
            flow=sim.flow,
            production_kw=sim.production_kw,
            treatment_kw=sim.treatment_kw,
            scheduled=sim.scheduled,
            running_status=sim.running_status,
            notices=sim.notices,
            params=params,
        )
        elapsed += time.perf_counter() - t0
        values += sim.values.size
        found_all += [(f.rule, f.row + block, f.start, f.end) for f in found]
        labels += [type(lb)(lb.rule, lb.row + block, lb.start, lb.end) for lb in sim.labels]
    common = {"points": POINTS, "hours": DAYS * 24}
    print(json.dumps({"bench": "monitoring_rules_year", "value": round(elapsed, 2), "unit": "s", **common}))
    print(
        json.dumps({"bench": "monitoring_rules_rate", "value": round(values / elapsed), "unit": "values/s"})
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
