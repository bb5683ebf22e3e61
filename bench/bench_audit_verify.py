"""Benchmark: `audit_verify` throughput over 1,000,000 events on PostgreSQL (aim: >= 200,000/s).

Uses a dedicated database (ecoenforce_bench on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), created and migrated if missing. The events are
generated once with valid SM3 chaining (chain module) and loaded with COPY; later runs reuse them
when the head says there are exactly BENCH_AUDIT_EVENTS events and the chain verifies.

Prints one JSON line per figure: {"bench", "value", "unit", ...}: the verification rate (best of
BENCH_AUDIT_RUNS, default 3, with the machine's load average), and the CPU one event costs the
verifier and the PostgreSQL backend.
Environment: BENCH_AUDIT_EVENTS (default 1000000), BENCH_DB_NAME (default ecoenforce_bench).
"""

from __future__ import annotations

import json
import os
import random
import sys
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


def backend_cpu_seconds() -> float | None:
    """CPU time used so far by this connection's PostgreSQL backend (local server only)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_figure(verify_chain: Any) -> dict[str, Any] | None:
    """One process: the CPU one event costs the verifier and the PostgreSQL backend. Less sensitive
    than the wall-clock rate to other work on a shared machine, though contention inflates it too."""
    server0, client0 = backend_cpu_seconds(), time.process_time()
    report = verify_chain(workers=1)
    server1, client1 = backend_cpu_seconds(), time.process_time()
    assert report.ok, report
    if server0 is None or server1 is None:
        return None
    client_us = 1e6 * (client1 - client0) / report.checked
    server_us = 1e6 * (server1 - server0) / report.checked
    return {
        "bench": "audit_verify_cpu_microseconds_per_event",
        "value": round(client_us + server_us, 2),
        "unit": "us/event",
        "client_us": round(client_us, 2),
        "server_us": round(server_us, 2),
        "one_process_events_per_second": round(report.rate),
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
    runs = [verify_chain() for _ in range(RUNS)]  # the walk above warmed the cache and checked the data
    best = max(runs, key=lambda r: r.rate)
    assert all(r.ok for r in runs), runs
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
            "load_average": round(os.getloadavg()[0], 2),
        }
    ]
    cpu = cpu_figure(verify_chain)
    if cpu is not None:
        figures.append(cpu)
    for figure in figures:
        print(json.dumps(figure), flush=True)


if __name__ == "__main__":
    main()
