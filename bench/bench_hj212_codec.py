"""Benchmark: HJ 212 packets decoded and CRC-checked per second on one core, against a naive baseline.

Packets: the 10 real packets of tests/monitoring/data plus hourly uploads of 6 pollutants, cycled;
all built before the clock starts. Fast path = ecoenforce.monitoring.hj212.decode (vectorised CRC,
validated fields, typed CP). Baseline = bit-by-bit CRC and plain str.split (hj212/baseline.py), which
validates far less. Prints one JSON line per figure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.monitoring.hj212 import Cp, HJ212Error, Packet, decode, encode  # noqa: E402
from ecoenforce.monitoring.hj212.baseline import naive_decode  # noqa: E402

N = int(os.environ.get("BENCH_HJ212_PACKETS", "100000"))


def packets() -> list[bytes]:
    real = [
        json.loads(line)["packet"].encode()
        for line in (ROOT / "tests/monitoring/data/hj212-examples.jsonl").open()
    ]
    real = [r for r in real if _ok(r)]
    hourly = []
    for i in range(40):
        cp = Cp.of(
            {"DataTime": f"202611{1 + i % 28:02d}{i % 24:02d}0000"},
            *({f"{c}-Avg": f"{10 + i * 0.37:.3f}", f"{c}-Min": "1.0", f"{c}-Max": "30.5", f"{c}-Flag": "N"}
              for c in ("w01018", "w21003", "w21011", "w21001", "w01001", "w00000")),
        )  # fmt: skip
        p = Packet(
            st="32", cn="2061", pw="123456", mn=f"{i:024X}", qn=f"20261130100000{i % 1000:03d}", flag=5, cp=cp
        )
        hourly.append(encode(p))
    return real + hourly


def _ok(raw: bytes) -> bool:
    try:
        decode(raw)
        return True
    except HJ212Error:
        return False


def rate(fn, frames: list[bytes], n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(packets per wall second, packets per CPU second of this process): on a shared machine the
    second is what the code costs, the first also what the neighbours took."""
    batch = (frames * (n // len(frames) + 1))[:n]
    t0, c0 = time.perf_counter(), time.process_time()
    for raw in batch:
        fn(raw)
    return n / (time.perf_counter() - t0), n / (time.process_time() - c0)


def main() -> None:
    frames = packets()
    avg_len = sum(map(len, frames)) / len(frames)
    fast, fast_cpu = rate(decode, frames, N)
    base, base_cpu = rate(naive_decode, frames, max(N // 10, 1000))
    common = {"packets": N, "avg_bytes": round(avg_len), "load": round(os.getloadavg()[0], 1)}
    print(json.dumps({"bench": "hj212_decode", "value": round(fast), "unit": "packets/s", **common}))
    cpu = "packets/cpu-s"
    print(json.dumps({"bench": "hj212_decode_cpu", "value": round(fast_cpu), "unit": cpu, **common}))
    print(json.dumps({"bench": "hj212_decode_baseline", "value": round(base), "unit": "packets/s", **common}))
    print(json.dumps({"bench": "hj212_decode_baseline_cpu", "value": round(base_cpu), "unit": cpu}))
    speedup = round(fast_cpu / base_cpu, 1)
    print(json.dumps({"bench": "hj212_decode_speedup", "value": speedup, "unit": "x (cpu)"}))


if __name__ == "__main__":
    main()
