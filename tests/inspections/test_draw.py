"""The pure draw: determinism, verification, tampering, fairness (chi-square) and recusal (property)."""

from __future__ import annotations

import copy
import hmac as std_hmac
import json
import math
import random
from collections import Counter
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from hypothesis import given, settings
from hypothesis import strategies as st
from scripts.draw_example import ENTITIES, OFFICERS, RECUSALS, WITNESS_VALUES, example

from ecoenforce.inspections import draw

RULES = {
    "key": {"mode": "ratio", "value": "0.25"},
    "general": {"mode": "ratio", "value": "0.1"},
    "special": {"mode": "all"},
}


Rows = list[list[str]]
# every property holds for both versions: version 1 documents must stay verifiable
VERSIONS = pytest.mark.parametrize("algorithm", [draw.ALGORITHM_V1, draw.ALGORITHM_V2])


def pool(n: int = 200, officers: int = 12, seed: int = 1) -> tuple[Rows, Rows, Rows]:
    rng = random.Random(seed)
    towns = ["131022100", "131022101", "131022102"]
    ents = [
        [f"E{i:05d}", rng.choice(["key", "general", "general", "special"]), "1", rng.choice(towns)]
        for i in range(n)
    ]
    offs = [[f"O{i:03d}", towns[i % 3]] for i in range(officers)]
    recs = [[offs[rng.randrange(officers)][0], ents[rng.randrange(n)][0]] for _ in range(n // 4)]
    return ents, offs, recs


def plan_for(ents: Any, offs: Any, recs: Any, **over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        plan_id="P1",
        unit="131000",
        period="2026Q4",
        title="测试",
        rules=RULES,
        team_size=2,
        township_recusal=True,
        draw_time="2026-12-01T10:00:00+08:00",
        seed_source={"kind": "public", "description": "2026-12-01 上证指数收盘值"},
        entities=ents,
        officers=offs,
        recusals=recs,
        algorithm=draw.ALGORITHM,
    )
    fields.update(over)
    return draw.make_plan(**fields)


def test_sm3_and_hmac_match_the_standard_and_cryptography() -> None:
    assert draw.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    for key in (b"k", b"x" * 64, b"y" * 100):
        ref = c_hmac.HMAC(key, hashes.SM3())
        ref.update(b"E 911310000000000011")
        assert draw.HmacSM3(key).digest(b"E 911310000000000011") == ref.finalize()
        assert draw.HmacSM3(key).digest(b"m") == std_hmac.digest(key, b"m", "sm3")


@VERSIONS
def test_same_plan_and_seed_give_the_same_result_in_any_row_order(algorithm: str) -> None:
    ents, offs, recs = pool()
    plan = plan_for(ents, offs, recs, algorithm=algorithm)
    first = draw.run(plan, ents, offs, recs, ["3391.27"])
    shuffled = [list(reversed(ents)), list(reversed(offs)), list(reversed(recs))]
    random.Random(7).shuffle(shuffled[0])
    assert plan_for(*shuffled, algorithm=algorithm)["pool_digest"] == plan["pool_digest"]
    again = draw.run(plan, *shuffled, ["3391.27"])
    assert again["result"] == first["result"]
    assert again["result_digest"] == first["result_digest"]
    assert draw.verify(json.dumps(first, ensure_ascii=False)) == []
    assert first["algorithm"] == algorithm


@VERSIONS
def test_counts_follow_the_rules(algorithm: str) -> None:
    ents, offs, recs = pool()
    doc = draw.run(plan_for(ents, offs, recs, algorithm=algorithm), ents, offs, recs, ["1"])
    counts = doc["result"]["counts"]
    assert counts["key"]["selected"] == math.ceil(counts["key"]["pool"] * 0.25)
    assert counts["general"]["selected"] == math.ceil(counts["general"]["pool"] * 0.1)
    assert counts["special"]["selected"] == counts["special"]["pool"]  # special: always all


@VERSIONS
def test_changing_one_pool_member_or_the_seed_fails_verification(algorithm: str) -> None:
    ents, offs, recs = pool()
    doc = draw.run(plan_for(ents, offs, recs, algorithm=algorithm), ents, offs, recs, ["3391.27"])
    tampered = copy.deepcopy(doc)
    row = tampered["pool"]["entities"][5]
    row[1] = "special" if row[1] != "special" else "key"
    assert any("抽查对象库摘要不符" in d for d in draw.verify(tampered))
    dropped = copy.deepcopy(doc)
    del dropped["pool"]["officers"][0]
    assert any("抽查对象库摘要不符" in d for d in draw.verify(dropped))
    reseeded = copy.deepcopy(doc)
    reseeded["seed"]["values"] = ["3391.28"]
    assert any("随机种子不符" in d for d in draw.verify(reseeded))
    reseeded["seed"].pop("key")
    assert draw.verify(reseeded), "a different seed must not reproduce the published result"
    swapped = copy.deepcopy(doc)
    swapped["result"]["selected"][0][0] = next(
        e[0] for e in ents if e[0] not in {r[0] for r in doc["result"]["selected"]}
    )
    assert any("不应抽中" in d for d in draw.verify(swapped))
    replan = copy.deepcopy(doc)
    replan["plan"]["rules"]["general"]["value"] = "0.2"
    assert any("计划承诺摘要不符" in d for d in draw.verify(replan))


def test_verify_names_malformed_input() -> None:
    assert draw.verify("{not json") == ["不是有效的JSON文件"]
    assert draw.verify("[]") == ["文件内容不是抽查结果对象"]
    assert draw.verify("{}")[0].startswith("缺少字段")
    doc = example()
    doc["pool"]["entities"][0][0] = "bad id with spaces"
    assert "监管对象编号格式不正确" in draw.verify(doc)[0]


@VERSIONS
def test_verify_refuses_a_duplicated_entity_and_a_retyped_result(algorithm: str) -> None:
    """A document whose pool lists one entity twice (anywhere in the list) is refused; a result
    whose numbers were rewritten as floats has another canonical form, so its digest fails."""
    ents, offs, recs = pool()
    doc = draw.run(plan_for(ents, offs, recs, algorithm=algorithm), ents, offs, recs, ["3391.27"])
    assert draw.verify(json.dumps(doc, ensure_ascii=False)) == []
    doubled = copy.deepcopy(doc)
    doubled["pool"]["entities"].append(list(doubled["pool"]["entities"][57]))
    assert draw.verify(doubled) == ["抽查对象库中有重复的监管对象"]
    retyped = copy.deepcopy(doc)
    counts = retyped["result"]["counts"]
    for stratum in counts:
        counts[stratum]["selected"] = float(counts[stratum]["selected"])  # equal in Python, not in JSON
    retyped["result_digest"] = draw.sm3_hex(draw.canonical_json(doc["result"]))
    assert any("结果摘要不符" in d for d in draw.verify(json.dumps(retyped)))


def test_refusals() -> None:
    ents, offs, recs = pool()
    with pytest.raises(draw.DrawError, match="抽查对象库为空") as exc:
        plan_for([], offs, recs)
    assert exc.value.code == "empty_pool"
    with pytest.raises(draw.DrawError, match="至少应有2名"):
        plan_for(ents, offs, recs, team_size=1)
    with pytest.raises(draw.DrawError, match="重复"):
        plan_for([*ents, ents[0]], offs, recs)
    with pytest.raises(draw.DrawError, match="抽取权重"):
        plan_for([[*ents[0][:2], "1.5", ents[0][3]], *ents[1:]], offs, recs)
    plan = plan_for(ents, offs, recs)
    with pytest.raises(draw.DrawError, match="发生了变化") as stale:
        draw.run(plan, ents[1:], offs, recs, ["1"])
    assert stale.value.code == "stale_pool"
    two = offs[:2]
    barred = [[two[0][0], e[0]] for e in ents]  # the first of only two officers recused everywhere
    tight = plan_for(ents, two, barred, township_recusal=False)
    with pytest.raises(draw.DrawError, match="不足2名") as few:
        draw.run(tight, ents, two, barred, ["1"])
    assert few.value.code == "few_officers"


def test_witness_values_must_match_their_commitments() -> None:
    doc = example()
    plan = doc["plan"]
    with pytest.raises(draw.DrawError, match="第2名见证人"):
        draw.run(plan, ENTITIES, OFFICERS, RECUSALS, ["4071", "8857"])
    with pytest.raises(draw.DrawError, match="个数"):
        draw.run(plan, ENTITIES, OFFICERS, RECUSALS, ["4071"])
    assert draw.run(plan, ENTITIES, OFFICERS, RECUSALS, WITNESS_VALUES) == doc


def _critical_chi2(df: int, z: float) -> float:
    """Wilson–Hilferty upper quantile of chi-square with df degrees of freedom (z: normal quantile)."""
    h = 2 / (9 * df)
    return df * (1 - h + z * math.sqrt(h)) ** 3


@VERSIONS
def test_fairness_selection_frequencies_match_the_ratio(algorithm: str) -> None:
    """Over 600 seeds each of 120 entities is drawn with probability k/n; chi-square at α = 0.001."""
    n, k, seeds = 120, 12, 600
    ents = [[f"E{i:04d}", "general", "1", ""] for i in range(n)]
    rules = {"general": draw.Rule("count", str(k))}
    hits: Counter[str] = Counter()
    for s in range(seeds):
        for eid in draw.select_version(algorithm, draw.sm3(f"seed-{s}".encode()), ents, rules)["general"]:
            hits[eid] += 1
    expected = seeds * k / n
    chi2 = sum((hits[e[0]] - expected) ** 2 / expected for e in ents)
    assert chi2 < _critical_chi2(n - 1, 3.0902), chi2  # z(0.999) = 3.0902


@VERSIONS
def test_reduced_weight_entities_are_drawn_less_often(algorithm: str) -> None:
    n, k, seeds = 60, 6, 500
    ents = [[f"E{i:04d}", "general", "0.5" if i % 2 else "1", ""] for i in range(n)]
    hits: Counter[str] = Counter()
    for s in range(seeds):
        hits.update(
            draw.select_version(
                algorithm, draw.sm3(f"w-{s}".encode()), ents, {"general": draw.Rule("count", str(k))}
            )["general"]
        )
    full = sum(hits[e[0]] for e in ents if e[2] == "1")
    half = sum(hits[e[0]] for e in ents if e[2] == "0.5")
    assert 1.6 < full / half < 2.5, (full, half)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 40),
    n_officers=st.integers(2, 12),
    data=st.data(),
)
def test_recusal_is_never_violated(n: int, n_officers: int, data: st.DataObject) -> None:
    towns = ["131022100", "131022101", ""]
    ents = [[f"E{i}", "general", "1", data.draw(st.sampled_from(towns))] for i in range(n)]
    offs = [[f"O{i}", data.draw(st.sampled_from(towns))] for i in range(n_officers)]
    pairs = st.tuples(st.sampled_from([o[0] for o in offs]), st.sampled_from([e[0] for e in ents]))
    recs = data.draw(st.lists(pairs, max_size=30))
    recs = [list(r) for r in recs]
    team = data.draw(st.integers(2, 3))
    algorithm = data.draw(st.sampled_from(draw.ALGORITHMS))
    plan = plan_for(ents, offs, recs, rules={"general": {"mode": "all"}}, team_size=team, algorithm=algorithm)
    try:
        doc = draw.run(plan, ents, offs, recs, [str(data.draw(st.integers(0, 10**6)))])
    except draw.DrawError as exc:
        assert exc.code == "few_officers"
        return
    barred = {(r[0], r[1]) for r in recs}
    town = {o[0]: o[1] for o in offs}
    ent_town = {e[0]: e[3] for e in ents}
    loads: Counter[str] = Counter()
    for eid, _, team_ids in doc["result"]["selected"]:
        assert len(set(team_ids)) == team
        for oid in team_ids:
            assert (oid, eid) not in barred
            assert not (ent_town[eid] and town[oid] == ent_town[eid])
            loads[oid] += 1
    if not recs and not any(e[3] for e in ents):  # no recusal at all: loads differ by at most one
        all_loads = [loads[o[0]] for o in offs]
        assert max(all_loads) - min(all_loads) <= 1


def test_due_entities_are_always_selected_and_count_against_the_stratum() -> None:
    """Minimum frequency (version 2): over many seeds the due entities are in every result."""
    ents, offs, recs = pool(300, officers=20)
    general = [e[0] for e in ents if e[1] == "general"]
    due = [*general[:3], next(e[0] for e in ents if e[1] == "key")]
    plan = plan_for(ents, offs, recs, due=due)
    assert plan["due_count"] == 4 and plan["algorithm"] == draw.ALGORITHM_V2
    sizes = set()
    for s in range(30):
        doc = draw.run(plan, ents, offs, recs, [f"seed-{s}"], due)
        chosen = {row[0] for row in doc["result"]["selected"]}
        assert set(due) <= chosen
        sizes.add(doc["result"]["counts"]["general"]["selected"])
    n_general = sum(1 for e in ents if e[1] == "general")
    assert sizes == {math.ceil(n_general * 0.1)}  # due ones are part of the ratio, not on top
    assert draw.verify(doc) == []
    forged = copy.deepcopy(doc)
    forged["pool"]["due"] = due[1:]
    assert any("抽查对象库摘要不符" in d for d in draw.verify(forged))
    with pytest.raises(draw.DrawError, match="发生了变化"):
        draw.run(plan, ents, offs, recs, ["x"], due[1:])  # a changed due list is a changed pool


def test_due_must_be_in_the_pool_and_needs_version_2() -> None:
    ents, offs, recs = pool()
    with pytest.raises(draw.DrawError) as exc:
        plan_for(ents, offs, recs, due=["NOTINPOOL"])
    assert exc.value.code == "due_not_in_pool"
    with pytest.raises(draw.DrawError) as exc:
        plan_for(ents, offs, recs, due=[ents[0][0]], algorithm=draw.ALGORITHM_V1)
    assert exc.value.code == "due_needs_v2"


def test_the_version_is_the_one_the_plan_committed() -> None:
    """Nobody can run a plan under the other version and publish whichever result suits them."""
    ents, offs, recs = pool()
    doc = draw.run(plan_for(ents, offs, recs), ents, offs, recs, ["1"])
    relabelled = copy.deepcopy(doc)
    relabelled["algorithm"] = draw.ALGORITHM_V1
    assert draw.verify(relabelled) == ["文件声明的算法版本与计划中承诺的算法版本不一致"]
    v1 = draw.run(plan_for(ents, offs, recs, algorithm=draw.ALGORITHM_V1), ents, offs, recs, ["1"])
    assert "algorithm" not in v1["plan"] and "due" not in v1["pool"]
    assert v1["result"]["selected"] != doc["result"]["selected"]
    unknown = copy.deepcopy(doc)
    unknown["algorithm"] = "ecoenforce-draw/9"
    assert draw.verify(unknown)[0].startswith("不支持的格式或算法版本")
