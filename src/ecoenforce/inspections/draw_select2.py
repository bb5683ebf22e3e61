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


def _smallest(values: np.ndarray[Any, Any], positions: np.ndarray[Any, Any], k: int) -> np.ndarray[Any, Any]:
    """The k positions with the smallest (value, position) — position order is id order."""
    if k <= 0:
        return positions[:0]
    vals = values[positions]
    if k < len(positions):
        threshold = np.partition(vals, k - 1)[k - 1]
        keep = vals <= threshold  # every tie with the k-th value stays a candidate
        positions, vals = positions[keep], vals[keep]
    return positions[np.lexsort((positions, vals))[:k]]


def weighted_keys(d: np.ndarray[Any, Any], weight: float) -> np.ndarray[Any, Any]:
    """weighted_key for each value, bit for bit: u is exact in numpy (a 53-bit integer plus 0.5, then
    a power of two), the logarithm is the one math.log1p computes (numpy's may differ in the last bit
    on some CPUs), the negation and the division are IEEE operations in both."""
    y = ((d >> np.uint64(11)).astype(np.float64) + 0.5) / -(2.0**53)
    logs = np.fromiter(map(math.log1p, y.tolist()), dtype=np.float64, count=len(y))
    return -logs / weight


def select(
    values: np.ndarray[Any, Any],
    strata_col: Sequence[str],
    weight_col: Sequence[str],
    rules: Mapping[str, _Rule],
    due: frozenset[int],
    distinct: tuple[set[str], set[str]] | None = None,
) -> dict[str, np.ndarray[Any, Any]]:
    """Selected positions per stratum, ascending. Columns of the pool sorted by id (position i is the
    i-th entity); `due` the positions always included.

    `distinct`: the sets of the two columns' values, when the caller has them.
    Per stratum: k from the rule over all its n entities; its due entities first, then the
    k − |due| smallest among the others (weighted: the best of each weight class, then by key)."""
    n_all = len(strata_col)
    strata_set, weight_set = distinct or (set(strata_col), set(weight_col))  # the columns' values
    strata = {s: i for i, s in enumerate(sorted(strata_set))}
    weights = {w: i for i, w in enumerate(sorted(weight_set))}
    # one code per (stratum, weight) without a tuple per entity: two C-level dict passes
    codes = np.fromiter(map(strata.__getitem__, strata_col), dtype=np.int64, count=n_all)
    if len(weights) > 1:
        codes *= len(weights)
        codes += np.fromiter(map(weights.__getitem__, weight_col), dtype=np.int64, count=n_all)
    groups = {(s, w): si * len(weights) + wi for s, si in strata.items() for w, wi in weights.items()}
    mask = np.zeros(n_all, dtype=bool) if due else None
    if mask is not None:
        mask[np.fromiter(due, dtype=np.int64, count=len(due))] = True
    by_stratum: dict[str, dict[Fraction, list[int]]] = {}
    present = set(np.flatnonzero(np.bincount(codes)).tolist())
    for (stratum, weight), code in groups.items():
        if code not in present:
            continue
        by_stratum.setdefault(stratum, {}).setdefault(Fraction(weight), []).append(code)
    chosen: dict[str, np.ndarray[Any, Any]] = {}
    empty = np.empty(0, np.int64)
    for stratum, classes in sorted(by_stratum.items()):
        rule = rules.get(stratum)
        members = {
            w: np.flatnonzero(codes == cs[0] if len(cs) == 1 else np.isin(codes, cs))
            for w, cs in classes.items()
        }
        forced = (
            np.sort(np.concatenate([ps[mask[ps]] for ps in members.values()])) if mask is not None else empty
        )
        if rule is None:
            if len(forced):
                chosen[stratum] = forced
            continue
        n = sum(len(ps) for ps in members.values())
        k = rule.size(n)
        if rule.mode == "all" or k >= n:
            chosen[stratum] = np.sort(np.concatenate(list(members.values())))
            continue
        rest = {w: ps[~mask[ps]] for w, ps in members.items()} if mask is not None else members
        want = k - len(forced)
        if set(rest) <= {Fraction(1)}:
            picked = _smallest(values, rest.get(Fraction(1), empty), want)
        else:
            best = [_smallest(values, ps, want) for ps in rest.values()]
            pos = np.concatenate(best)
            d = values[pos]
            keys = np.concatenate(
                [weighted_keys(values[b], float(w)) for w, b in zip(rest, best, strict=True)]
            )
            picked = pos[np.lexsort((pos, d, keys))[: max(want, 0)]]  # smallest (key, d, position)
        chosen[stratum] = np.sort(np.concatenate((forced, picked)))
    return chosen
