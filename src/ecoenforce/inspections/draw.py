"""Verifiable random draws (双随机): the pure core. No Django; docs/draw.md is its specification.

Nobody — not even an administrator — can choose the result: the plan (rules, the digest of the
sorted pool, the draw time, the seed source) is committed and published first; the seed is a
public value fixed in advance or the values of witnesses whose digests were committed first; the
selection is a deterministic function of the seed and the pool, independent of any row order.
Anyone can recompute it with `verify` (or another language, from docs/draw.md alone).

Two algorithm versions; the committed plan names its version (so nobody can pick the version after
seeing the seed) and `verify` accepts both:
- `ecoenforce-draw/1`: one HMAC-SM3 per entity (kept to verify documents published with it);
- `ecoenforce-draw/2` (new plans): one SM4-CTR keystream over the pool sorted by id
  (draw_select2.py), plus the minimum-frequency rule: entities whose minimum period has lapsed
  ("due") are always selected. Speed for 1,000,000 entities: the pool is sorted once (not at all
  when already in id order) into a SortedPool whose columns and digest lines serve the digest, the
  validation (byte translation of those lines), the selection (numpy) and the document; the teams
  come from draw_teams.py (runs of conflict-free entities assigned at once).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import heapq
import json
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import islice
from operator import eq, gt, itemgetter
from typing import Any

import numpy as np
import orjson
from cryptography.hazmat.primitives import hashes

from ecoenforce.inspections import draw_select2, draw_teams

FORMAT = "ecoenforce-draw"
ALGORITHM_V1 = "ecoenforce-draw/1"
ALGORITHM_V2 = "ecoenforce-draw/2"
ALGORITHM = ALGORITHM_V2  # what new plans use
ALGORITHMS = (ALGORITHM_V1, ALGORITHM_V2)
SM4_TAG = b"ecoenforce-draw-sm4-v2\n"
POOL_TAG = b"ecoenforce-draw-pool-v1\n"
SEED_TAG = b"ecoenforce-draw-seed-v1\n"
WITNESS_TAG = b"ecoenforce-draw-witness-v1\n"
MIN_TEAM = 2  # 行政处罚法 art 42: at least two officers with certificates

ID_RE = re.compile(r"[0-9A-Za-z._:-]{1,64}")
STRATUM_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")
TOWNSHIP_RE = re.compile(r"[0-9]{0,12}")
WEIGHT_RE = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]{1,6})?")
RATIO_RE = WEIGHT_RE
MODES = ("ratio", "count", "all")

Entities = Sequence[Sequence[str]]  # [id, stratum, weight, township]
Officers = Sequence[Sequence[str]]  # [id, township]
Recusals = Sequence[Sequence[str]]  # [officer id, entity id]


class DrawError(ValueError):
    """Input that cannot be drawn; the message is Chinese (shown to users), `code` is for logs."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- SM3 and HMAC-SM3 ----------------------------------------------------------------------------


def _sm3_factory() -> Callable[[], Any]:
    """hashlib's SM3 (OpenSSL 3) when present — cheaper per call — else `cryptography`'s."""
    try:
        hashlib.new("sm3", b"abc")
        return hashlib.new("sm3").copy
    except ValueError:  # pragma: no cover - OpenSSL without SM3
        return _CryptographySM3


class _CryptographySM3:
    def __init__(self) -> None:
        self._h = hashes.Hash(hashes.SM3())

    def update(self, data: bytes) -> None:
        self._h.update(data)

    def copy(self) -> _CryptographySM3:
        c = _CryptographySM3.__new__(_CryptographySM3)
        c._h = self._h.copy()
        return c

    def digest(self) -> bytes:
        return self._h.copy().finalize()


_new_sm3 = _sm3_factory()


def sm3(data: bytes) -> bytes:
    h = _new_sm3()
    h.update(data)
    return bytes(h.digest())


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


class HmacSM3:
    """HMAC-SM3 (RFC 2104, block 64 bytes) with the key's inner/outer states computed once."""

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = sm3(key)
        key = key.ljust(64, b"\0")
        self._inner = _new_sm3()
        self._inner.update(bytes(b ^ 0x36 for b in key))
        self._outer = _new_sm3()
        self._outer.update(bytes(b ^ 0x5C for b in key))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return bytes(outer.digest())

    def digests_with(self, messages: Iterable[bytes]) -> list[bytes]:
        """digest(m) + m for each message: sortable keys that carry their message (the fast path)."""
        ic, oc = self._inner.copy, self._outer.copy
        out: list[bytes] = []
        append = out.append
        for m in messages:
            i = ic()
            i.update(m)
            o = oc()
            o.update(i.digest())
            append(o.digest() + m)
        return out


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """The cycle collector paused while a draw builds or parses a million rows.

    Those rows hold no reference cycles, yet each million new lists would trigger full collections
    that walk every live object (about 40 % of the time of parsing a document); the collector runs
    again as usual afterwards. Before it does, the objects made meanwhile (a draw's document: a
    million row lists) are moved to the oldest generation (freeze, then unfreeze, moves lists, not
    objects): otherwise the first young collection after this would walk them all (0.1 s), then the
    middle one again; the full collections walk them as they walk every long-lived object."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():  # never thaw what a pre-forking server froze on purpose
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# --- canonical forms -----------------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _canonical_plain(value: object) -> bytes:
    """canonical_json, in C, for values made only of dicts, lists, str and int < 2**63 (a result).

    For those orjson writes the same bytes as canonical_json: UTF-8, keys sorted by code point, no
    spaces. Floats are the one place they differ (exponent forms), so never pass one."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _check(pattern: re.Pattern[str], value: object, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise DrawError(f"{what}格式不正确：{str(value)[:80]!r}", "bad_value")
    return value


_ID_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._:-"


def _all_ids(values: list[str], what: str) -> None:
    """Every value matches ID_RE, checked at C speed (byte translation, lengths); else name the bad one."""
    try:
        blob = "".join(values)
        ok = blob.isascii() and not blob.encode().translate(None, _ID_ALPHABET)
        ok = ok and (not values or (min(map(len, values)) >= 1 and max(map(len, values)) <= 64))
    except TypeError:
        ok = False
    if not ok:
        for value in values:
            _check(ID_RE, value, what)


def _all_match(pattern: re.Pattern[str], values: list[str], what: str) -> None:
    """Columns with few distinct values (strata, townships): check each distinct value once."""
    try:
        distinct: Iterable[object] = set(values)
    except TypeError:  # unhashable (malformed JSON): check them all
        distinct = values
    for value in distinct:
        _check(pattern, value, what)


def validate_pool(
    entities: Entities, officers: Officers, recusals: Recusals, *, presorted: bool = False
) -> None:
    """Every field in its documented alphabet (so the lines of the pool digest are unambiguous).

    `presorted`: entities sorted by id, so duplicates are neighbours (cheaper than a set of ids)."""
    if set(map(len, entities)) - {4}:
        raise DrawError("抽查对象记录应为[编号, 类别, 权重, 乡镇代码]", "bad_entity_row")
    if set(map(len, officers)) - {2} or set(map(len, recusals)) - {2}:
        raise DrawError("执法人员或回避记录格式不正确", "bad_row")
    ids = list(map(itemgetter(0), entities))
    _all_ids(ids, "监管对象编号")
    _all_match(STRATUM_RE, list(map(itemgetter(1), entities)), "监管类别")
    _all_match(TOWNSHIP_RE, list(map(itemgetter(3), entities)), "乡镇代码")
    for weight in set(map(itemgetter(2), entities)):
        if not 0 < Fraction(_check(WEIGHT_RE, weight, "抽取权重")) <= 1:
            raise DrawError(f"抽取权重应大于0且不大于1：{weight}", "bad_weight")
    if any(map(eq, ids, islice(ids, 1, None))) if presorted else len(set(ids)) != len(ids):
        raise DrawError("抽查对象库中有重复的监管对象", "duplicate_entity")
    officer_ids = [o[0] for o in officers]
    _all_ids(officer_ids, "执法人员编号")
    _all_match(TOWNSHIP_RE, [o[1] for o in officers], "乡镇代码")
    if len(set(officer_ids)) != len(officer_ids):
        raise DrawError("执法人员库中有重复的执法人员", "duplicate_officer")
    _all_ids([r[0] for r in recusals] + [r[1] for r in recusals], "回避记录中的编号")


def validate_due(due: Sequence[str], entities: Entities) -> None:
    """Due ids (minimum frequency) are entities of the pool, each once."""
    _all_ids(list(due), "应检对象编号")
    if not due:
        return
    if len(set(due)) != len(due):
        raise DrawError("应检对象名单中有重复的监管对象", "duplicate_due")
    unknown = set(due) - set(map(itemgetter(0), entities))
    if unknown:
        raise DrawError(f"应检对象不在抽查对象库中：{sorted(unknown)[0]}", "due_not_in_pool")


def by_id(rows: Sequence[Sequence[str]]) -> list[Sequence[str]]:
    return sorted(rows, key=itemgetter(0))


def _lines(tag: str, rows: Sequence[Sequence[str]]) -> bytes:
    """tag ‖ fields joined by spaces ‖ "\n" per row, an empty last field written "-" — built in C.

    Fields never contain spaces (validated alphabets), so " \n" only ever ends an empty last field."""
    if not rows:
        return b""
    text = tag + ("\n" + tag).join(map(" ".join, rows)) + "\n"
    return text.replace(" \n", " -\n").encode()


def pool_digest(
    entities: Entities,
    officers: Officers,
    recusals: Recusals,
    due: Sequence[str] = (),
    *,
    presorted: bool = False,
) -> str:
    """SM3 over the pool's lines sorted by id (docs/draw.md §2): any row order gives the same digest.

    Ids are unique, ASCII and followed by a space, so sorting rows by id sorts their lines; a pool
    with duplicate ids has other lines than the committed one, whatever their order."""
    return _digest(
        _lines("E ", entities if presorted else by_id(entities)),
        officers if presorted else by_id(officers),
        _recusal_rows(recusals),
        due,
    )


def _recusal_rows(recusals: Recusals) -> list[tuple[str, str]]:
    return sorted({(r[0], r[1]) for r in recusals})


def _digest(
    entity_lines: bytes, officers: Officers, recusal_rows: Sequence[tuple[str, str]], due: Iterable[str]
) -> str:
    h = _new_sm3()
    h.update(POOL_TAG)
    h.update(entity_lines)
    h.update(_lines("O ", officers))
    h.update(_lines("R ", recusal_rows))
    h.update(_lines("D ", sorted({(d,) for d in due})))  # version 2: due entities (none → as version 1)
    return bytes(h.digest()).hex()


@dataclass(frozen=True)
class SortedPool:
    """A pool sorted by id with its columns and the lines of its digest, built once per run or check:
    the digest, the validation, the selection and the document all read the same columns."""

    entities: list[Sequence[str]]
    officers: list[Sequence[str]]
    recusals: list[tuple[str, str]]  # sorted, each once
    recusals_given: Recusals  # the rows as given: what validate_pool checks
    ids: list[str]
    strata: list[str]
    weights: list[str]
    towns: list[str]
    entity_lines: bytes

    @classmethod
    def build(
        cls, entities: Entities, officers: Officers, recusals: Recusals, *, check: bool = False
    ) -> SortedPool:
        """`check`: rows too short or fields not strings are refused as validate_pool refuses them."""
        entities = entities if isinstance(entities, list) else list(entities)  # read twice below
        ids = list(map(itemgetter(0), entities))
        if any(map(gt, ids, islice(ids, 1, None))):  # a published pool is sorted already: no sort
            entities = by_id(entities)
            ids = list(map(itemgetter(0), entities))
        ents, offs = list(entities), by_id(officers)
        try:
            return cls(
                entities=ents,
                officers=offs,
                recusals=_recusal_rows(recusals),
                recusals_given=recusals,
                ids=ids,
                strata=list(map(itemgetter(1), ents)),
                weights=list(map(itemgetter(2), ents)),
                towns=list(map(itemgetter(3), ents)),
                entity_lines=_lines("E ", ents),
            )
        except (TypeError, IndexError, KeyError, AttributeError):
            if check:
                validate_pool(ents, offs, recusals, presorted=True)  # raises DrawError, with its message
            raise

    def digest(self, due: Iterable[str]) -> str:
        return _digest(self.entity_lines, self.officers, self.recusals, due)

    @cached_property
    def distinct_strata(self) -> set[str]:
        return set(self.strata)

    @cached_property
    def distinct_weights(self) -> set[str]:
        return set(self.weights)

    def validate(self) -> None:
        """validate_pool, mostly on the lines already built for the digest; any doubt, or an invalid
        pool, goes through validate_pool itself, so the verdict and the message are always its own."""
        if not self._entities_valid():
            validate_pool(self.entities, self.officers, self.recusals_given, presorted=True)
        validate_pool([], self.officers, self.recusals_given)  # officers, recusals: a few thousand rows

    def _entities_valid(self) -> bool:
        """Every entity field in its alphabet, ids unique: what validate_pool checks, at C speed.

        Deleting the id alphabet (which contains every other column's) from the lines must leave
        exactly four spaces and a newline per row: four fields, none holding a space, a newline or
        any other character. Ids are sorted, so an empty one would be the first and a duplicate
        the next one's equal; strata, weights and townships, few distinct values, are checked
        value by value (which also refuses an empty stratum or weight)."""
        n, ids = len(self.entities), self.ids
        if not n:
            return True
        # rows of 3 fields or fewer failed in build(); 5 or more would leave a fifth space here
        if self.entity_lines.translate(None, _ID_ALPHABET) != b"    \n" * n:
            return False
        if not ids[0] or max(map(len, ids)) > 64 or any(map(eq, ids, islice(ids, 1, None))):
            return False
        weights = self.distinct_weights
        for pattern, values in (
            (STRATUM_RE, self.distinct_strata),
            (TOWNSHIP_RE, set(self.towns)),
            (WEIGHT_RE, weights),
        ):
            if not all(map(pattern.fullmatch, values)):
                return False
        return all(0 < Fraction(w) <= 1 for w in weights)

    def due_positions(self, due: Sequence[str]) -> list[int]:
        """Positions of the due ids (ids are sorted: binary search, no index of a million ids)."""
        ids, out = self.ids, []
        for d in due:
            i = bisect_left(ids, d)
            if i == len(ids) or ids[i] != d:
                raise KeyError(d)
            out.append(i)
        return out

    def validate_due(self, due: Sequence[str]) -> None:
        """validate_due: each due id once and in the pool (the same checks and messages)."""
        _all_ids(list(due), "应检对象编号")
        if not due:
            return
        if len(set(due)) != len(due):
            raise DrawError("应检对象名单中有重复的监管对象", "duplicate_due")
        ids = self.ids
        unknown = [d for d in due if (i := bisect_left(ids, d)) == len(ids) or ids[i] != d]
        if unknown:
            raise DrawError(f"应检对象不在抽查对象库中：{min(unknown)}", "due_not_in_pool")


def pool_counts(entities: Entities) -> dict[str, int]:
    counts: dict[str, int] = {}
    for e in entities:
        counts[e[1]] = counts.get(e[1], 0) + 1
    return dict(sorted(counts.items()))


def commitment_of(plan: dict[str, Any]) -> str:
    return sm3_hex(canonical_json(plan))


def witness_commitment(value: str) -> str:
    return sm3_hex(WITNESS_TAG + value.encode("utf-8"))


def seed_key(commitment: str, values: Sequence[str]) -> bytes:
    """The HMAC key: SM3(tag ‖ commitment ‖ "\\n" ‖ each value as 4-byte length + UTF-8)."""
    parts = [SEED_TAG, commitment.encode("ascii"), b"\n"]
    for value in values:
        data = value.encode("utf-8")
        parts += [len(data).to_bytes(4, "big"), data]
    return sm3(b"".join(parts))


# --- plan -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    mode: str  # ratio | count | all
    value: str = ""

    def size(self, n: int) -> int:
        """How many to draw from a stratum of n: ratio → ⌈n·ratio⌉ (exact), count → min(count, n)."""
        if self.mode == "all":
            return n
        if self.mode == "count":
            return min(int(self.value), n)
        return min(n, math.ceil(n * Fraction(self.value)))


def parse_rules(raw: object) -> dict[str, Rule]:
    if not isinstance(raw, dict) or not raw:
        raise DrawError("抽查规则不能为空", "no_rules")
    rules: dict[str, Rule] = {}
    for stratum, spec in raw.items():
        _check(STRATUM_RE, stratum, "监管类别")
        if not isinstance(spec, dict) or spec.get("mode") not in MODES:
            raise DrawError(f"类别“{stratum}”的抽查方式应为 ratio、count 或 all", "bad_rule")
        mode, value = spec["mode"], str(spec.get("value", ""))
        if mode == "ratio" and not (RATIO_RE.fullmatch(value) and 0 < Fraction(value) <= 1):
            raise DrawError(f"类别“{stratum}”的抽查比例应大于0且不大于1", "bad_ratio")
        if mode == "count" and not re.fullmatch(r"[0-9]{1,7}", value):
            raise DrawError(f"类别“{stratum}”的抽查数量应为非负整数", "bad_count")
        rules[stratum] = Rule(mode, "" if mode == "all" else value)
    return rules


def make_plan(
    *,
    plan_id: str,
    unit: str,
    period: str,
    title: str,
    rules: dict[str, Any],
    team_size: int,
    township_recusal: bool,
    draw_time: str,
    seed_source: dict[str, Any],
    entities: Entities,
    officers: Officers,
    recusals: Recusals,
    due: Sequence[str] = (),
    algorithm: str = ALGORITHM,
) -> dict[str, Any]:
    """The plan as committed: everything the result depends on except the seed values.

    Version 2 plans name their algorithm and count the due entities; version 1 plans (kept for
    tests and re-publication) have exactly the members version 1 specified, and no due entities."""
    if algorithm not in ALGORITHMS:
        raise DrawError("不支持的抽取算法版本", "bad_algorithm")
    if algorithm == ALGORITHM_V1 and due:
        raise DrawError("第1版算法不支持最低检查频次", "due_needs_v2")
    parse_rules(rules)
    if not entities:
        raise DrawError("抽查对象库为空，不能制定抽查计划", "empty_pool")
    if not isinstance(team_size, int) or team_size < MIN_TEAM:
        raise DrawError("每个检查组至少应有2名持有效执法证的执法人员", "team_too_small")
    _check_seed_source(seed_source)
    sp = _checked_pool(entities, officers, recusals)
    sp.validate_due(due)
    plan = {
        "id": plan_id,
        "unit": unit,
        "period": period,
        "title": title,
        "rules": rules,
        "team_size": team_size,
        "township_recusal": bool(township_recusal),
        "draw_time": draw_time,
        "seed_source": seed_source,
        "pool_digest": sp.digest(due),
        "pool_counts": dict(sorted(Counter(sp.strata).items())),  # = pool_counts(entities)
        "officer_count": len(officers),
    }
    if algorithm != ALGORITHM_V1:
        plan |= {"algorithm": algorithm, "due_count": len(due)}
    return plan


def _checked_pool(entities: Entities, officers: Officers, recusals: Recusals) -> SortedPool:
    """validate_pool's verdict on the pool as given, and the pool sorted for the digest.

    The fast check runs on the sorted pool; when it has any doubt validate_pool runs on the rows in
    the caller's order, so a refusal names the same value as it always did."""
    try:
        sp: SortedPool | None = SortedPool.build(entities, officers, recusals)
        valid = sp is not None and sp._entities_valid()
    except (TypeError, IndexError, KeyError, AttributeError):
        sp, valid = None, False
    if not valid:
        validate_pool(entities, officers, recusals)  # raises DrawError for an invalid pool
    if sp is None:  # pragma: no cover - validate_pool accepted what build() could not read
        raise DrawError("抽查对象库记录应为[编号, 类别, 权重, 乡镇代码]", "bad_entity_row")
    validate_pool([], officers, sp.recusals_given)
    return sp


def plan_algorithm(plan: dict[str, Any]) -> str:
    return str(plan.get("algorithm", ALGORITHM_V1))


def _check_seed_source(source: object) -> None:
    if not isinstance(source, dict) or source.get("kind") not in ("public", "witness"):
        raise DrawError("随机种子来源应为“公开数值”或“见证人数值”", "bad_seed_source")
    if source["kind"] == "public" and not str(source.get("description", "")).strip():
        raise DrawError("须事先写明公开数值的来源（例如某日某指数的收盘值）", "no_seed_description")
    if source["kind"] == "witness":
        commitments = source.get("commitments")
        if not isinstance(commitments, list) or len(commitments) < 2:
            raise DrawError("见证人方式至少需要2名见证人事先提交数值摘要", "few_witnesses")
        for c in commitments:
            if not isinstance(c, str) or not re.fullmatch(r"[0-9a-f]{64}", c):
                raise DrawError("见证人数值摘要应为64位小写十六进制SM3摘要", "bad_commitment")


def check_seed_values(plan: dict[str, Any], values: Sequence[str]) -> None:
    source = plan["seed_source"]
    if not values or any(not isinstance(v, str) or not v.strip() for v in values):
        raise DrawError("随机种子数值不能为空", "no_seed")
    if source["kind"] == "public":
        if len(values) != 1:
            raise DrawError("公开数值方式只有一个种子数值", "bad_seed_count")
        return
    if len(values) != len(source["commitments"]):
        raise DrawError("见证人数值的个数与事先提交的摘要个数不一致", "bad_seed_count")
    for i, (value, committed) in enumerate(zip(values, source["commitments"], strict=True), 1):
        if witness_commitment(value) != committed:
            raise DrawError(f"第{i}名见证人的数值与其事先提交的摘要不符", "witness_mismatch")


# --- selection ------------------------------------------------------------------------------------


def _weighted_key(digest: bytes, weight: float) -> float:
    """Efraimidis–Spirakis with exponential keys: −ln(1−u)/w, u from the digest's first 53 bits."""
    u = ((int.from_bytes(digest[:8], "big") >> 11) + 0.5) / 2**53
    return -math.log1p(-u) / weight


def _group(entities: Entities, rules: dict[str, Rule]) -> dict[str, dict[Fraction, list[bytes]]]:
    """Messages b"E <id>" per stratum and weight class, in one pass."""
    raw: dict[str, dict[str, list[bytes]]] = {s: {} for s in rules}
    for eid, stratum, weight, _ in entities:
        classes = raw.get(stratum)
        if classes is None:
            continue
        members = classes.get(weight)
        if members is None:
            members = classes[weight] = []
        members.append(b"E " + eid.encode())
    grouped: dict[str, dict[Fraction, list[bytes]]] = {}
    for stratum, classes in raw.items():
        merged: dict[Fraction, list[bytes]] = {}
        for weight, members in classes.items():  # "1" and "1.0" are one class
            merged.setdefault(Fraction(weight), []).extend(members)
        grouped[stratum] = merged
    return grouped


def select(key: bytes, entities: Entities, rules: dict[str, Rule]) -> dict[str, list[str]]:
    """Selected entity ids per stratum (docs/draw.md §4); strata without a rule are not drawn.

    Weighted strata: within a weight class the key −ln(1−u)/w grows with the digest, so each
    class's k smallest digests are the only candidates — no float per entity."""
    hmac = HmacSM3(key)
    chosen: dict[str, list[str]] = {}
    for stratum, classes in _group(entities, rules).items():
        rule = rules[stratum]
        n = sum(len(m) for m in classes.values())
        k = rule.size(n)
        if rule.mode == "all" or k >= n:
            chosen[stratum] = sorted(m[2:].decode() for ms in classes.values() for m in ms)
            continue
        if set(classes) <= {Fraction(1)}:
            picked = heapq.nsmallest(k, hmac.digests_with(classes.get(Fraction(1), [])))
        else:
            candidates: list[tuple[float, bytes]] = []
            for weight, members in classes.items():
                top = heapq.nsmallest(k, hmac.digests_with(members))
                candidates += [(_weighted_key(d, float(weight)), d) for d in top]
            picked = [d for _, d in heapq.nsmallest(k, candidates)]
        chosen[stratum] = sorted(d[34:].decode() for d in picked)
    return chosen


def assign(
    key: bytes,
    selected: Sequence[tuple[str, str]],
    officers: Officers,
    recusals: Recusals,
    *,
    team_size: int,
    township_recusal: bool,
) -> dict[str, list[str]]:
    """Teams per entity: the least-loaded eligible officers, ties by their seeded rank (§5).

    Officers are numbered in rank order; draw_teams takes them in (load, rank) order as the
    specification says, assigning runs of entities without a conflict at once. Each team is then
    listed in id order."""
    hmac = HmacSM3(key)
    ranked = sorted((hmac.digest(b"O " + o[0].encode()), o[0], o[1]) for o in officers)
    ids = [r[1] for r in ranked]
    town_code = {town: i for i, town in enumerate(sorted({r[2] for r in ranked}))}
    place = {oid: i for i, oid in enumerate(ids)}
    by_entity: dict[str, set[int]] = {}
    for officer, entity in recusals:
        if officer in place:  # a recusal of someone not in the pool bars nobody
            by_entity.setdefault(entity, set()).add(place[officer])
    entity_ids = [e for e, _ in selected]
    barred = {j: by_entity[e] for j, e in enumerate(entity_ids) if e in by_entity} if by_entity else {}
    # −1 (no officer has it): no township recusal, or an entity without a township
    entity_towns = [town_code.get(town, -1) if township_recusal and town else -1 for _, town in selected]
    try:
        ranks = draw_teams.assign_ranked([town_code[r[2]] for r in ranked], entity_towns, barred, team_size)
    except draw_teams.ShortOfOfficers as short:
        entity = entity_ids[short.index]
        raise DrawError(
            f"监管对象 {entity} 回避后可派的执法人员不足{team_size}名，不能完成抽取", "few_officers"
        ) from None
    # each team in id order: sort its ranks by the officers' places in id order
    id_place = np.empty(len(ids), dtype=np.int64)
    id_place[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    ranks = np.take_along_axis(ranks, np.argsort(id_place[ranks], axis=1, kind="stable"), axis=1)
    names = np.array(ids, dtype=object)[ranks].tolist() if len(ids) else [[] for _ in entity_ids]
    return dict(zip(entity_ids, names, strict=True))


def run(
    plan: dict[str, Any],
    entities: Entities,
    officers: Officers,
    recusals: Recusals,
    seed_values: Sequence[str],
    due: Sequence[str] = (),
) -> dict[str, Any]:
    """The published document: plan, commitment, pool, seed, result and their digests (§6)."""
    with _no_gc_pauses():
        return _run(plan, entities, officers, recusals, seed_values, due)


def _run(
    plan: dict[str, Any],
    entities: Entities,
    officers: Officers,
    recusals: Recusals,
    seed_values: Sequence[str],
    due: Sequence[str],
) -> dict[str, Any]:
    check_seed_values(plan, seed_values)
    algorithm = plan_algorithm(plan)
    sp = SortedPool.build(entities, officers, recusals)  # sorted once: digest, positions, document
    if sp.digest(due) != plan["pool_digest"]:
        raise DrawError("抽查对象库或执法人员库在计划承诺后发生了变化，须重新制定计划", "stale_pool")
    commitment = commitment_of(plan)
    key = seed_key(commitment, seed_values)
    result = _compute(plan, key, sp, due)
    pool: dict[str, Any] = {
        "entities": list(map(list, sp.entities)),  # copies: never share caller rows
        "officers": list(map(list, sp.officers)),
        "recusals": list(map(list, sp.recusals)),
    }
    if algorithm != ALGORITHM_V1:
        pool["due"] = sorted(due)
    return {
        "format": FORMAT,
        "algorithm": algorithm,
        "plan": plan,
        "commitment": commitment,
        "pool": pool,
        "seed": {"values": list(seed_values), "key": key.hex()},
        "result": result,
        "result_digest": sm3_hex(_canonical_plain(result)),  # result: dicts, lists, str, int only
    }


def sm4_key(key: bytes) -> bytes:
    """Version 2: the SM4 key, the first 16 bytes of SM3(tag ‖ seed key)."""
    return sm3(SM4_TAG + key)[:16]


def select_v2(
    key: bytes, entities: Entities, rules: dict[str, Rule], due: Sequence[str] = ()
) -> dict[str, list[str]]:
    """Version 2 selection as ids per stratum (§4b); `entities` in any order."""
    sp = SortedPool.build(entities, (), ())
    chosen = _select_v2(key, sp, rules, due)
    return {s: [sp.ids[i] for i in ps.tolist()] for s, ps in chosen.items()}


def _select_v2(key: bytes, sp: SortedPool, rules: dict[str, Rule], due: Sequence[str]) -> dict[str, Any]:
    values = draw_select2.keystream(sm4_key(key), len(sp.ids))
    due_at = frozenset(sp.due_positions(due))
    distinct = (sp.distinct_strata, sp.distinct_weights)
    return draw_select2.select(values, sp.strata, sp.weights, rules, due_at, distinct)


def select_version(
    algorithm: str, key: bytes, entities: Entities, rules: dict[str, Rule], due: Sequence[str] = ()
) -> dict[str, list[str]]:
    if algorithm == ALGORITHM_V1:
        return select(key, entities, rules)
    return select_v2(key, entities, rules, due)


def compute_result(
    plan: dict[str, Any],
    key: bytes,
    entities: Entities,
    officers: Officers,
    recusals: Recusals,
    due: Sequence[str] = (),
) -> dict[str, Any]:
    """The result (§4–§5) of either version; rows in any order."""
    return _compute(plan, key, SortedPool.build(entities, officers, recusals), due)


def _compute(plan: dict[str, Any], key: bytes, sp: SortedPool, due: Sequence[str]) -> dict[str, Any]:
    rules = parse_rules(plan["rules"])
    if plan_algorithm(plan) == ALGORITHM_V1:
        chosen = select(key, sp.entities, rules)
        sizes = {s: len(ids) for s, ids in chosen.items()}
        township = {e[0]: e[3] for e in sp.entities} if plan["township_recusal"] else {}
        order = sorted((eid, stratum) for stratum, ids in chosen.items() for eid in ids)
        selected = [(eid, township.get(eid, "")) for eid, _ in order]
    else:
        picked = _select_v2(key, sp, rules, due)
        sizes = {s: len(ps) for s, ps in picked.items()}
        names = sorted(picked)
        # positions are id order: one sort of integers orders the selection by id
        positions = np.concatenate([picked[s] for s in names]) if names else np.empty(0, np.int64)
        labels = np.repeat(np.arange(len(names)), [len(picked[s]) for s in names])
        by_position = np.argsort(positions, kind="stable")
        at = positions[by_position].tolist()
        ids, towns = sp.ids, sp.towns
        order = [(ids[i], names[j]) for i, j in zip(at, labels[by_position].tolist(), strict=True)]
        selected = [(ids[i], towns[i]) for i in at]
    teams = assign(
        key,
        selected,
        sp.officers,
        sp.recusals,
        team_size=plan["team_size"],
        township_recusal=plan["township_recusal"],
    )
    return {
        "selected": [[eid, stratum, teams[eid]] for eid, stratum in order],
        "counts": {
            s: {"pool": plan["pool_counts"].get(s, 0), "selected": n} for s, n in sorted(sizes.items())
        },
    }


# --- verification ---------------------------------------------------------------------------------


def verify(published: object) -> list[str]:
    """What differs between a published draw and its recomputation (Chinese); [] when it holds."""
    with _no_gc_pauses():
        return _verify(published)


def _verify(published: object) -> list[str]:
    if isinstance(published, (str, bytes)):
        try:
            published = orjson.loads(published)  # C parser: about 4x the stdlib's speed at 1M rows
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            return ["不是有效的JSON文件"]
    if not isinstance(published, dict):
        return ["文件内容不是抽查结果对象"]
    missing = [
        k
        for k in ("format", "algorithm", "plan", "commitment", "pool", "seed", "result", "result_digest")
        if k not in published
    ]
    if missing:
        return [f"缺少字段：{', '.join(missing)}"]
    if published["format"] != FORMAT or published["algorithm"] not in ALGORITHMS:
        return [f"不支持的格式或算法版本：{published['format']} / {published['algorithm']}"]
    if not isinstance(published["plan"], dict) or plan_algorithm(published["plan"]) != published["algorithm"]:
        return ["文件声明的算法版本与计划中承诺的算法版本不一致"]
    try:
        return _differences(published)
    except DrawError as exc:
        return [str(exc)]
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        return [f"文件结构不完整或字段类型不正确（{type(exc).__name__}）"]


def _differences(doc: dict[str, Any]) -> list[str]:
    plan, pool = doc["plan"], doc["pool"]
    due = pool.get("due", []) if plan_algorithm(plan) != ALGORITHM_V1 else []
    sp = SortedPool.build(pool["entities"], pool["officers"], pool["recusals"], check=True)
    sp.validate()
    sp.validate_due(due)
    diffs: list[str] = []
    digest = sp.digest(due)
    if digest != plan["pool_digest"]:
        diffs.append(f"抽查对象库摘要不符：计划中为 {plan['pool_digest']}，按所附名录计算为 {digest}")
    commitment = commitment_of(plan)
    if commitment != doc["commitment"]:
        diffs.append(f"计划承诺摘要不符：文件中为 {doc['commitment']}，按计划计算为 {commitment}")
    values = doc["seed"]["values"]
    check_seed_values(plan, values)
    key = seed_key(commitment, values)
    if doc["seed"].get("key") not in (None, key.hex()):
        diffs.append(f"随机种子不符：文件中为 {doc['seed']['key']}，计算为 {key.hex()}")
    if diffs:
        return diffs
    expected = _compute(plan, key, sp, due)
    diffs += _result_differences(doc["result"], expected)
    result_digest = sm3_hex(_result_bytes(doc["result"], _canonical_plain(expected)))
    if result_digest != doc["result_digest"]:
        diffs.append(f"结果摘要不符：文件中为 {doc['result_digest']}，按结果计算为 {result_digest}")
    return diffs


def _result_bytes(got: object, expected_bytes: bytes) -> bytes:
    """canonical_json(got), fast when it is the expected result.

    orjson bytes equal to the expected result's mean `got` holds only what the expected result holds
    (dicts, lists, str, int — a float would show as "1.0" or "null"), for which both writers agree;
    anything else goes through the stdlib writer the specification names."""
    try:
        data = _canonical_plain(got)
    except (TypeError, orjson.JSONEncodeError):
        data = b""
    return data if data == expected_bytes else canonical_json(got)


def _result_differences(got: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    if got == expected:  # the usual case, compared in C
        return []
    diffs: list[str] = []
    got_rows = {row[0]: row for row in got.get("selected", [])}
    exp_rows = {row[0]: row for row in expected["selected"]}
    for eid in sorted(set(exp_rows) - set(got_rows))[:20]:
        diffs.append(f"应抽中但结果中没有：{eid}")
    for eid in sorted(set(got_rows) - set(exp_rows))[:20]:
        diffs.append(f"结果中有但不应抽中：{eid}")
    for eid in sorted(set(got_rows) & set(exp_rows)):
        if list(got_rows[eid]) != list(exp_rows[eid]):
            diffs.append(f"{eid} 的检查人员或类别不符：应为 {exp_rows[eid][2]}，结果中为 {got_rows[eid][2]}")
            if len(diffs) >= 40:
                break
    if not diffs and got != expected:
        diffs.append("结果的统计数字或顺序与重新计算不一致")
    return diffs
