"""Selection of algorithm `ecoenforce-draw/2` (docs/draw.md §4b): one SM4-CTR keystream for the pool.

Why: version 1 needs one HMAC-SM3 per entity — about a million Python-level hash calls for a
province-sized pool (tens of seconds). Version 2 gives the entity at position i of the pool sorted
by id the 8 bytes [8i, 8i+8) of the SM4-CTR keystream (GB/T 32907) under a key derived from the
seed key: the whole pool costs one C call, and the k smallest values per stratum come from numpy.
The positions are fixed by the committed pool before the seed exists, so this is as unpredictable
as the per-entity HMAC and still independent of database row order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from operator import itemgetter
from typing import Any, Protocol

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class _Rule(Protocol):
    @property
    def mode(self) -> str: ...

    def size(self, n: int) -> int: ...


def keystream(sm4_key: bytes, n: int) -> np.ndarray[Any, np.dtype[np.uint64]]:
    """d_i for i < n: bytes [8i, 8i+8) of SM4-CTR(key, counter block 0…0) as big-endian uint64."""
    enc = Cipher(algorithms.SM4(sm4_key), modes.CTR(bytes(16))).encryptor()
    stream = enc.update(bytes(8 * n)) + enc.finalize()
    return np.frombuffer(stream, dtype=">u8").astype(np.uint64)


def weighted_key(d: int, weight: float) -> float:
    """Efraimidis–Spirakis exponential key −ln(1−u)/w, u from d's top 53 bits (as version 1)."""
    return -math.log1p(-((d >> 11) + 0.5) / 2**53) / weight


def _smallest(values: np.ndarray[Any, Any], positions: np.ndarray[Any, Any], k: int) -> list[int]:
    """The k positions with the smallest (value, position) — position order is id order."""
    if k <= 0:
        return []
    vals = values[positions]
    if k < len(positions):
        threshold = np.partition(vals, k - 1)[k - 1]
        keep = vals <= threshold  # every tie with the k-th value stays a candidate
        positions, vals = positions[keep], vals[keep]
    order = np.lexsort((positions, vals))[:k]
    return positions[order].tolist()  # type: ignore[no-any-return]


def select(
    values: np.ndarray[Any, Any],
    entities: Sequence[Sequence[str]],
    rules: Mapping[str, _Rule],
    due: frozenset[int],
) -> dict[str, list[int]]:
    """Selected positions per stratum. `entities` sorted by id; `due` the positions always included.

    Per stratum: k from the rule over all its n entities; its due entities first, then the
    k − |due| smallest among the others (weighted: the best of each weight class, then by key)."""
    n_all = len(entities)
    strata_col, weight_col = list(map(itemgetter(1), entities)), list(map(itemgetter(2), entities))
    strata = {s: i for i, s in enumerate(sorted(set(strata_col)))}
    weights = {w: i for i, w in enumerate(sorted(set(weight_col)))}
    # one code per (stratum, weight) without a tuple per entity: two C-level dict passes
    codes = np.fromiter(map(strata.__getitem__, strata_col), dtype=np.int64, count=n_all) * len(weights)
    codes += np.fromiter(map(weights.__getitem__, weight_col), dtype=np.int64, count=n_all)
    groups = {(s, w): si * len(weights) + wi for s, si in strata.items() for w, wi in weights.items()}
    mask = np.zeros(n_all, dtype=bool)
    if due:
        mask[np.fromiter(due, dtype=np.int64, count=len(due))] = True
    by_stratum: dict[str, dict[Fraction, list[int]]] = {}
    present = set(np.flatnonzero(np.bincount(codes)).tolist())
    for (stratum, weight), code in groups.items():
        if code not in present:
            continue
        by_stratum.setdefault(stratum, {}).setdefault(Fraction(weight), []).append(code)
    chosen: dict[str, list[int]] = {}
    for stratum, classes in sorted(by_stratum.items()):
        rule = rules.get(stratum)
        members = {w: np.flatnonzero(np.isin(codes, cs)) for w, cs in classes.items()}
        forced = sorted(p for ps in members.values() for p in ps[mask[ps]].tolist())
        if rule is None:
            if forced:
                chosen[stratum] = forced
            continue
        n = sum(len(ps) for ps in members.values())
        k = rule.size(n)
        if rule.mode == "all" or k >= n:
            chosen[stratum] = sorted(p for ps in members.values() for p in ps.tolist())
            continue
        rest = {w: ps[~mask[ps]] for w, ps in members.items()}
        want = k - len(forced)
        if set(rest) <= {Fraction(1)}:
            picked = _smallest(values, rest.get(Fraction(1), np.empty(0, np.int64)), want)
        else:
            candidates: list[tuple[float, int, int]] = []
            for w, ps in rest.items():
                best = _smallest(values, ps, want)
                wf, log1p = float(w), math.log1p
                candidates += [
                    (-log1p(-((d >> 11) + 0.5) / 2**53) / wf, d, p)  # weighted_key, inlined
                    for d, p in zip(values[best].tolist(), best, strict=True)
                ]
            candidates.sort()
            picked = [p for _, _, p in candidates[: max(want, 0)]]
        chosen[stratum] = sorted(forced + picked)
    return chosen
