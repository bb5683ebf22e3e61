"""Benchmark: the consistency report (同案不同罚) over 1,000,000 recorded penalty decisions on PostgreSQL.

Uses a dedicated database (ecoenforce_bench_consistency on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), created and migrated if missing. The seed is reused
when the database already holds exactly N decisions; otherwise the table is emptied and N rows are
written with COPY: a city in Guangdong (rule set GD-2022) with 10 district enforcement units, 3
officers each, ~50 enforcement items of the starter catalog (the 5 weight-table items of GD-2022 and
45 generic-rule items), a pool of ~2,000 distinct fact sets computed by the engine, 80 % of the
decisions equal to the benchmark and 20 % deviating (half of those with a recorded reason).

Then the report is timed over all decisions as the city team leader sees it (scope, streaming with a
server-side cursor, the engine once per distinct input, aggregation per unit/officer/item), with 1
worker and with BENCH_WORKERS processes (default 2), and one JSON line is printed with the faster.

Environment: BENCH_DECISIONS (default 1000000), BENCH_WORKERS (default 2),
BENCH_CONSISTENCY_DB (default ecoenforce_bench_consistency).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DECISIONS = int(os.environ.get("BENCH_DECISIONS", "1000000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DB_NAME = os.environ.get("BENCH_CONSISTENCY_DB", "ecoenforce_bench_consistency")
TABLE = "catalog_decidedpenalty"
LEADER = "bc_city_team_leader"
COLUMNS = (
    "item_code",
    "item_name",
    "unit_id",
    "officer_id",
    "decided_on",
    "facts",
    "sanction",
    "rule_set_id",
    "engine_decision",
    "engine_amount",
    "decision",
    "decided_amount",
    "reason",
    "source_type",
    "source_id",
    "recorded_by_id",
    "created_at",
)
DISTRICTS = (
    "440103",
    "440104",
    "440105",
    "440106",
    "440111",
    "440112",
    "440113",
    "440114",
    "440115",
    "440117",
)
REASONS = (
    "经集体讨论，当事人积极整改，酌情从轻",
    "违法持续时间长、社会影响较大，经集体讨论从重",
    "当事人陈述申辩理由部分成立，经法制审核调整",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


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


def setup() -> None:
    url = server_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = with_db(url, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# ---------------------------------------------------------------- the seed


def world() -> tuple[Any, dict[int, list[Any]]]:
    """The bench units and officers (created once): (city team leader, {unit id: [officers]})."""
    from ecoenforce.org import services
    from ecoenforce.org.models import Unit, UnitLevel, User
    from ecoenforce.org.roles import Role

    leader = User.objects.filter(username=LEADER).first()
    if leader is None:
        log("creating units and officers")
        city = services.unit_create(
            by=None,
            name="广州市生态环境局（基准测试）",
            level=UnitLevel.CITY,
            division_code="440100",
            parent=None,
        )
        units = [
            services.unit_create(
                by=None,
                name=f"{code}区生态环境综合执法大队",
                level=UnitLevel.COUNTY,
                division_code=code,
                parent=city,
            )
            for code in DISTRICTS
        ]
        for unit in units:
            for n in range(1, 4):
                officer = services.user_create(
                    by=None,
                    username=f"bc_{unit.pk}_{n}",
                    password="Bench-Passw0rd!",
                    unit=unit,
                    real_name=f"{unit.name[:6]}执法员{n}",
                    validate=False,
                )
                services.role_grant(by=None, user=officer, role=Role.OFFICER)
        leader = services.user_create(
            by=None,
            username=LEADER,
            password="Bench-Passw0rd!",
            unit=city,
            real_name="市执法队长",
            validate=False,
        )
        services.role_grant(by=None, user=leader, role=Role.TEAM_LEADER)
    root = Unit.objects.get(pk=leader.unit_id)
    officers: dict[int, list[Any]] = {}
    for user in User.objects.filter(username__startswith="bc_", unit__path__startswith=root.path).exclude(
        username=LEADER
    ):
        officers.setdefault(user.unit_id, []).append(user)
    return leader, officers


def variants(rng: random.Random, city: Any, on: dt.date) -> list[dict[str, Any]]:
    """~2,000 distinct fact sets over ~50 items, each with the engine's answer."""
    from django.core.exceptions import ValidationError

    from ecoenforce.penalty import catalog_items as penalty_engine

    rule_set = penalty_engine.resolve_rule_set("GD-2022", on)
    assert rule_set is not None
    items = [
        i
        for i in penalty_engine.items_for(city, on).items
        if penalty_engine.questions(i, rule_set, on).computable and i.sanction.is_fine
    ]
    table = [i for i in items if rule_set.table(i.code)]
    generic = [i for i in items if not rule_set.table(i.code)][:45]
    out: list[dict[str, Any]] = []
    for item in table + generic:
        q = penalty_engine.questions(item, rule_set, on)
        seen: set[str] = set()
        for _ in range(240 if q.factors else 30):
            facts: dict[str, Any] = {}
            if q.factors:
                facts["levels"] = {
                    f.id: rng.choice(f.choices[:-1]).value if rng.random() > 0.03 else "unprovable"
                    for f in q.factors
                }
                facts["grade"] = rng.choice([None] * 6 + ["lighter", "heavier"])
            else:
                facts["grade"] = rng.choice(["lighter", "general", "general", "heavier"])
            if q.bases:
                facts["bases"] = {
                    b.value: str(rng.choice([500_000, 1_000_000, 2_000_000, 5_000_000, 20_000_000]))
                    for b in q.bases
                }
            if q.apology is not None and rng.random() < 0.1:
                facts["apology"] = {"rate": rng.choice(["0.3", "0.4", "0.5"])}
            if rng.random() < 0.05:
                facts["mitigating"] = ["eliminated_harm"]
                facts["grade"] = facts.get("grade") or "lighter"
            facts = {k: v for k, v in facts.items() if v is not None}
            try:
                comp = penalty_engine.compute(item=item, rule_set=rule_set, facts=facts, on=on)
            except ValidationError:
                continue
            text = json.dumps(comp.facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if text in seen:
                continue
            seen.add(text)
            r = comp.result
            out.append(
                {
                    "item": item,
                    "facts": text,
                    "decision": r.decision.value,
                    "amount": r.amount,
                    "low": r.statutory_min,
                    "high": r.statutory_max,
                    "sanction": json.dumps(item.sanction_data, ensure_ascii=False, sort_keys=True),
                }
            )
    return out


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def decided(rng: random.Random, v: dict[str, Any]) -> tuple[str, Decimal, str]:
    if rng.random() >= 0.2:
        return v["decision"], v["amount"], ""
    reason = rng.choice(REASONS) if rng.random() < 0.5 else ""
    if v["decision"] != "fine":
        return "fine", v["low"] or Decimal(1000), reason
    amount = (v["amount"] * Decimal(rng.uniform(0.6, 1.4))).quantize(Decimal(100))
    if v["low"] is not None:
        amount = max(amount, v["low"])
    if v["high"] is not None:
        amount = min(amount, v["high"])
    return "fine", amount, reason


def seed(leader: Any, officers: dict[int, list[Any]]) -> None:
    from django.db import connection

    from ecoenforce.org.models import Unit

    rng = random.Random(20260601)
    on = dt.date(2026, 6, 1)
    pool = variants(rng, Unit.objects.get(pk=leader.unit_id), on)
    log(
        f"{len(pool)} distinct fact sets over {len({v['item'].code for v in pool})} items; "
        f"writing {DECISIONS} rows"
    )
    units = sorted(officers)
    by_item: dict[str, list[dict[str, Any]]] = {}
    for v in pool:
        by_item.setdefault(v["item"].code, []).append(v)
    codes = sorted(by_item)
    start = dt.date(2024, 1, 1).toordinal()
    now = dt.datetime.now(dt.UTC).isoformat()
    with connection.cursor() as cur:
        cur.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
    raw = connection.connection
    chunk = 100_000
    with raw.cursor() as cur, cur.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for done in range(0, DECISIONS, chunk):
            buf = io.StringIO()
            for _ in range(min(chunk, DECISIONS - done)):
                choices = by_item[rng.choice(codes)]  # items uniformly, their fact sets skewed
                v = choices[min(len(choices) - 1, int(rng.expovariate(4 / len(choices))))]
                unit = rng.choice(units)
                officer = rng.choice(officers[unit])
                decision, amount, reason = decided(rng, v)
                row = (
                    v["item"].code,
                    v["item"].name,
                    unit,
                    officer.pk,
                    dt.date.fromordinal(start + rng.randrange(912)).isoformat(),
                    v["facts"],
                    v["sanction"],
                    "GD-2022",
                    v["decision"],
                    v["amount"],
                    decision,
                    amount,
                    reason,
                    "bench",
                    "",
                    officer.pk,
                    now,
                )
                buf.write("\t".join(_copy_text(x) for x in row) + "\n")
            copy.write(buf.getvalue())
            log(f"  {done + chunk:>9,} rows")
    raw.commit()
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {TABLE}")


def count() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        return int(cur.fetchone()[0])


# ---------------------------------------------------------------- the measurement


def measure(leader: Any, workers: int) -> dict[str, Any]:
    from ecoenforce.penalty.selectors import ConsistencyFilters, consistency_report

    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = consistency_report(leader, ConsistencyFilters(), workers=workers)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_children = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    total = result.report.total
    assert total.count == DECISIONS, (total.count, DECISIONS)
    return {
        "workers": workers,
        "seconds": round(wall, 2),
        "rate": round(DECISIONS / wall),
        "cpu_seconds": round(time.process_time() - cpu + cpu_children, 2),
        "flagged": total.flagged,
        "without_reason": total.flagged_without_reason,
        "errors": total.errors,
        "distinct_inputs": result.distinct_inputs,
        "units": len(result.report.by_unit),
        "officers": len(result.report.by_officer),
        "items": len(result.report.by_item),
    }


def main() -> None:
    setup()
    leader, officers = world()
    existing = count()
    if existing != DECISIONS:
        started = time.monotonic()
        seed(leader, officers)
        log(f"seeded in {time.monotonic() - started:.1f} s")
    else:
        log(f"reusing {existing:,} decisions in {DB_NAME}")
    runs = []
    for workers in sorted({1, WORKERS}):
        runs.append(measure(leader, workers))
        log(json.dumps(runs[-1], ensure_ascii=False))
    best = max(runs, key=lambda r: r["rate"])
    print(
        json.dumps(
            {
                "bench": "consistency_report_decisions_per_second",
                "value": best["rate"],
                "unit": "1/s",
                "decisions": DECISIONS,
                "db": "postgresql",
                "wall_seconds": best["seconds"],
                "workers": best["workers"],
                "distinct_inputs": best["distinct_inputs"],
                "flagged": best["flagged"],
                "loadavg_1m": round(os.getloadavg()[0], 2),
                "runs": runs,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    log(
        f"consistency report over {DECISIONS:,} decisions: {best['seconds']} s wall "
        f"({best['workers']} worker(s))"
    )


if __name__ == "__main__":
    main()
