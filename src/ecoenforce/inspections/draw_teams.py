"""Inspection teams of a draw (docs/draw.md §5) without one heap step per officer assigned.

The specification takes, for each selected entity in id order, the first `team_size` eligible
officers in ascending (load, rank). Kept as a heap that is two pops and two pushes of Python work
per entity. Here the officers of each load are one list in rank order (a level): the next officer
is the head of the lowest non-empty level, an officer taken moves to the next level. While nothing
is in the way, consecutive entities simply take consecutive officers of the lowest level, so a run
of entities is checked for conflicts (township, recusal) with numpy and assigned at once; the entity
with a conflict goes through the step the specification describes, one officer at a time. The
result is the heap's, officer for officer (tests/inspections/test_draw_teams.py compares the two).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

BATCH = 64  # entities checked at once; a conflict is expected about every 30 with township recusal


class ShortOfOfficers(Exception):
    """The entity at `index` has fewer than team_size eligible officers left."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def assign_ranked(
    officer_towns: Sequence[int],
    entity_towns: Sequence[int],
    barred: Mapping[int, set[int]],
    team_size: int,
) -> np.ndarray[Any, Any]:
    """Teams as officer ranks (row j: entity j's officers in the order taken).

    officer_towns[r]: a code ≥ 0 for the township of the officer of rank r; entity_towns[j]: the code
    that bars officers from entity j (−1 or any code no officer has: none); barred[j]: ranks recused
    from entity j. Raises ShortOfOfficers for the first entity that cannot get a full team."""
    t, m = team_size, len(entity_towns)
    out = np.empty((m, t), dtype=np.int64)
    o_towns = np.asarray(officer_towns, dtype=np.int64)
    e_towns = np.asarray(entity_towns, dtype=np.int64)
    o_list, e_list = list(officer_towns), list(entity_towns)
    levels: list[list[int]] = [list(range(len(o_list)))]  # levels[load]: ranks, ascending from heads[load]
    heads: list[int] = [0]
    with_bars = sorted(barred)

    def move_up(level: int, ranks: Sequence[int]) -> None:
        """Officers just taken at `level` (ascending ranks) join level + 1."""
        if level + 1 == len(levels):
            levels.append([])
            heads.append(0)
        target, head = levels[level + 1], heads[level + 1]
        if len(target) == head or target[-1] < ranks[0]:
            target.extend(ranks)
        elif len(ranks) == 1:
            insort(target, ranks[0], lo=head)
        else:  # two ascending runs: one merge (Timsort finds the runs) from where the first one goes
            at = bisect_left(target, ranks[0], lo=head)
            target[at:] = sorted(target[at:] + list(ranks))

    def one(j: int, lowest: int) -> None:
        """The specification's step: officers in (load, rank) order, ineligible ones passed over."""
        town, no = e_list[j], barred.get(j)
        team: list[tuple[int, int]] = []
        passed: list[tuple[int, int]] = []
        level = lowest
        while len(team) < t:
            while level < len(levels) and heads[level] == len(levels[level]):
                level += 1
            if level == len(levels):
                break
            r = levels[level][heads[level]]
            heads[level] += 1
            if o_list[r] == town or (no is not None and r in no):
                passed.append((level, r))
            else:
                team.append((level, r))
        for k in range(len(passed) - 1, -1, -1):  # back to the heads of their levels, in order
            level, r = passed[k]
            heads[level] -= 1
            levels[level][heads[level]] = r
        if len(team) < t:
            raise ShortOfOfficers(j)
        for level, r in team:
            move_up(level, [r])
        out[j] = [r for _, r in team]

    lowest, j = 0, 0
    while j < m:
        while heads[lowest] == len(levels[lowest]) and lowest + 1 < len(levels):
            levels[lowest] = []  # emptied for good: no officer ever returns to a lower load
            heads[lowest] = 0
            lowest += 1
        ranks, head = levels[lowest], heads[lowest]
        b = min((len(ranks) - head) // t, BATCH, m - j)
        if b < 2:
            one(j, lowest)
            j += 1
            continue
        cand = np.array(ranks[head : head + b * t], dtype=np.int64).reshape(b, t)
        bad = (o_towns[cand] == e_towns[j : j + b, None]).any(axis=1)
        first = int(bad.argmax()) if bad.any() else b
        k = bisect_left(with_bars, j)
        while k < len(with_bars) and with_bars[k] < j + first:
            jj = with_bars[k]
            if not barred[jj].isdisjoint(cand[jj - j].tolist()):
                first = jj - j
                break
            k += 1
        if first:
            out[j : j + first] = cand[:first]
            taken = ranks[head : head + first * t]
            heads[lowest] = head + first * t
            move_up(lowest, taken)  # a slice of an ascending level: ascending
            j += first
        if first < b:
            one(j, lowest)
            j += 1
    return out
