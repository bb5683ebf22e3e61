"""Benchmark: entity list page and API p95 latency with 100,000 entities on PostgreSQL.

Uses a dedicated database (ecoenforce_bench_entities on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/postgres), created and migrated if missing, seeded with
`demo_seed --entities N` (reused when it already holds exactly N entities; otherwise dropped and
re-created). Requests go through Django's test Client in-process (middleware, session, templates,
queries; no network), logged in as a county officer (about 1/6 of the entities) and as the city team
leader (all of them): page 1 and a later page, with and without a search term, and the API list.

Prints one JSON line per figure: {"bench", "value", "unit", ...}.
Environment: BENCH_ENTITIES (default 100000), BENCH_REQUESTS (default 200 per case),
BENCH_ENTITIES_DB (default ecoenforce_bench_entities).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ENTITIES = int(os.environ.get("BENCH_ENTITIES", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
DB_NAME = os.environ.get("BENCH_ENTITIES_DB", "ecoenforce_bench_entities")


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


def ensure_database(url: str, *, recreate: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone()
        if exists and recreate:
            log(f"dropping database {DB_NAME}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
            exists = None
        if exists is None:
            log(f"creating database {DB_NAME}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def entity_count(url: str) -> int | None:
    """Entities in the bench database, None when it or its table is missing."""
    import psycopg

    try:
        with psycopg.connect(with_db(url, DB_NAME).replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SELECT count(*) FROM entities_entity").fetchone()
            return int(row[0]) if row else None
    except psycopg.Error:
        return None


def setup(url: str) -> None:
    count = entity_count(url)
    reseed = count != ENTITIES
    ensure_database(url, recreate=reseed and count is not None)
    os.environ["DATABASE_URL"] = with_db(url, DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    if reseed:
        log(f"seeding {ENTITIES} entities (demo_seed)")
        started = time.monotonic()
        call_command("demo_seed", "--entities", str(ENTITIES), stdout=sys.stderr)  # stdout: JSON only
        log(f"seeded in {time.monotonic() - started:.1f} s")
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
    else:
        log(f"reusing {count} entities in {DB_NAME}")


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(client: Any, url: str, params: dict[str, Any]) -> dict[str, float]:
    for _ in range(5):  # warm-up: connection, template and query caches
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"p95": p95(samples), "p50": statistics.median(samples), "max": max(samples)}


def run() -> None:
    from django.test import Client

    from ecoenforce.org.models import User

    users = {
        "county_officer": User.objects.get(username="guan_zf01"),
        "city_team_leader": User.objects.get(username="lf_team_leader"),
    }
    cases = [
        ("page1", {}),
        ("page40", {"page": 40}),
        ("search", {"q": "化工"}),
        ("search_uscc", {"q": "911310"}),
        ("filter_key", {"class": "key"}),
    ]
    results: dict[str, dict[str, Any]] = {"page": {}, "api": {}}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        for name, params in cases:
            page = measure(client, "/entities/", params)
            results["page"][f"{who}/{name}"] = page
            api_params = {("supervision_class" if k == "class" else k): v for k, v in params.items()}
            api = measure(client, "/api/entities/", api_params)
            results["api"][f"{who}/{name}"] = api
            log(f"{who:17} {name:12} page p95 {page['p95']:7.1f} ms  api p95 {api['p95']:7.1f} ms")
    for kind, bench in (("page", "entity_list_page_p95_ms"), ("api", "entity_api_list_p95_ms")):
        worst = max(r["p95"] for r in results[kind].values())
        print(
            json.dumps(
                {
                    "bench": bench,
                    "value": round(worst, 1),
                    "unit": "ms",
                    "entities": ENTITIES,
                    "requests_per_case": REQUESTS,
                    "database": "postgresql",
                "loadavg_1m": round(os.getloadavg()[0], 2),
                    "cases_p95": {k: round(v["p95"], 1) for k, v in results[kind].items()},
                "cases_p50": {k: round(v["p50"], 1) for k, v in results[kind].items()},
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


def main() -> None:
    setup(server_url())
    run()


if __name__ == "__main__":
    main()
