"""Issue 6 follow-ups through POST /api/penalty/compute and the calculator page: PERMIT-34-1 by medium,
按日连续处罚 (EPL-59-0 / the Code's art 1060) and 加处罚款 (PUNISH-72-1) from their dates."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from ecoenforce.penalty.models import DecidedPenalty

pytestmark = pytest.mark.django_db
URL = "/catalog/penalty/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer(world, client):
    client.force_login(world.user("county_a", "officer"))
    return world.user("county_a", "officer")


def _api(client, body: dict):
    return client.post("/api/penalty/compute", json.dumps(body), content_type="application/json")


def test_permit_water_case_is_refused_the_air_row(officer, client) -> None:
    body = {"item_code": "PERMIT-34-1", "act_date": "2026-10-01", "rule_set": "GD-2022",
            "facts": {"medium": "water", "grade": "general"}}
    response = _api(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["mode"] == "generic" and data["amount"] == "600000"  # (200,000 + 1,000,000) / 2
    assert any("不得适用于水污染物" in n for n in data["notices"])
    assert any(s["rule"] == "按污染物类别选择裁量表" and s["unverified"] for s in data["steps"])
    air = _api(client, {**body, "facts": {"medium": "air", "levels": {
        "exceed_count": "two", "pollutant": "class_b", "area": "restricted", "period": "major_event",
        "exceed_degree": "d2", "repeat": "twice"}}}).json()
    assert air["mode"] == "table" and air["amount"] == "410000" and air["notices"] == []


def test_permit_without_medium_is_422_on_the_field(officer, client) -> None:
    response = _api(client, {"item_code": "PERMIT-34-1", "act_date": "2026-10-01", "rule_set": "GD-2022",
                             "facts": {"grade": "general"}})
    assert response.status_code == 422
    assert "大气污染物" in response.json()["errors"]["facts.medium"][0]
    questions = client.get("/api/penalty/items/PERMIT-34-1/questions?rule_set=GD-2022").json()
    assert questions["medium"]["id"] == "medium" and len(questions["medium"]["choices"]) == 2


def test_daily_penalty_through_the_api(officer, client) -> None:
    # act before the Code, order served 2026-09-01, recheck 2026-09-21: 20 × 200,000 = 4,000,000
    body = {"item_code": "EPL-59-0", "act_date": "2026-07-01", "rule_set": "",
            "facts": {"bases": {"original_fine": "200000"},
                      "daily_cycles": [{"order_served": "2026-09-01", "rechecked": "2026-09-21"}]}}
    response = _api(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["amount"], data["days"], data["mode"]) == ("4000000", 20, "daily")
    assert data["statutory_min"] == data["statutory_max"] == "4000000"
    assert any("累计" in s["description"] or "20 日" in s["description"] for s in data["steps"])
    missing = _api(client, {**body, "facts": {"bases": {"original_fine": "200000"}}})
    assert missing.status_code == 422 and "facts.daily_cycles" in missing.json()["errors"]
    bad = _api(client, {**body, "facts": {**body["facts"], "daily_cycles": [
        {"order_served": "2026-09-21", "rechecked": "2026-09-01"}]}})
    assert bad.status_code == 422
    assert not DecidedPenalty.objects.exists()


def test_late_fee_through_the_api(officer, client) -> None:
    body = {"item_code": "PUNISH-72-1", "act_date": "2026-10-17", "rule_set": "",
            "facts": {"bases": {"original_fine": "100000"},
                      "late_fee": {"due_date": "2026-10-16", "paid_date": "2026-10-26"}}}
    data = _api(client, body).json()
    assert (data["amount"], data["days"]) == ("30000", 10)  # 10 days × 3,000
    capped = _api(client, {**body, "act_date": "2026-01-02", "facts": {
        "bases": {"original_fine": "100000"},
        "late_fee": {"due_date": "2026-01-01", "paid_date": "2026-03-01"}}})
    assert capped.json()["amount"] == "100000"  # never above the fine
    missing = _api(client, {**body, "facts": {"bases": {"original_fine": "100000"}}})
    assert missing.status_code == 422 and "facts.late_fee" in missing.json()["errors"]


def test_calculator_page_computes_the_daily_penalty_from_dates(officer, client) -> None:
    params = {"item": "EPL-59-0", "rule_set": "", "act_date": "2026-07-01", "decision_date": "2026-12-01"}
    page = client.get(URL, params).content.decode()
    assert "按日连续处罚：责令改正与复查" in page and 'name="daily1_served"' in page
    posted = client.post(URL, {**params, "action": "compute", "base__original_fine": "200000",
                               "daily1_served": "2026-09-01", "daily1_rechecked": "2026-09-11",
                               "daily2_served": "2026-09-11", "daily2_rechecked": "2026-09-26"})
    posted = posted.content.decode()
    # 10 + 15 = 25 days × 200,000 = 5,000,000
    assert "5,000,000元" in posted and 'id="result-days"' in posted and "25 日" in posted
    half = client.post(URL, {**params, "action": "compute", "base__original_fine": "200000",
                             "daily1_served": "2026-09-01", "daily1_rechecked": "2026-09-11",
                             "daily2_served": "2026-09-11"}).content.decode()
    assert "第2轮须同时填写送达日期和复查日期" in half and 'id="penalty-result"' not in half


def test_calculator_page_computes_the_late_fee(officer, client) -> None:
    params = {"item": "PUNISH-72-1", "rule_set": "", "act_date": "2026-10-17", "decision_date": "2026-12-01"}
    assert "加处罚款：缴纳期限与缴纳日期" in client.get(URL, params).content.decode()
    posted = client.post(URL, {**params, "action": "compute", "base__original_fine": "100000",
                               "late_due_date": "2026-10-16", "late_paid_date": "2026-10-26",
                               "late_paused_days": "0"}).content.decode()
    assert "30,000元" in posted and "10 日" in posted


def test_calculator_page_permit_water_case(officer, client) -> None:
    params = {"item": "PERMIT-34-1", "rule_set": "GD-2022", "act_date": "2026-10-01",
              "decision_date": "2026-12-01"}
    page = client.get(URL, params).content.decode()
    assert 'name="medium"' in page and "超过许可排放浓度、许可排放量排放的污染物属于哪一类" in page
    posted = client.post(URL, {**params, "action": "compute", "medium": "water",
                               "grade": "general"}).content.decode()
    assert "600,000元" in posted and 'id="result-notices"' in posted and "不得适用于水污染物" in posted
