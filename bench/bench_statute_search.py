"""Benchmark: statute-library search (法规库条文检索) latency, substring match over every stored article.

Uses a fresh SQLite database in a temporary directory (or DATABASE_URL when BENCH_STATUTES_USE_ENV=1),
migrates it, loads the library (the Code's 1,242 articles and the starter catalog's cited articles),
then runs each query BENCH_REQUESTS times (default 200) through statutes.selectors.search.
Prints one JSON line per figure: {"bench", "value", "unit", ...}.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
QUERIES = ("按日连续处罚", "排污许可证 拘留", "危险废物 转移联单", "第一千零六十条", "监测数据 弄虚作假")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="bench_statutes_")
    if os.environ.get("BENCH_STATUTES_USE_ENV") != "1":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ecoenforce.statutes import selectors
    from ecoenforce.statutes.services import statutes_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = statutes_load()
    load_s = time.perf_counter() - started
    samples: list[float] = []
    for query in QUERIES:
        for _ in range(REQUESTS):
            t = time.perf_counter()
            selectors.search(query)
            samples.append((time.perf_counter() - t) * 1000)
    db = connection.vendor
    print(json.dumps({"bench": "statutes_load", "value": round(load_s, 2), "unit": "s",
                      "articles": report.articles, "db": db}))
    print(json.dumps({"bench": "statute_search_p95", "value": round(p95(samples), 2), "unit": "ms",
                      "queries": len(QUERIES), "requests": len(samples), "db": db}))


if __name__ == "__main__":
    main()
