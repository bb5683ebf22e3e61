"""The worked examples of docs/draw.md: prints the published JSON of a tiny draw.

`python scripts/draw_example.py [1|2]` regenerates the numbers quoted in docs/draw.md §7 (algorithm
version 1) and §7b (version 2, with one entity due under the minimum-frequency rule);
tests/inspections/test_draw_doc.py checks that the doc quotes exactly these.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from ecoenforce.inspections import draw

ENTITIES = [
    ["911310000000000011", "key", "1", "131022100"],
    ["911310000000000022", "key", "1", "131022101"],
    ["911310000000000033", "general", "1", "131022100"],
    ["911310000000000044", "general", "0.5", "131022101"],
    ["911310000000000055", "general", "1", "131022101"],
    ["911310000000000066", "special", "1", "131022100"],
]
OFFICERS = [
    ["a1b2c3d4e5f60718", "131022100"],
    ["b2c3d4e5f6071829", "131022101"],
    ["c3d4e5f60718293a", ""],
    ["d4e5f60718293a4b", ""],
]
RECUSALS = [["c3d4e5f60718293a", "911310000000000011"]]
WITNESS_VALUES = ["4071", "8856"]
DUE = ["911310000000000055"]  # version 2: not inspected within its minimum period


def example(version: int = 1) -> dict[str, Any]:
    algorithm = draw.ALGORITHM_V1 if version == 1 else draw.ALGORITHM_V2
    due = DUE if version == 2 else []
    plan = draw.make_plan(
        plan_id="CJ-2026-Q4-01",
        unit="131000",
        period="2026Q4",
        title="2026年第四季度污染源日常监管随机抽查",
        rules={
            "key": {"mode": "ratio", "value": "0.5"},
            "general": {"mode": "count", "value": "2"},
            "special": {"mode": "all"},
        },
        team_size=2,
        township_recusal=True,
        draw_time="2026-12-01T10:00:00+08:00",
        seed_source={
            "kind": "witness",
            "description": "两名见证人现场各报一个数值",
            "commitments": [draw.witness_commitment(v) for v in WITNESS_VALUES],
        },
        entities=ENTITIES,
        officers=OFFICERS,
        recusals=RECUSALS,
        due=due,
        algorithm=algorithm,
    )
    return draw.run(plan, ENTITIES, OFFICERS, RECUSALS, WITNESS_VALUES, due)


if __name__ == "__main__":
    print(json.dumps(example(int(sys.argv[1]) if len(sys.argv) > 1 else 1), ensure_ascii=False, indent=1))
