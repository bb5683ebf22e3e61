"""Benchmark: cases with 1,000,000 cases and their events on PostgreSQL.

p95 of the to-do list, the case list with a filter, full-text search and the case page (Django's test
Client in-process: middleware, session, templates, queries), and transitions per second
(case_transition, one after another).

A dedicated database (BENCH_CASES_DB, default ecoenforce_bench_cases) on the server of DATABASE_URL
is created, migrated and seeded with `demo_seed` (units, officers, entities) and the starter catalog;
cases, their officers, events and clocks are written with COPY (reused when the count matches).
Environment: BENCH_CASES (default 1000000), BENCH_REQUESTS (default 100 per page),
BENCH_TRANSITIONS (default 200), BENCH_PAGES (comma-separated names of the pages to measure: todo,
list_filter, search, case_page; default all). Prints one JSON line per figure, with the CPU time a
request (or transition) took in this process and in its PostgreSQL backend.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_entities import log, p95, server_url, with_db  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
TRANSITIONS = int(os.environ.get("BENCH_TRANSITIONS", "200"))
DB_NAME = os.environ.get("BENCH_CASES_DB", "ecoenforce_bench_cases")
TITLES = [
    "雨水排口超标排放化学需氧量",
    "未批先建项目擅自投入生产",
    "无证排放大气污染物",
    "篡改自动监测数据",
    "危险废物贮存不规范",
    "扬尘污染防治措施不到位",
    "挥发性有机物无组织排放",
    "夜间施工噪声扰民",
    "不正常运行污染防治设施",
    "未按规定公开环境信息",
]
ACT_DATE = dt.date(2026, 1, 5)  # inside the starter catalog's period, so transitions pass the item check
STATES = (
    ["investigating"] * 30
    + ["pending_decision"] * 10
    + ["served"] * 10
    + ["archived"] * 45
    + ["pending_filing"] * 5
)


def database(url: str) -> int | None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    try:
        with psycopg.connect(with_db(url, DB_NAME).replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case").fetchone()
            return int(row[0]) if row else None
    except psycopg.Error:
        return None


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column != "id"]


def _defaults(model: Any) -> dict[str, Any]:
    out = {}
    for f in model._meta.concrete_fields:
        value = f.get_default()
        out[f.column] = json.dumps(value) if isinstance(value, dict | list) else value
    return out


def seed() -> None:
    from django.core.management import call_command
    from django.db import connection

    from ecoenforce.cases import search
    from ecoenforce.cases.models import Case, CaseEvent, CaseItem, CaseOfficer, Deadline, Lead
    from ecoenforce.entities.models import Entity
    from ecoenforce.org.models import Unit, User

    call_command("demo_seed", "--if-empty", stdout=sys.stderr)  # stdout: JSON lines only
    call_command("catalog_load_starter", "--if-empty", stdout=sys.stderr)
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE cases_caseevent, cases_caseofficer, cases_deadline, cases_caseitem, cases_evidence, "
            "cases_case, cases_lead, cases_casecounter CASCADE"
        )
    rng = random.Random(7)
    units = list(Unit.objects.filter(level=3))
    officers = {
        u.pk: list(
            User.objects.filter(unit=u, role_grants__role="officer", certificates__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
        for u in units
    }
    units = [u for u in units if len(officers[u.pk]) >= 2]
    entities = {
        u.pk: list(Entity.objects.filter(owner_unit__path__startswith=u.path).values_list("pk", flat=True))
        for u in units
    }
    units = [u for u in units if entities[u.pk]]
    tokens = {t: search.tokens(t) for t in TITLES}
    log(f"generating {CASES} cases over {len(units)} counties")
    started = time.monotonic()
    case_cols, d_case = _columns(Case), _defaults(Case)
    today, seqs = dt.date.today(), {u.pk: 0 for u in units}
    plan = []
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY cases_case ({', '.join(case_cols)}) FROM STDIN") as copy,
    ):  # type: ignore[attr-defined]
        for i in range(CASES):
            unit = units[i % len(units)]
            state = STATES[rng.randrange(len(STATES))]
            title = TITLES[rng.randrange(len(TITLES))]
            seqs[unit.pk] += 1
            number = f"{unit.name[:1]}环罚〔2026〕{seqs[unit.pk]}号"
            filed = today - dt.timedelta(days=rng.randrange(1, 400))
            row = dict(
                d_case,
                number=number,
                unit_id=unit.pk,
                year=2026,
                seq=seqs[unit.pk],
                entity_id=rng.choice(entities[unit.pk]),
                title=title,
                act_date=ACT_DATE,
                state=state,
                filed_on=filed,
                search_text=f"{tokens[title]}{number} ",
                created_at=dt.datetime.combine(filed, dt.time(9)).astimezone(),
                updated_at=dt.datetime.combine(filed, dt.time(9)).astimezone(),
            )
            copy.write_row([row[c] for c in case_cols])
            plan.append((unit.pk, state, filed))
    log(f"cases copied in {time.monotonic() - started:.0f} s")
    from ecoenforce.cases.models import CaseCounter

    CaseCounter.objects.bulk_create([CaseCounter(unit_id=u, year=2026, last=n) for u, n in seqs.items()])
    ids = list(Case.objects.order_by("id").values_list("id", flat=True))
    _children(connection, ids, plan, officers, rng, CaseOfficer, CaseEvent, Deadline)
    _items(connection, ids, CaseItem)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    log(f"seeded in {time.monotonic() - started:.0f} s")
    assert Lead.objects.count() == 0


def _children(
    connection: Any,
    ids: list[int],
    plan: list[tuple[int, str, dt.date]],
    officers: dict[int, list[int]],
    rng: random.Random,
    CaseOfficer: Any,
    CaseEvent: Any,
    Deadline: Any,
) -> None:
    oc, ec, dc = _columns(CaseOfficer), _columns(CaseEvent), _columns(Deadline)
    od, ed, dd = _defaults(CaseOfficer), _defaults(CaseEvent), _defaults(Deadline)
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY cases_caseofficer ({', '.join(oc)}) FROM STDIN") as copy:
            for cid, (unit, _, _) in zip(ids, plan, strict=True):
                a, b = rng.sample(officers[unit], 2)
                for j, off in enumerate((a, b)):
                    row = dict(od, case_id=cid, officer_id=off, is_lead=j == 0, certificate_number="ZF")
                    copy.write_row([row[c] for c in oc])
        log("officers copied")
        with raw.copy(f"COPY cases_caseevent ({', '.join(ec)}) FROM STDIN") as copy:
            for cid, (_, state, filed) in zip(ids, plan, strict=True):
                at = dt.datetime.combine(filed, dt.time(9)).astimezone()
                copy.write_row(
                    [
                        dict(
                            ed,
                            case_id=cid,
                            seq=1,
                            action="open",
                            label="立案登记",
                            to_state="pending_filing",
                            at=at,
                        )[c]
                        for c in ec
                    ]
                )
                if state != "pending_filing":
                    copy.write_row(
                        [
                            dict(
                                ed,
                                case_id=cid,
                                seq=2,
                                action="approve_filing",
                                label="批准立案",
                                from_state="pending_filing",
                                to_state="investigating",
                                at=at,
                            )[c]
                            for c in ec
                        ]
                    )
        log("events copied")
        with raw.copy(f"COPY cases_deadline ({', '.join(dc)}) FROM STDIN") as copy:
            for cid, (_, state, filed) in zip(ids, plan, strict=True):
                done = filed + dt.timedelta(days=60) if state in ("archived", "served") else None
                copy.write_row(
                    [
                        dict(
                            dd,
                            case_id=cid,
                            clock="decision",
                            label="自立案之日起作出处罚决定",
                            source="《行政处罚法》第六十条",
                            started_on=filed,
                            due_on=filed + dt.timedelta(days=90),
                            done_on=done,
                        )[c]
                        for c in dc
                    ]
                )
        log("deadlines copied")


def _items(connection: Any, ids: list[int], CaseItem: Any) -> None:
    from ecoenforce.catalog.selectors import effective_catalog
    from ecoenforce.org.models import Unit

    entry = effective_catalog(Unit.objects.get(level=2), ACT_DATE).get("AIR-99-2")
    assert entry is not None
    cols, d = _columns(CaseItem), _defaults(CaseItem)
    row = dict(
        d,
        item_code=entry.code,
        item_name=entry.name,
        legal_basis=json.dumps(entry.legal_basis),
        sanction=json.dumps(entry.sanction),
        referral_mandatory=False,
    )
    with (
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY cases_caseitem ({', '.join(cols)}) FROM STDIN") as copy,
    ):
        for cid in ids:
            copy.write_row([cid if c == "case_id" else row[c] for c in cols])
    log("items copied")


def _backend_cpu() -> float | None:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, when /proc shows it (the
    server on this machine); parallel workers, if a plan starts them, are not counted."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(client: Any, url: str, params: dict[str, Any]) -> dict[str, float]:
    for _ in range(3):
        assert client.get(url, params).status_code == 200, url
    samples = []
    backend, cpu = _backend_cpu(), time.process_time()
    for _ in range(REQUESTS):
        t = time.perf_counter()
        assert client.get(url, params).status_code == 200
        samples.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / REQUESTS
    after = _backend_cpu()
    out = {"p95": p95(samples), "p50": statistics.median(samples), "cpu_ms": cpu}
    if backend is not None and after is not None:
        out["db_cpu_ms"] = (after - backend) * 1000 / REQUESTS
    return out


def run() -> None:
    from django.test import Client

    from ecoenforce.cases.models import Case, CaseOfficer
    from ecoenforce.cases.transitions import case_transition
    from ecoenforce.org.models import User

    officer_id = CaseOfficer.objects.values_list("officer_id", flat=True).first()
    officer = User.objects.get(pk=officer_id)
    leader = User.objects.filter(
        unit=officer.unit, role_grants__role="team_leader"
    ).first() or User.objects.get(username="lf_team_leader")
    client = Client()
    client.force_login(officer)
    case = Case.objects.filter(officers__officer=officer).order_by("-id").first()
    assert case is not None
    pages = {
        "todo": ("/cases/", {}),
        "list_filter": ("/cases/list/", {"state": "investigating"}),
        "search": ("/cases/list/", {"q": "雨水排口"}),
        "case_page": (f"/cases/{case.pk}/", {}),
    }
    only = [p for p in os.environ.get("BENCH_PAGES", "").split(",") if p]
    for name, (url, params) in pages.items():
        if only and name not in only:
            continue
        r = measure(client, url, params)
        log(
            f"{name:12} p95 {r['p95']:7.1f} ms  p50 {r['p50']:7.1f} ms  "
            f"CPU {r['cpu_ms']:5.1f} ms + database {r.get('db_cpu_ms', float('nan')):5.1f} ms a request"
        )
        print(
            json.dumps(
                {
                    "bench": f"cases_{name}_p95_ms",
                    "value": round(r["p95"], 1),
                    "unit": "ms",
                    "p50": round(r["p50"], 1),
                    "cpu_ms_per_request": round(r["cpu_ms"], 1),
                    "db_cpu_ms_per_request": round(r["db_cpu_ms"], 1) if "db_cpu_ms" in r else None,
                    "cases": CASES,
                    "requests": REQUESTS,
                    "database": "postgresql",
                    "loadavg_1m": round(os.getloadavg()[0], 2),
                }
            ),
            flush=True,
        )
    # one transition first, not counted: the first document of a process loads WeasyPrint and the fonts
    if TRANSITIONS <= 0:
        return
    pending = list(Case.objects.filter(state="pending_filing", unit=officer.unit)[: TRANSITIONS + 1])
    if pending:
        case_transition(case=pending.pop(), action="approve_filing", by=leader)
    backend, cpu = _backend_cpu(), time.process_time()
    started = time.perf_counter()
    for c in pending:
        case_transition(case=c, action="approve_filing", by=leader)
    elapsed = max(time.perf_counter() - started, 1e-9)
    cpu = time.process_time() - cpu
    after = _backend_cpu()
    n = max(len(pending), 1)
    db_ms = round((after - backend) * 1000 / n, 1) if backend is not None and after is not None else None
    log(f"transitions  {len(pending) / elapsed:5.2f}/s  CPU {cpu * 1000 / n:6.1f} ms a transition")
    print(
        json.dumps(
            {
                "bench": "cases_transitions_per_s",
                "value": round(len(pending) / elapsed, 2),
                "unit": "1/s",
                "transitions": len(pending),
                "cpu_ms_per_transition": round(cpu * 1000 / n, 1),
                "db_cpu_ms_per_transition": db_ms,
                "cases": CASES,
                "database": "postgresql",
                "loadavg_1m": round(os.getloadavg()[0], 2),
            }
        ),
        flush=True,
    )


def main() -> None:
    url = server_url()
    count = database(url)
    os.environ["DATABASE_URL"] = with_db(url, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if count != CASES:
        seed()
    else:
        log(f"reusing {count} cases in {DB_NAME}")
    run()


if __name__ == "__main__":
    main()
