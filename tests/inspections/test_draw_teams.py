"""The fast team assignment (draw_teams: load levels, conflict-free runs in bulk) gives exactly the teams
of the specification's heap (docs/draw.md §5), kept here as it was written first, on many inputs:
few officers (loads spread over many levels), heavy recusal, townships, teams of 2 to 4, failures."""

from __future__ import annotations

import heapq
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoenforce.inspections import draw, draw_teams


def reference_assign(
    key: bytes,
    selected: list[tuple[str, str]],
    officers: list[list[str]],
    recusals: list[list[str]],
    *,
    team_size: int,
    township_recusal: bool,
) -> dict[str, list[str]]:
    """The heap version (the code before issue 9's speed work), one pop per officer considered."""
    hmac = draw.HmacSM3(key)
    ranked = sorted((hmac.digest(b"O " + o[0].encode()), o[0], o[1]) for o in officers)
    ids = [r[1] for r in ranked]
    towns = [r[2] for r in ranked]
    n = len(ranked) or 1
    heap = list(range(len(ranked)))
    barred: dict[str, set[int]] = {}
    place = {oid: i for i, oid in enumerate(ids)}
    for officer, entity in recusals:
        if officer in place:
            barred.setdefault(entity, set()).add(place[officer])
    teams: dict[str, list[str]] = {}
    for entity, entity_township in selected:
        no = barred.get(entity)
        town = entity_township if township_recusal and entity_township else None
        team: list[int] = []
        passed: list[int] = []
        while len(team) < team_size and heap:
            item = heapq.heappop(heap)
            at = item % n
            if towns[at] == town or (no is not None and at in no):
                passed.append(item)
            else:
                team.append(item)
        for item in passed:
            heapq.heappush(heap, item)
        if len(team) < team_size:
            raise draw.DrawError(f"few officers for {entity}", "few_officers")
        for item in team:
            heapq.heappush(heap, item + n)
        teams[entity] = sorted(ids[item % n] for item in team)
    return teams


def _case(rng: random.Random, n_entities: int, n_officers: int, n_towns: int, n_recusals: int) -> tuple:
    towns = [f"1310221{t:02d}" for t in range(n_towns)] + [""]
    officers = [[f"O{i:04d}", rng.choice(towns)] for i in range(n_officers)]
    selected = [(f"E{i:06d}", rng.choice([*towns, f"9999{i % 3}"])) for i in range(n_entities)]
    recusals = [
        [rng.choice(officers)[0], rng.choice(selected)[0]] for _ in range(n_recusals if selected else 0)
    ]
    recusals += [["NOBODY", selected[0][0]]] if selected else []
    return selected, officers, recusals


def _both(key: bytes, selected: list, officers: list, recusals: list, team: int, township: bool) -> tuple:
    out = []
    for fn in (reference_assign, draw.assign):
        try:
            out.append(fn(key, selected, officers, recusals, team_size=team, township_recusal=township))
        except draw.DrawError as exc:
            out.append((exc.code, str(exc).split()[1] if fn is draw.assign else str(exc).split()[-1]))
    return tuple(out)


@pytest.mark.parametrize("seed", range(40))
def test_teams_equal_the_heap_on_random_pools(seed: int) -> None:
    rng = random.Random(seed)
    n_officers = rng.choice([2, 3, 5, 9, 40, 150])
    case = _case(
        rng,
        rng.choice([0, 1, 50, 700, 3000]),
        n_officers,
        rng.choice([1, 2, 5, 30]),
        rng.choice([0, 30, 600]),
    )
    team = rng.choice([2, 2, 3, 4])
    expected, got = _both(draw.sm3(str(seed).encode()), *case, team, rng.random() < 0.7)
    assert got == expected


@settings(max_examples=150, deadline=None)
@given(
    n_entities=st.integers(0, 400),
    n_officers=st.integers(0, 14),
    n_towns=st.integers(1, 4),
    n_recusals=st.integers(0, 200),
    team=st.integers(2, 4),
    township=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_teams_equal_the_heap_property(
    n_entities: int, n_officers: int, n_towns: int, n_recusals: int, team: int, township: bool, seed: int
) -> None:
    rng = random.Random(seed)
    case = _case(rng, n_entities, max(n_officers, 1), n_towns, n_recusals if n_entities else 0)
    expected, got = _both(seed.to_bytes(8, "big"), *case, team, township)
    assert got == expected


def test_a_large_draw_takes_the_bulk_path_and_still_matches() -> None:
    """5,000 selected entities, 400 officers, township recusal: mostly runs assigned at once."""
    rng = random.Random(99)
    case = _case(rng, 5000, 400, 60, 2000)
    expected, got = _both(b"bulk", *case, 2, True)
    assert got == expected and len(got) == 5000


def test_short_of_officers_names_the_entity() -> None:
    with pytest.raises(draw_teams.ShortOfOfficers) as exc:
        draw_teams.assign_ranked([0, 0, 1], [-1, 1, 0], {}, 2)
    assert exc.value.index == 2  # only one officer (rank 2, township 1) can go to an entity of township 0
