"""The same data, plan and seed give the same result on SQLite and on PostgreSQL (this test runs on
both and compares with one expected answer), whatever order the database returns rows in."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from ecoenforce.inspections import draw
from ecoenforce.inspections.pool import build_pool
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db
KEY = draw.sm3(b"fixed seed for the cross-database check")
RULES = {"general": draw.Rule("count", "3"), "key": draw.Rule("ratio", "0.5")}


def test_pool_and_selection_are_database_independent(world: Any, officers: Any, make_entity: Any) -> None:
    for i in range(10):
        make_entity(uscc=make_uscc(777000 + i), supervision_class="key" if i < 4 else "general", permit=False)
    pool = build_pool(world.units["county_a"], timezone.localdate())
    digest = draw.pool_digest(pool.entities, pool.officers, pool.recusals)
    chosen = draw.select(KEY, pool.entities, RULES)
    teams = draw.assign(
        KEY,
        sorted((e, "") for ids in chosen.values() for e in ids),
        pool.officers,
        pool.recusals,
        team_size=2,
        township_recusal=True,
    )
    assert sorted(o[0] for o in pool.officers) == sorted(
        draw.sm3_hex(f"officer|ZF-{name}".encode())[:16]
        for name in (
            "county_a_officer",
            "town_a_officer",
            "county_a_officer2",
            "county_a_officer3",
            "county_a_officer4",
        )
    )
    assert (digest, chosen, teams) == EXPECTED, (digest, chosen, teams)


# computed once (SQLite) and checked on both databases
EXPECTED: Any = (
    "e418a215398d93e4040dae30e75d7c19f1b2437e363a6461a02f92f5a9d2fc25",
    {
        "general": ["91131000000777007K", "91131000000777008N", "91131000000777009R"],
        "key": ["91131000000777000X", "911310000007770024"],
    },
    {
        "91131000000777000X": ["772e74a11d7d4599", "79869859717de1db"],
        "911310000007770024": ["6289dd4e49618417", "788a2138a254300c"],
        "91131000000777007K": ["689a660c81b0af1c", "79869859717de1db"],
        "91131000000777008N": ["6289dd4e49618417", "772e74a11d7d4599"],
        "91131000000777009R": ["689a660c81b0af1c", "788a2138a254300c"],
    },
)
