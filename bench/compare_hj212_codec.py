"""Before/after in one process, interleaved: decode of this checkout against the hj212 package of another
checkout (e.g. main), on the packets of bench_hj212_codec.py. Usage:

    .venv/bin/python bench/compare_hj212_codec.py /work/main/src/ecoenforce/monitoring/hj212

Prints one JSON line per round and side (CPU-seconds of this process, with the load average).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_hj212_codec import packets, rate

from ecoenforce.monitoring.hj212 import decode


def load_other(package_dir: str):  # type: ignore[no-untyped-def]
    """Import another checkout's hj212 package under the name hj212_before (its relative imports work)."""
    init = Path(package_dir) / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "hj212_before", init, submodule_search_locations=[package_dir]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hj212_before"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    before = load_other(sys.argv[1])
    frames = packets()
    assert all(before.decode(f).cp.text() == decode(f).cp.text() for f in frames)  # the same work
    n = int(os.environ.get("BENCH_HJ212_PACKETS", "50000"))
    for r in range(int(os.environ.get("BENCH_HJ212_ROUNDS", "5"))):
        for side, fn in (("before", before.decode), ("after", decode)):
            _, per_cpu = rate(fn, frames, n)
            line = {"bench": f"hj212_decode_{side}_cpu", "round": r, "value": round(per_cpu)}
            line |= {"unit": "packets/cpu-s", "us_cpu": round(1e6 / per_cpu, 2)}
            print(json.dumps(line | {"load": round(os.getloadavg()[0], 1)}))


if __name__ == "__main__":
    main()
