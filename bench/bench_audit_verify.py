"""Benchmark: `audit_verify` throughput over 1,000,000 events on PostgreSQL (aim: >= 200,000/s).

Uses a dedicated database (ecoenforce_bench on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), created and migrated if missing. The events are
generated once with valid SM3 chaining (chain module) and loaded with COPY; later runs reuse them
when the head says there are exactly BENCH_AUDIT_EVENTS events and the chain verifies.

Prints one JSON line per figure: {"bench", "value", "unit", ...}: the verification rate (best of
BENCH_AUDIT_RUNS, default 3) with the machine's load average and the CPU that run cost per event —
the verifier's processes (this one and its workers) and their PostgreSQL backends, read from
/proc — and the same CPU for one process (workers=1), which a loaded machine disturbs less.
Environment: BENCH_AUDIT_EVENTS (default 1000000), BENCH_DB_NAME (default ecoenforce_bench).
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecoenforce.audit.chain import FIELDS  # noqa: E402  (pure module: no Django set-up needed)

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
RUNS = int(os.environ.get("BENCH_AUDIT_RUNS", "3"))  # best of
DB_NAME = os.environ.get("BENCH_DB_NAME", "ecoenforce_bench")
COLUMNS = (*FIELDS, "digest", "algorithm")  # the table's columns in COPY order


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return (
        url
        if url.startswith(("postgres://", "postgresql://"))
        else "postgres://postgres@127.0.0.1:5432/postgres"
    )


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone() is None:
            log(f"creating database {DB_NAME}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- data -------------------------------------------------------------------------------------
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "Mobile/15E148 MicroMessenger/8.0",
    "ecoenforce-hj212-ingest/1.0",
)
ACTIONS = (
    ("auth.login", "org.user"),
    ("entity.change", "entities.entity"),
    ("case.transition", "cases.case"),
    ("inspection.record", "inspections.inspection"),
    ("lead.create", "cases.lead"),
    ("complaint.handle", "complaints.complaint"),
    ("document.render", "documents.document"),
)
NAMES = ("固安县某某化工有限公司", "永清县某某再生资源回收站", "廊坊市某某热力有限公司", "某某纸业有限公司")


def event_values(rng: random.Random, seq: int, when: datetime) -> list[object]:
    action, target_type = ACTIONS[rng.randrange(len(ACTIONS))]
    actor = rng.randrange(1, 400)
    outcome = "ok" if rng.random() < 0.97 else "refused"
    before = (
        ""
        if action == "auth.login"
        else json.dumps(
            {"status": "待处理", "name": rng.choice(NAMES), "score": rng.randrange(100)},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
    )
    after = "" if not before else before.replace("待处理", "已处理")
    return [
        seq,
        when,
        actor,
        f"user{actor:03d}",
        actor % 23 + 1,
        f"10.{actor % 7}.{actor % 250}.{rng.randrange(2, 250)}",
        AGENTS[actor % len(AGENTS)],
        action,
        outcome,
        target_type,
        str(rng.randrange(1, 100000)),
        f"{rng.choice(NAMES)}（第{seq}号）",
        "" if outcome == "ok" else "您的角色无权执行此操作",
        before,
        after,
    ]


def generate(count: int) -> None:
    from django.db import connection

    from ecoenforce.audit import chain

    log(f"generating {count} chained events")
    rng = random.Random(20261122)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    prev, t0 = chain.GENESIS_DIGEST, time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with raw.transaction():
        # As the owner: empty earlier data and set the head in one step (the guards refuse both).
        raw.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        raw.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        raw.execute("TRUNCATE audit_auditevent")
        with raw.cursor().copy(f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for seq in range(1, count + 1):
                when = start + timedelta(seconds=seq * 30, microseconds=rng.randrange(1_000_000))
                values = event_values(rng, seq, when)
                row = [*values[:1], chain.format_time(when), *values[2:], prev]
                prev = chain.event_digest(row)
                copy.write_row([*values, row[-1], prev, chain.ALGORITHM])
                if seq % 200_000 == 0:
                    log(f"  {seq} events, {time.perf_counter() - t0:.0f} s")
        raw.execute(
            "INSERT INTO audit_audithead (id, seq, digest) VALUES (1, %s, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, digest = EXCLUDED.digest",
            (count, prev),
        )
        raw.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        raw.execute("ALTER TABLE audit_audithead ENABLE TRIGGER USER")
    raw.execute("VACUUM ANALYZE audit_auditevent")
    log(f"generated in {time.perf_counter() - t0:.0f} s")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (local server only)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    return proc_cpu_seconds(pid)


class BackendSampler:
    """CPU of every PostgreSQL backend serving the bench database while a run lasts.

    The workers' backends exit with their connections, so their /proc counters are read every
    10 ms and the last reading kept (at most 10 ms of a backend's CPU is missed); a backend first
    seen during the run counts from 0. Backends are found by their process title, "postgres:
    <user> <database> ...", every 50 ms: only this benchmark connects to its database. The
    thread's own CPU (`own`) is left out of the client's figure.
    """

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.own = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _find(self, *, at_start: bool) -> None:
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) in self.first:
                continue
            try:
                title = Path(f"/proc/{name}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and self.marker in title:
                cpu = proc_cpu_seconds(int(name))
                if cpu is not None:
                    self.first[int(name)] = cpu if at_start else 0.0
                    self.last[int(name)] = cpu

    def _read(self) -> None:
        for pid in self.first:
            cpu = proc_cpu_seconds(pid)
            if cpu is not None:
                self.last[pid] = cpu

    def _run(self) -> None:
        started = time.thread_time()
        tick = 0
        while not self.stop.wait(0.01):
            tick += 1
            if tick % 5 == 0:
                self._find(at_start=False)
            self._read()
        self._find(at_start=False)
        self._read()
        self.own = time.thread_time() - started

    def __enter__(self) -> BackendSampler:
        self._find(at_start=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def measured_run(verify_chain: Any, **kwargs: Any) -> tuple[Any, float, float, float]:
    """One verification: (report, client CPU s, server CPU s, load average at its end).

    Client: this process and its (joined) worker processes; server: the backends of all of them.
    """
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client0 = time.process_time()
    with BackendSampler(DB_NAME) as backends:
        report = verify_chain(**kwargs)
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    client = time.process_time() - client0 - backends.own + children
    return report, client, backends.seconds, os.getloadavg()[0]


def cpu_figure(verify_chain: Any) -> dict[str, Any]:
    """One process: the CPU one event costs the verifier and the PostgreSQL backend. Less sensitive
    than the wall-clock rate to other work on a shared machine, though contention inflates it too."""
    report, client, server, load = measured_run(verify_chain, workers=1)
    assert report.ok, report
    client_us = 1e6 * client / report.checked
    server_us = 1e6 * server / report.checked
    return {
        "bench": "audit_verify_cpu_microseconds_per_event",
        "value": round(client_us + server_us, 2),
        "unit": "us/event",
        "client_us": round(client_us, 2),
        "server_us": round(server_us, 2),
        "one_process_events_per_second": round(report.rate),
        "load_average": round(load, 2),
        "db": "postgresql",
    }


def main() -> None:
    url = with_db(server_url(), DB_NAME)
    ensure_database(server_url())
    setup_django(url)
    from ecoenforce.audit.verify import read_head, verify_chain

    head_seq, _, max_seq = read_head()
    if head_seq != EVENTS or max_seq != EVENTS:
        generate(EVENTS)
    report = verify_chain()
    if not report.ok:
        log(f"stored events do not verify ({report.first_break}); regenerating")
        generate(EVENTS)
        report = verify_chain()
    assert report.ok and report.checked == EVENTS and report.rechecked == 0, report
    runs = [measured_run(verify_chain) for _ in range(RUNS)]  # the walk above warmed the cache
    assert all(r[0].ok for r in runs), runs
    best, client, server, load = max(runs, key=lambda r: r[0].rate)
    figures: list[dict[str, Any]] = [
        {
            "bench": "audit_verify_events_per_second",
            "value": round(best.rate),
            "unit": "events/s",
            "events": best.checked,
            "db": "postgresql",
            "workers": best.workers,
            "seconds": round(best.seconds, 2),
            "runs": RUNS,
            "load_average": round(load, 2),
            "cpu_us_per_event": round(1e6 * (client + server) / best.checked, 2),
            "client_us": round(1e6 * client / best.checked, 2),
            "server_us": round(1e6 * server / best.checked, 2),
        },
        cpu_figure(verify_chain),
    ]
    for figure in figures:
        print(json.dumps(figure), flush=True)


if __name__ == "__main__":
    main()
