"""Benchmark: HJ 212 ingest end to end over TCP, acknowledgement after durable storage.

Modes (each prints one JSON line with packets/s and p50/p99 ack latency):
  sqlite     hj212_serve writing straight to a fresh SQLite file
  postgres   hj212_serve writing straight to PostgreSQL (database ecoenforce_bench_hj212)
  jetstream  2 receivers (hj212_serve --bus) + 2 consumers (hj212_store) on PostgreSQL; also prints the
             rate at which the consumers had everything in the database
The servers run as separate processes; this process is the load generator (BENCH_HJ212_LOGGERS
connections, each sending BENCH_HJ212_HOURS hourly packets one after another, waiting for each 9014).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PY = str(ROOT / ".venv" / "bin" / "python")
LOGGERS = int(os.environ.get("BENCH_HJ212_LOGGERS", "200"))
HOURS = int(os.environ.get("BENCH_HJ212_HOURS", "50"))
MODES = os.environ.get("BENCH_HJ212_MODES", "sqlite,postgres,jetstream").split(",")
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_HJ212_DB", "ecoenforce_bench_hj212")  # dropped and made afresh

SEED = """
from ecoenforce.org.services import unit_create
from ecoenforce.org.models import Unit, UnitLevel
from ecoenforce.entities.models import Entity, Outlet, MonitoringPoint
from ecoenforce.monitoring.models import Device
from ecoenforce.monitoring.devices import hash_pw
from stdnum.cn import uscc
n = {n}
unit = Unit.objects.first() or unit_create(
    by=None, name="基准测试局", level=UnitLevel.CITY, division_code="131000", parent=None)
def code(i):
    base = "91131000MA" + format(i, "07d")
    return base + uscc.calc_check_digit(base)
ents = Entity.objects.bulk_create([Entity(name=f"基准企业{{i}}", uscc=code(i), legal_representative="张三",
    address="路", division_code="131022", industry_code="C2614", supervision_class="general",
    status="operating", owner_unit=unit) for i in range(n)])
outs = Outlet.objects.bulk_create([Outlet(entity=e, code="DW001", kind="water") for e in ents])
pts = MonitoringPoint.objects.bulk_create([MonitoringPoint(outlet=o, mn=f"{{i:024X}}", password="123456")
    for i, o in enumerate(outs)])
salt, digest = hash_pw("123456", "benchsalt")
Device.objects.bulk_create([Device(point=p, mn=p.mn, pw_salt=salt, pw_hash=digest) for p in pts])
print("seeded", len(pts))
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pg_url(name: str) -> str:
    p = urlsplit(PG)
    return urlunsplit((p.scheme, p.netloc, "/" + name, "", ""))


def prepare(mode: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ecoenforce.settings"}
    if mode == "sqlite":
        var = Path(os.environ.get("BENCH_HJ212_VAR", "/tmp/ecoenforce_bench_hj212"))
        shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True)
        env.pop("DATABASE_URL", None)
        env["ECOENFORCE_VAR_DIR"] = str(var)
    else:
        import psycopg

        with psycopg.connect(PG.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = pg_url(PG_DB)
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "shell", "-c", SEED.format(n=LOGGERS)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return env


def start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if "hj212_store" in args:
        return proc, 0
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("READY"), line
    return proc, int(line.split()[1])


def stop(procs: list[subprocess.Popen[str]]) -> None:
    for p in procs:
        p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()


async def load(ports: list[int]) -> tuple[int, float, list[float]]:
    from ecoenforce.monitoring.hj212 import Cp, Packet
    from ecoenforce.monitoring.hj212.codec import encode
    from ecoenforce.monitoring.loadgen import LoadResult, run_logger

    result = LoadResult()
    jobs = []
    for i in range(LOGGERS):
        frames = []
        for h in range(HOURS):
            day, hour = divmod(h, 24)
            stamp = f"202611{1 + day:02d}{hour:02d}0000"
            cp = Cp.of(
                {"DataTime": stamp},
                {"w01018-Avg": f"{20 + h % 7}.5", "w01018-Flag": "N"},
                {"w21003-Avg": "1.2", "w21003-Flag": "N"},
                {"w00000-Avg": "10.0", "w00000-Flag": "N"},
            )
            p = Packet(st="32", cn="2061", pw="123456", mn=f"{i:024X}", qn=stamp + "001", flag=5, cp=cp)
            frames.append((encode(p), p.qn))
        jobs.append(run_logger("127.0.0.1", ports[i % len(ports)], frames, result))
    t0 = time.perf_counter()
    await asyncio.gather(*jobs)
    return result.acked, time.perf_counter() - t0, result.latencies


def stored_rows(env: dict[str, str]) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as conn:
        row = conn.execute("SELECT count(*) FROM monitoring_measurement").fetchone()
        return int(row[0]) if row else 0


def report(name: str, acked: int, elapsed: float, lat: list[float], **extra: object) -> None:
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0.0] * 99
    print(
        json.dumps(
            {
                "bench": name,
                "value": round(acked / elapsed),
                "unit": "packets/s",
                "p50_ms": round(q[49] * 1000, 1),
                "p99_ms": round(q[98] * 1000, 1),
                "packets": acked,
                "loggers": LOGGERS,
                **extra,
            }
        ),
        flush=True,
    )


def main() -> None:
    for mode in MODES:
        log(f"== {mode}")
        env = prepare(mode)
        if mode in ("sqlite", "postgres"):
            proc, port = start(
                ["hj212_serve", "--host", "127.0.0.1", "--port", "0", "--no-first-connection"], env
            )
            try:
                acked, elapsed, lat = asyncio.run(load([port]))
            finally:
                stop([proc])
            report(f"hj212_ingest_{mode}", acked, elapsed, lat)
            continue
        stream = f"HJ212B{uuid.uuid4().hex[:8].upper()}"
        bus = ["--bus", "nats://127.0.0.1:4222", "--stream", stream]
        receivers = [
            start(["hj212_serve", "--host", "127.0.0.1", "--port", "0", "--no-first-connection", *bus], env)
            for _ in range(2)
        ]
        consumers = [start(["hj212_store", *bus], env)[0] for _ in range(2)]
        try:
            t0 = time.perf_counter()
            acked, elapsed, lat = asyncio.run(load([p for _, p in receivers]))
            expected = acked * 3
            while stored_rows(env) < expected and time.perf_counter() - t0 < 600:
                time.sleep(0.5)
            stored_elapsed = time.perf_counter() - t0
        finally:
            stop([r for r, _ in receivers] + consumers)
        report(
            "hj212_ingest_jetstream",
            acked,
            elapsed,
            lat,
            receivers=2,
            consumers=2,
            stored_per_s=round(acked / stored_elapsed),
        )


if __name__ == "__main__":
    main()
