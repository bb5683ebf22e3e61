"""Turn simulated series into HJ 212 packets and send them over TCP as N loggers (the load generator).

Each logger opens one connection, sends its hourly uploads (2061, Flag=5) — each followed by the run
status of its treatment facility (2021, `SB1-RS`, HJ 212-2017 表4) — one after another and waits for
each 9014 before the next, as a real logger does; `bad_share` of the packets get a broken CRC or a
malformed segment (labelled, never acknowledged). Returns the acknowledgement latencies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from dataclasses import dataclass, field

import numpy as np

from ecoenforce.monitoring.hj212 import Cp, FrameReader, Packet, decode, encode
from ecoenforce.monitoring.simulate import Simulated

CST = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Device:
    mn: str
    pw: str
    rows: list[int]  # the simulated rows (pollutants) this logger reports
    flow_code: str = "w00000"
    facility: str = "SB1"  # the treatment facility whose run status (RS) the logger reports


@dataclass
class LoadResult:
    sent: int = 0
    acked: int = 0
    bad_sent: int = 0
    latencies: list[float] = field(default_factory=list)


def packets_for(dev: Device, sim: Simulated, start: dt.datetime, hours: range) -> list[Packet]:
    out = []
    for h in hours:
        groups: list[dict[str, str]] = [
            {"DataTime": (start + dt.timedelta(hours=h)).strftime("%Y%m%d%H%M%S")}
        ]
        for r in dev.rows:
            v = sim.values[r, h]
            if np.isnan(v):
                continue
            code = sim.pollutants[r]
            groups.append({f"{code}-Avg": f"{v:.3f}", f"{code}-Flag": str(sim.flags[r, h])})
        if len(groups) == 1:
            continue  # a gap: the logger sends nothing for this hour
        groups.append(
            {f"{dev.flow_code}-Avg": f"{sim.flow[dev.rows[0], h]:.2f}", f"{dev.flow_code}-Flag": "N"}
        )
        qn = (start + dt.timedelta(hours=h)).strftime("%Y%m%d%H%M%S") + f"{h % 1000:03d}"
        out.append(Packet(st="32", cn="2061", pw=dev.pw, mn=dev.mn, qn=qn, flag=5, cp=Cp.of(*groups)))
        rs = sim.running_status[dev.rows[0], h]
        if not np.isnan(rs):
            status = [groups[0], {f"{dev.facility}-RS": str(int(rs))}]
            qn_rs = (start + dt.timedelta(hours=h, seconds=1)).strftime("%Y%m%d%H%M%S") + f"{h % 1000:03d}"
            out.append(Packet(st="32", cn="2021", pw=dev.pw, mn=dev.mn, qn=qn_rs, flag=5, cp=Cp.of(*status)))
    return out


def corrupt(raw: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:  # wrong CRC
        return raw[:-6] + (b"0000" if raw[-6:-2] != b"0000" else b"1111") + b"\r\n"
    return raw.replace(b"CP=&&", b"CP=&", 1)  # malformed segment (length now wrong too)


async def run_logger(
    host: str, port: int, frames: list[tuple[bytes, str | None]], result: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    framer = FrameReader()
    pending: list[Packet] = []
    try:
        for raw, qn in frames:
            t0 = time.perf_counter()
            writer.write(raw)
            await writer.drain()
            result.sent += 1
            if qn is None:
                result.bad_sent += 1
                continue
            while not any(p.cn == "9014" and p.qn == qn for p in pending):
                data = await asyncio.wait_for(reader.read(65536), 30)
                if not data:
                    raise ConnectionError("closed by the platform")
                pending += [decode(c.data) for c in framer.feed(data) if c.is_frame]
            pending = [p for p in pending if not (p.cn == "9014" and p.qn == qn)]
            result.acked += 1
            result.latencies.append(time.perf_counter() - t0)
    finally:
        writer.close()


async def send_all(
    host: str, port: int, per_logger: list[list[Packet]], *, bad_share: float = 0.0, seed: int = 1
) -> LoadResult:
    rng = random.Random(seed)
    result = LoadResult()
    jobs = []
    for packets in per_logger:
        frames: list[tuple[bytes, str | None]] = []
        for p in packets:
            raw = encode(p)
            if rng.random() < bad_share:
                frames.append((corrupt(raw, rng), None))
            frames.append((raw, p.qn))
        jobs.append(run_logger(host, port, frames, result))
    await asyncio.gather(*jobs)
    return result
