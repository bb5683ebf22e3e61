"""Penalty API: compute (good input, each kind of bad input → 422 in Chinese), the questions of an
item, who may call it."""

from __future__ import annotations

import json

import pytest

from ecoenforce.penalty.models import DecidedPenalty

pytestmark = pytest.mark.django_db

COMPUTE = "/api/penalty/compute"
LEVELS = {
    "exceed_count": "one",
    "pollutant": "vocs",
    "area": "general",
    "period": "ordinary",
    "exceed_degree": "d1",
    "repeat": "once",
}


def _post(client, payload):
    return client.post(COMPUTE, data=json.dumps(payload), content_type="application/json")


def _body(item="AIR-99-2", rule_set="GD-2022", **facts):
    return {"item_code": item, "rule_set": rule_set, "act_date": "2026-06-01", "facts": facts}


@pytest.fixture
def officer(world, client):
    client.force_login(world.user("county_a", "officer"))
    return world.user("county_a", "officer")


def test_compute_table_item(officer, client) -> None:
    response = _post(client, _body(levels=LEVELS))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["decision"] == "fine" and data["decision_label"] == "罚款"
    assert data["amount"] == "150000" and data["amount_words"] == "人民币壹拾伍万元整"
    assert data["statutory_min"] == "100000" and data["statutory_max"] == "1000000"
    assert data["rule_set_id"] == "GD-2022" and data["mode"] == "table"
    assert [s["rule"] for s in data["steps"][:3]] == ["违法行为发生时的规定", "从旧兼从轻", "法定处罚幅度"]
    assert data["steps"][-1]["unverified"] is True  # rounding is a platform convention
    assert data["facts"] == {"levels": LEVELS}
    assert not DecidedPenalty.objects.exists()


def test_compute_multiple_with_base(officer, client) -> None:
    data = _post(
        client, _body("EIA-31-1", "", bases={"total_investment": "10000000"}, grade="lighter")
    ).json()
    assert data["decision"] == "fine" and data["mode"] == "generic"
    assert data["amount"] == "180000"  # 1% + 20% × (5% − 1%) = 1.8% of 10,000,000 (platform default)
    assert data["unverified"] is True


def test_compute_apology_and_mitigation(officer, client) -> None:
    data = _post(client, _body(levels=LEVELS, apology={"rate": "0.3"})).json()
    assert data["amount"] == "105000"
    data = _post(
        client, _body(levels=LEVELS, mitigation={"amount": "50000", "ground": "《行政处罚法》第三十二条"})
    )
    assert data.json()["amount"] == "50000"


def test_default_rule_set_of_the_unit(officer, client) -> None:
    # 廊坊 (河北): the Hebei rule set is the default; it has no transcribed rows, so the generic rule
    # computes, and the user is told so and that its values are unverified
    payload = {"item_code": "AIR-99-2", "act_date": "2026-06-01", "facts": {"grade": "general"}}
    data = _post(client, payload).json()
    assert data["rule_set_id"] == "HB-2023" and data["amount"] == "550000" and data["mode"] == "generic"
    assert data["rule_set_name"] == "河北省生态环境行政处罚自由裁量权裁量基准"
    notes = " ".join(data["rule_set_notes"])
    assert "适用的裁量基准：河北省生态环境行政处罚自由裁量权裁量基准" in notes and "未经核实" in notes
    facts = {"grade": "general", "levels": {"area": "general"}}
    ignored = _post(client, {**payload, "facts": facts}).json()
    assert any("所填裁量因素档次未被采用" in n for n in ignored["rule_set_notes"])


def test_guangdong_validity_shown_warned_and_refused_after_its_end(officer, client) -> None:
    payload = {"item_code": "AIR-99-2", "act_date": "2026-06-01", "rule_set": "GD-2022",
               "facts": {"levels": LEVELS}}
    data = _post(client, {**payload, "decision_date": "2026-11-30"}).json()
    notes = " ".join(data["rule_set_notes"])
    assert "有效期 2022-01-01 至 2026-12-31" in notes and "将于 2026-12-31 失效" in notes
    early = _post(client, {**payload, "decision_date": "2026-06-30"}).json()
    assert not any("失效" in n for n in early["rule_set_notes"])
    after = _post(client, {**payload, "decision_date": "2027-01-04"})
    assert after.status_code == 422 and "不在有效期内" in after.json()["errors"]["rule_set"][0]


@pytest.mark.parametrize(
    ("payload", "path", "message"),
    [
        (_body("AIR-999-9"), "item_code", "的执法事项清单中都不存在"),
        (_body(levels={**LEVELS, "area": "moon"}), "facts.levels.area", "不是裁量表"),
        (_body(levels={**LEVELS, "colour": "red"}), "facts.levels.colour", "没有因素"),
        (
            _body(levels={k: v for k, v in LEVELS.items() if k != "repeat"}),
            "facts.levels.repeat",
            "缺少裁量因素",
        ),
        (_body("EIA-31-1", ""), "facts.bases.total_investment", "缺少计罚基数"),
        (
            _body("EIA-31-1", "", bases={"total_investment": "-1"}),
            "facts.bases.total_investment",
            "不能为负数",
        ),
        (
            _body("EIA-31-1", "", bases={"total_investment": "abc"}),
            "facts.bases.total_investment",
            "不是有效的数值",
        ),
        (_body("EIA-31-1", "", bases={"total_investment": "0"}), "facts.bases.total_investment", "必须大于0"),
        (_body(levels=LEVELS, grade="harsh"), "facts.grade", "未知的裁量档次"),
        (
            _body(levels=LEVELS, mitigation={"amount": "50000", "ground": ""}),
            "facts.mitigation.ground",
            "法定依据",
        ),
        (
            _body(levels=LEVELS, mitigation={"amount": "150000", "ground": "第三十二条"}),
            "facts.mitigation.amount",
            "应低于法定最低罚款",
        ),
        (_body(levels=LEVELS, apology={"rate": "0.9"}), "facts.apology.rate", "降低比例应在"),
        (_body(levels=LEVELS, mitigating=["bribed"]), "facts.mitigating", "未知的从轻"),
        (_body(rule_set="XX-1"), "rule_set", "没有编号为 XX-1 的裁量基准"),
        (_body(levels=LEVELS, exemption={"act_date": "2026-13-01"}), "facts.exemption.act_date", "应为日期"),
    ],
)
def test_bad_input_is_422_in_chinese(officer, client, payload, path, message) -> None:
    response = _post(client, payload)
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["detail"] == "数据校验未通过"
    assert path in data["errors"], data
    assert any(message in m for m in data["errors"][path]), data


@pytest.mark.parametrize("bad", ["AIR-99-2\x00", "A" * 41])
def test_boundary_refuses_nul_and_long_strings(officer, client, bad) -> None:
    assert _post(client, _body(bad)).status_code == 422
    assert _post(client, _body(levels={"area": bad})).status_code == 422


def test_unknown_fact_key_refused(officer, client) -> None:
    assert _post(client, _body(levels=LEVELS, colour="red")).status_code == 422


def test_questions(officer, client) -> None:
    response = client.get("/api/penalty/items/AIR-99-2/questions?rule_set=GD-2022&on=2026-06-01")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["computable"] is True and data["rule_set_id"] == "GD-2022"
    assert [f["id"] for f in data["factors"]] == list(LEVELS)
    area = next(f for f in data["factors"] if f["id"] == "area")
    assert [c["value"] for c in area["choices"]] == ["general", "restricted", "sensitive", "unprovable"]
    # the table's own words (issue 6): the 3% tier includes sites near homes, the 15% tier is ecological
    labels = [c["label"] for c in area["choices"][:3]]
    assert labels == ["一般区域", "限批区或人居环境敏感区", "生态环境敏感区"]
    assert area["choices"][1]["unverified"] is False
    repeat = next(f for f in data["factors"] if f["id"] == "repeat")
    assert "含本次" in repeat["question"]
    assert data["exemption"]["entries"][0]["id"] == "GD-NP-AIR-EXCEEDANCE"
    assert data["apology"]["min_rate"] == "0.3"
    generic = client.get("/api/penalty/items/EIA-31-1/questions?rule_set=").json()
    assert generic["factors"] == [] and generic["bases"][0]["value"] == "total_investment"
    assert client.get("/api/penalty/items/AIR-999-9/questions").status_code == 422


def test_roles(world, client) -> None:
    client.force_login(world.user("county_a", "sysadmin"))
    assert _post(client, _body(levels=LEVELS)).status_code == 403
    client.force_login(world.user("county_a", "supervisor"))
    assert _post(client, _body(levels=LEVELS)).status_code == 200


def test_other_county_unit_refused(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    other = world.units["county_b"].pk
    assert _post(client, {**_body(levels=LEVELS), "unit_id": other}).status_code == 403
    city = world.units["city"].pk  # his unit's superior: its catalog is his too
    assert _post(client, {**_body(levels=LEVELS), "unit_id": city}).status_code == 200


def test_anonymous(client, db) -> None:
    assert _post(client, _body(levels=LEVELS)).status_code == 401
