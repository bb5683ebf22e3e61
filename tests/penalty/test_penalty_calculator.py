"""The penalty calculator page: who may open it, a benchmark table item computed through the page
equals compute_penalty, bad input gives Chinese errors and computes nothing, recording a decision."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ecoenforce.audit.models import AuditEvent
from ecoenforce.penalty.catalog_items import items_for
from ecoenforce.penalty.engine.discretion import (
    BENCHMARKS_DIR,
    Grade,
    PenaltyFacts,
    compute_penalty,
    load_rule_set,
)
from ecoenforce.penalty.models import DecidedPenalty

pytestmark = pytest.mark.django_db

READERS = ["officer", "team_leader", "legal_reviewer", "bureau_head", "complaint_handler", "supervisor"]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]
URL = "/catalog/penalty/"
GD = load_rule_set(BENCHMARKS_DIR / "guangdong.yaml")
AIR_99_2_LEVELS = {
    "exceed_count": "two",
    "pollutant": "class_b",
    "area": "restricted",
    "period": "ordinary",
    "exceed_degree": "d2",
    "repeat": "twice",
}


def _post(item: str, fields: dict[str, str], rule_set: str = "GD-2022", **extra: str) -> dict[str, str]:
    return {"item": item, "rule_set": rule_set, "on": "2026-06-01", "action": "compute", **fields, **extra}


def _levels(levels: dict[str, str]) -> dict[str, str]:
    return {f"level__{k}": v for k, v in levels.items()}


def test_url_names() -> None:
    assert reverse("penalty:calculator") == URL
    assert reverse("penalty:consistency") == URL + "consistency/"
    assert reverse("penalty:parameters") == URL + "parameters/"


@pytest.mark.parametrize("role", READERS + ADMINS)
def test_calculator_by_role(world, client, role) -> None:
    client.force_login(world.user("county_a", role))
    expected = 200 if role in READERS else 403
    assert client.get(URL).status_code == expected
    assert client.get(URL + "?item=AIR-99-2&rule_set=GD-2022&on=2026-06-01").status_code == expected
    assert client.post(URL, _post("AIR-99-2", _levels(AIR_99_2_LEVELS))).status_code == expected


def test_nav_points_to_calculator(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.get(URL).content.decode()
    assert f'href="{URL}"' in page and "罚款计算" in page


def test_item_questions_shown(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.get(URL + "?item=AIR-99-2&rule_set=GD-2022&on=2026-06-01").content.decode()
    assert "超标污染因子个数？" in page and 'name="level__exceed_degree"' in page
    assert "确无法查明" in page  # every factor offers "unprovable"
    assert "免罚清单" in page and "ex_exc1_pollutant" in page  # the GD exemption entry of AIR-99-2
    assert "公开道歉承诺" in page and "减轻处罚" in page
    assert "本单位尚无已发布的执法事项清单" in page  # the world has no published catalog: starter items


def test_generic_item_offers_grades_and_bases(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.get(URL + "?item=EIA-31-1&rule_set=&on=2026-06-01").content.decode()
    assert 'name="base__total_investment"' in page
    assert 'name="grade"' in page and "从轻" in page and "从重" in page
    assert "level__" not in page  # no table without a rule set


def test_htmx_swaps_questions(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    response = client.get(URL + "?item=AIR-99-2&rule_set=GD-2022", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="penalty-form"' in body


def test_item_search(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    body = client.get(reverse("penalty:items") + "?q=AIR-99", HTTP_HX_REQUEST="true").content.decode()
    assert "AIR-99-2" in body and "AIR-99-1" in body and "<html" not in body
    body = client.get(
        reverse("penalty:items") + "?q=nothing-like-this", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "没有找到" in body


def test_table_item_through_page_matches_engine(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.post(URL, _post("AIR-99-2", _levels(AIR_99_2_LEVELS), grade="heavier")).content.decode()
    item = items_for(None, dt.date(2026, 6, 1)).get("AIR-99-2")
    expected = compute_penalty(
        item_code="AIR-99-2",
        sanction=item.sanction,
        rule_set=GD,
        facts=PenaltyFacts(levels=AIR_99_2_LEVELS, grade=Grade.HEAVIER),
    )
    amount = f"{int(expected.amount):,}元"
    assert re.search(r'id="result-amount">\s*' + re.escape(amount), page), amount
    assert "人民币" in page and 'id="steps-table"' in page
    for step in expected.steps:
        assert step.rule in page
    assert "未核实" in page  # the platform default of 从重 in table mode is flagged
    assert "100,000元 ～ 1,000,000元" in page
    assert "data-print" in page and "penalty.css" in page
    assert not DecidedPenalty.objects.exists()  # computing stores nothing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (_levels({**AIR_99_2_LEVELS, "area": "moon"}), "不是裁量表中该因素的档次"),
        (
            _levels({k: v for k, v in AIR_99_2_LEVELS.items() if k != "repeat"}),
            "请选择：近二年内同类违法行为次数（含本次）？",
        ),
        (
            {
                **_levels(AIR_99_2_LEVELS),
                "mitigation_apply": "on",
                "mitigation_amount": "-5",
                "mitigation_ground": "第三十二条",
            },
            "不能为负数",
        ),
        (
            {
                **_levels(AIR_99_2_LEVELS),
                "mitigation_apply": "on",
                "mitigation_amount": "5万",
                "mitigation_ground": "第三十二条",
            },
            "不是有效的数值",
        ),
        (
            {
                **_levels(AIR_99_2_LEVELS),
                "mitigation_apply": "on",
                "mitigation_amount": "50000",
                "mitigation_ground": "",
            },
            "减轻处罚必须填写法定依据",
        ),
        (
            {**_levels(AIR_99_2_LEVELS), "apology_apply": "on", "apology_rate": "0.9"},
            "公开道歉承诺降低比例应在",
        ),
    ],
)
def test_bad_input_errors_and_nothing_computed(world, client, fields, message) -> None:
    client.force_login(world.user("county_a", "officer"))
    response = client.post(URL, _post("AIR-99-2", fields))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'id="penalty-result"' not in page
    assert not DecidedPenalty.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "请填写计罚基数：建设项目总投资额"),
        ({"base__total_investment": "-100"}, "不能为负数"),
        ({"base__total_investment": "abc"}, "不是有效的数值"),
        ({"base__total_investment": "0"}, "必须大于0"),
    ],
)
def test_base_amount_errors(world, client, fields, message) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.post(URL, _post("EIA-31-1", fields, rule_set="")).content.decode()
    assert message in page and 'id="penalty-result"' not in page


def test_unknown_item_and_rule_set(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.post(URL, _post("AIR-999-9", {})).content.decode()
    assert "未知的执法事项「AIR-999-9」" in page and 'id="penalty-result"' not in page
    page = client.get(URL + "?item=AIR-99-2&rule_set=XX-1").content.decode()
    assert "所选裁量基准在该日期不适用或不存在" in page and 'id="penalty-form"' not in page


def test_generic_item_computed(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.post(
        URL, _post("EIA-31-1", {"base__total_investment": "10,000,000", "grade": "general"}, rule_set="")
    ).content.decode()
    # 未批先建 without a rule set: generic rule, middle of 1%–5% = 3% of 10,000,000
    assert re.search(r'id="result-amount">\s*300,000元', page)
    assert "人民币叁拾万元整" in page


def test_not_computable_item(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    page = client.get(URL + "?item=EPL-24-0").content.decode()
    assert 'id="not-computable"' in page and "不含罚款或警告" in page


def test_no_penalty_through_art33(world, client) -> None:
    client.force_login(world.user("county_a", "officer"))
    fields = {**_levels(AIR_99_2_LEVELS), "art33": ["minor", "corrected_in_time", "no_harm_consequence"]}
    page = client.post(URL, _post("AIR-99-2", fields)).content.decode()
    assert re.search(r'id="result-decision">\s*不予处罚', page)


def test_record_decision_through_page(world, client) -> None:
    officer = world.user("county_a", "officer")
    client.force_login(officer)
    fields = _levels(AIR_99_2_LEVELS)
    page = client.post(URL, _post("AIR-99-2", fields)).content.decode()
    assert 'id="record-section"' in page
    amount = re.search(r'name="record-decided_amount" value="([0-9.]+)"', page).group(1)
    # deviating without a reason is refused by the form
    page = client.post(
        URL,
        _post(
            "AIR-99-2",
            fields,
            action="record",
            **{"record-decision": "fine", "record-decided_amount": "120000", "record-reason": ""},
        ),
    ).content.decode()
    assert "须说明理由" in page and not DecidedPenalty.objects.exists()
    response = client.post(
        URL,
        _post(
            "AIR-99-2",
            fields,
            action="record",
            **{"record-decision": "fine", "record-decided_amount": amount, "record-reason": ""},
        ),
    )
    assert response.status_code == 302
    row = DecidedPenalty.objects.get()
    assert row.officer == officer and row.unit == officer.unit and row.rule_set_id == "GD-2022"
    assert row.engine_amount == Decimal(amount) == row.decided_amount
    assert row.facts == {"levels": AIR_99_2_LEVELS}
    assert AuditEvent.objects.filter(action="catalog.penalty_decision", target_id=str(row.pk)).exists()


@pytest.mark.parametrize("role", ["complaint_handler", "supervisor"])
def test_readers_without_acting_role_cannot_record(world, client, role) -> None:
    client.force_login(world.user("county_a", role))
    page = client.post(URL, _post("AIR-99-2", _levels(AIR_99_2_LEVELS))).content.decode()
    assert 'id="penalty-result"' in page and 'id="record-section"' not in page
    client.post(
        URL,
        _post(
            "AIR-99-2",
            _levels(AIR_99_2_LEVELS),
            action="record",
            **{"record-decision": "fine", "record-decided_amount": "150000"},
        ),
    )
    assert not DecidedPenalty.objects.exists()
