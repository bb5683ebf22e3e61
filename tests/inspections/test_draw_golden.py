"""Golden outputs: fixed pools and seeds give byte for byte the documents published before.

The expected digests in data/draw_golden.json were written by the code as it was before the speed
work of issue 9 (`python -m tests.inspections.test_draw_golden` writes them again — only do that
for a deliberate, documented change of the algorithm). Any fast path that changes one selected
entity, one officer of a team, the order of a row or one byte of the JSON fails here.

The pools cover what the fast paths branch on: both versions, weighted strata ("1", "1.0", "0.5",
"0.25"), a stratum without a rule, due entities (also in that stratum), duplicated recusal rows,
recusals of officers not in the pool, empty townships, ids of varying length and alphabet, teams
of 2 and 3, township recusal on and off, ratio / count / all rules and k ≥ n.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from ecoenforce.inspections import draw

GOLDEN = Path(__file__).parent / "data" / "draw_golden.json"
TOWNS = [f"131022{t:03d}" for t in range(100, 112)] + [""]
ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._:-"


def _id(rng: random.Random, i: int) -> str:
    """Unique ids of 2–36 characters over the whole id alphabet (the "_<index>" suffix keeps them unique)."""
    return "".join(rng.choice(ID_CHARS) for _ in range(rng.randrange(0, 30))) + f"_{i}"


def make_case(name: str) -> dict[str, Any]:
    spec = CASES[name]
    rng = random.Random(spec["seed"])
    entities: list[list[str]] = []
    for i in range(spec["entities"]):
        r = rng.random()
        stratum = "key" if r < 0.08 else "special" if r < 0.1 else "orphan" if r < 0.12 else "general"
        weight = rng.choice(spec["weights"]) if stratum in ("general", "orphan") else "1"
        entities.append([_id(rng, i), stratum, weight, rng.choice(TOWNS)])
    officers = [[f"ZF{i:05d}", rng.choice(TOWNS)] for i in range(spec["officers"])]
    recusals = [[rng.choice(officers)[0], rng.choice(entities)[0]] for _ in range(spec["entities"] // 5)]
    recusals += recusals[: len(recusals) // 10]  # duplicated rows count once
    recusals += [["GHOST01", entities[0][0]]]  # an officer not in the pool bars nobody
    due = sorted({rng.choice(entities)[0] for _ in range(spec["due"])})
    plan = draw.make_plan(
        plan_id=f"G-{name}",
        unit="131000",
        period="2026Q4",
        title="黄金样例",
        rules=spec["rules"],
        team_size=spec["team_size"],
        township_recusal=spec["township_recusal"],
        draw_time="2026-12-01T10:00:00+08:00",
        seed_source={"kind": "public", "description": "固定种子"},
        entities=entities,
        officers=officers,
        recusals=recusals,
        due=due,
        algorithm=spec["algorithm"],
    )
    shuffled = [list(entities), list(officers), list(recusals)]
    for rows in shuffled:
        rng.shuffle(rows)
    doc = draw.run(plan, *shuffled, spec["seed_values"], list(reversed(due)))
    return doc


RULES_MAIN = {
    "key": {"mode": "ratio", "value": "0.25"},
    "general": {"mode": "count", "value": "700"},
    "special": {"mode": "all"},
}
CASES: dict[str, dict[str, Any]] = {
    "v2-weighted-due": {
        "seed": 9001,
        "entities": 30000,
        "officers": 400,
        "due": 60,
        "algorithm": draw.ALGORITHM_V2,
        "weights": ["1", "1", "1", "1.0", "0.5", "0.25"],
        "rules": RULES_MAIN,
        "team_size": 2,
        "township_recusal": True,
        "seed_values": ["3391.27"],
    },
    "v2-plain-team3": {
        "seed": 9002,
        "entities": 8000,
        "officers": 90,
        "due": 0,
        "algorithm": draw.ALGORITHM_V2,
        "weights": ["1"],
        "team_size": 3,
        "township_recusal": False,
        "seed_values": ["x"],
        "rules": {
            "key": {"mode": "ratio", "value": "1"},
            "general": {"mode": "ratio", "value": "0.03"},
            "special": {"mode": "count", "value": "5"},
            "orphan": {"mode": "count", "value": "9999"},
        },
    },
    "v2-due-only-weighted": {
        "seed": 9003,
        "entities": 3000,
        "officers": 25,
        "due": 200,
        "algorithm": draw.ALGORITHM_V2,
        "weights": ["1", "0.5"],
        "rules": {"general": {"mode": "ratio", "value": "0.02"}},
        "team_size": 2,
        "township_recusal": True,
        "seed_values": ["种子值"],
    },
    "v1-weighted": {
        "seed": 9004,
        "entities": 2500,
        "officers": 60,
        "due": 0,
        "algorithm": draw.ALGORITHM_V1,
        "weights": ["1", "0.5", "1.0"],
        "rules": RULES_MAIN | {"general": {"mode": "ratio", "value": "0.1"}},
        "team_size": 2,
        "township_recusal": True,
        "seed_values": ["2026-12-01 收盘 3391.27"],
    },
}


def fingerprint(doc: dict[str, Any]) -> dict[str, Any]:
    published = json.dumps(doc, ensure_ascii=False).encode("utf-8")  # the bytes the platform serves
    return {
        "pool_digest": doc["plan"]["pool_digest"],
        "commitment": doc["commitment"],
        "seed_key": doc["seed"]["key"],
        "result_digest": doc["result_digest"],
        "selected": len(doc["result"]["selected"]),
        "document_sm3": draw.sm3_hex(published),
        "canonical_sm3": draw.sm3_hex(draw.canonical_json(doc)),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_documents_are_byte_for_byte_the_golden_ones(name: str) -> None:
    expected = json.loads(GOLDEN.read_text())[name]
    doc = make_case(name)
    assert fingerprint(doc) == expected
    assert draw.verify(json.dumps(doc, ensure_ascii=False)) == []


if __name__ == "__main__":  # pragma: no cover - regenerates the golden file (see the docstring)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps({n: fingerprint(make_case(n)) for n in sorted(CASES)}, indent=1) + "\n")
    print(f"wrote {GOLDEN}")


BAD_VALUES: list[Any] = [
    "",
    " ",
    "a b",
    "a\nb",
    "é",
    "X" * 65,
    "X" * 64,
    "KEY",
    "-",
    "1.5",
    "0",
    "0.0",
    "1.0",
    "0.0000001",
    "12345678901234",
    "1310221000000",
    "k_1",
    "9key",
    "a" * 33,
    1,
    None,
    0.5,
    ["x"],
    "\\",
    '"',
    "a\tb",
]


def _mutants(rng: random.Random) -> list[tuple[list[Any], list[Any], list[Any], list[str]]]:
    base = [
        [f"E{i:04d}", rng.choice(["key", "general"]), rng.choice(["1", "0.5"]), rng.choice(["", "131"])]
        for i in range(60)
    ]
    offs = [[f"O{i}", rng.choice(["", "131"])] for i in range(6)]
    out = []
    for _ in range(300):
        ents = [list(r) for r in base]
        people = [list(o) for o in offs]
        recs: list[list[Any]] = [["O1", "E0003"], ["O2", "E0007"]]
        due: list[str] = []
        kind = rng.randrange(8)
        row = rng.choice(ents)
        if kind <= 2:
            row[rng.randrange(4)] = rng.choice(BAD_VALUES)
        elif kind == 3:
            ents.append(list(rng.choice(base)))  # a duplicate id
        elif kind == 4:
            row.append("extra") if rng.random() < 0.5 else row.pop()
        elif kind == 5:
            due = [rng.choice(ents)[0], rng.choice(["NOPE", "E0001", "E0001", "x y"])]
        elif kind == 6:
            rng.choice(people)[rng.randrange(2)] = rng.choice(BAD_VALUES)
        else:  # a recusal row too long, too short or with a bad id (alone or with a bad entity)
            rec = rng.choice(recs)
            rec.append("x") if rng.random() < 0.3 else rec.pop() if rng.random() < 0.5 else None
            if len(rec) == 2:
                rec[rng.randrange(2)] = rng.choice(BAD_VALUES)
            if rng.random() < 0.5:
                row[rng.randrange(4)] = rng.choice(BAD_VALUES)
        out.append((ents, people, recs, due))
    return out


def test_fast_validation_gives_validate_pools_verdict_and_message() -> None:
    """The pool check of verify (SortedPool: byte translation of the digest lines) refuses exactly what
    validate_pool and validate_due refuse, with their message — on 300 pools with one defect each."""
    refused = 0
    for ents, offs, recs, due in _mutants(random.Random(5)):
        try:
            rows = draw.by_id(ents)  # as verify did before: both lists sorted, then validated
            draw.validate_pool(rows, draw.by_id(offs), recs, presorted=True)
            draw.validate_due(due, rows)
            expected = "ok"
        except draw.DrawError as exc:
            expected = f"{exc.code}: {exc}"
        except (TypeError, IndexError) as exc:
            expected = type(exc).__name__
        try:
            sp = draw.SortedPool.build(ents, offs, recs, check=True)
            sp.validate()
            sp.validate_due(due)
            got = "ok"
        except draw.DrawError as exc:
            got = f"{exc.code}: {exc}"
        except (TypeError, IndexError) as exc:
            got = type(exc).__name__
        assert got == expected, (ents, offs, due)
        refused += expected != "ok"
    assert refused > 200  # the defects are real


def test_rows_as_tuples_or_an_iterator_in_any_order_give_the_same_document() -> None:
    """The fast paths skip the sort of a pool already in id order: any other order, tuples instead of
    lists, or a one-pass iterator must publish the same bytes."""
    doc = make_case("v2-plain-team3")
    ents, offs, recs = doc["pool"]["entities"], doc["pool"]["officers"], doc["pool"]["recusals"]
    values = doc["seed"]["values"]
    for variant in (
        [tuple(r) for r in ents],
        iter(list(reversed(ents))),
        random.Random(3).sample(ents, len(ents)),
    ):
        again = draw.run(doc["plan"], variant, list(reversed(offs)), recs, values)
        assert json.dumps(again, ensure_ascii=False) == json.dumps(doc, ensure_ascii=False)


def test_an_empty_row_is_named_not_a_crash() -> None:
    """An empty entity or officer row used to escape verify as an IndexError (a 500 on the portal)."""
    doc = make_case("v2-due-only-weighted")
    for member in ("entities", "officers"):
        broken = json.loads(json.dumps(doc))
        broken["pool"][member].insert(3, [])
        problems = draw.verify(broken)
        assert problems == ["文件结构不完整或字段类型不正确（IndexError）"], problems


def test_make_plan_refuses_what_validate_pool_refuses_naming_the_same_value() -> None:
    """make_plan checks the pool through the sorted fast path, but a refusal names what validate_pool
    finds first in the caller's row order."""
    rng = random.Random(8)
    for ents, offs, recs, due in _mutants(random.Random(6)):
        rng.shuffle(ents)
        try:
            draw.validate_pool(ents, offs, recs)
            draw.validate_due(due, ents)
            expected = "ok"
        except draw.DrawError as exc:
            expected = f"{exc.code}: {exc}"
        except (TypeError, IndexError) as exc:
            expected = type(exc).__name__
        try:
            draw.make_plan(
                plan_id="P",
                unit="131000",
                period="2026Q4",
                title="t",
                rules={"general": {"mode": "all"}},
                team_size=2,
                township_recusal=True,
                draw_time="2026-12-01T10:00:00+08:00",
                seed_source={"kind": "public", "description": "x"},
                entities=ents,
                officers=offs,
                recusals=recs,
                due=due,
            )
            got = "ok"
        except draw.DrawError as exc:
            got = f"{exc.code}: {exc}"
        except (TypeError, IndexError) as exc:
            got = type(exc).__name__
        assert got == expected, (ents, offs, recs, due)
