"""Benchmark: documents rendered per second, DOCX (docxtpl) and PDF (WeasyPrint, CJK fonts embedded).

Renders the sample penalty decision (the longest kind, 3 pages) and the whole set of kinds in turn,
single process, after one warm-up render of each kind (template compilation and font loading are
paid once per process in production too). No database: the renderers are measured alone.
Prints one JSON line per format: {"bench", "value", "unit", ...}.
Environment: BENCH_DOCUMENTS_N (default 40 renders per format).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoenforce.settings")

import django  # noqa: E402

django.setup()

from ecoenforce.documents import kinds, render  # noqa: E402
from ecoenforce.documents.samples import SAMPLES  # noqa: E402

N = int(os.environ.get("BENCH_DOCUMENTS_N", "40"))


def contexts() -> list[tuple[kinds.Kind, dict[str, object]]]:
    out = []
    for code, kind in kinds.all_kinds().items():
        ctx = render.full_context(kind, kind.clean(SAMPLES[code]), issuer_name="廊坊市生态环境局",
                                  issued_at=datetime(2026, 9, 1, 10), code="ABCDE-FGHJK-MNPQR-STVWX-YZ012",
                                  verify_url="https://zf.example.gov.cn/public/verify/ABCDEFGHJKMNPQRSTVWXYZ012/")
        out.append((kind, ctx))
    return out


def run(fmt: str, fn: object, items: list[tuple[kinds.Kind, dict[str, object]]]) -> dict[str, object]:
    assert callable(fn)
    for kind, ctx in items:  # warm-up: one of each kind
        fn(kind, ctx)
    total_bytes = 0
    started = time.perf_counter()
    for i in range(N):
        kind, ctx = items[i % len(items)]
        total_bytes += len(fn(kind, ctx))
    seconds = time.perf_counter() - started
    return {
        "bench": f"documents_render_{fmt}", "value": round(N / seconds, 2), "unit": "documents/s",
        "n": N, "kinds": len(items), "avg_kib": round(total_bytes / N / 1024, 1),
        "harfbuzz_subset": render.harfbuzz_subset_available(), "load1": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    items = contexts()
    print(json.dumps(run("docx", render.render_docx, items)), flush=True)
    print(json.dumps(run("pdf", render.render_pdf, items)), flush=True)


if __name__ == "__main__":
    main()
