"""POST /api/penalty/compute with the dates of the act and the decision; /daily and /late-fee."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from ecoenforce.catalog.services import STARTER_CATALOG
from ecoenforce.penalty import catalog_items
from ecoenforce.penalty.models import DecidedPenalty

FIXTURE = Path(__file__).parent / "data" / "code_catalog_fixture.yaml"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_catalog")]


@pytest.fixture
def code_catalog(monkeypatch):
    monkeypatch.setattr(catalog_items, "catalog_files",
                        lambda: [(STARTER_CATALOG, None), (FIXTURE, dt.date(2026, 8, 15))])
    catalog_items._file_catalogs.cache_clear()
    yield
    catalog_items._file_catalogs.cache_clear()


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer(world, client):
    client.force_login(world.user("county_a", "officer"))
    return world.user("county_a", "officer")


def _post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_compute_shows_both_laws_and_the_choice(officer, client) -> None:
    body = {"item_code": "CODE-1095-1", "act_date": "2026-07-01", "rule_set": "",
            "facts": {"grade": "general", "bases": {"total_investment": "100000000"}}}
    data = _post(client, "/api/penalty/compute", body).json()
    assert data["item_code"] == "CODE-1095-1" and data["amount"] == "600000"
    assert data["applied_law"] == "《中华人民共和国生态环境法典》"
    assert data["applied_article"] == "第一千零九十五条"
    assert (data["statutory_min"], data["statutory_max"]) == ("200000", "1000000")
    assert data["decision_date"] == "2026-12-01"  # today by default
    t = data["transition"]
    assert t["compared"] and t["applied"] == "decision" and t["verdict"] == "lighter"
    assert t["act"]["item_code"] == "EIA-31-1" and t["act"]["amount"] == "3000000"
    assert data["steps"][0]["rule"] == "违法行为发生时的规定" and data["unverified"]
    assert not DecidedPenalty.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"act_date": "2027-01-01"}, "act_date", "不能晚于今天"),
        ({"act_date": "1989-01-01"}, "act_date", "1990"),
        ({"act_end_date": "2026-06-30"}, "act_end_date", "不能早于违法行为发生日期"),
        ({"decision_date": "2026-06-30"}, "decision_date", "不能早于"),
        ({"act_date": "2026-13-01"}, "act_date", "日期格式应为 YYYY-MM-DD"),
        ({"act_date": None}, "act_date", "日期格式"),
        ({"item_code": "AIR-999-9"}, "item_code", "都不存在"),
        ({"on": "2026-07-01"}, "on", "不允许的字段"),
    ],
)
def test_bad_dates_are_422_with_the_field(officer, client, change, field, words) -> None:
    body = {"item_code": "AIR-99-2", "act_date": "2026-07-01", "rule_set": "", "facts": {"grade": "general"}}
    body.update(change)
    response = _post(client, "/api/penalty/compute", body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert any(words in m for m in errors[field]), errors


def test_daily_penalty_api(officer, client) -> None:
    body = {"original_fine": "200000", "cycles": [
        {"order_served": "2026-09-01", "rechecked": "2026-09-11"},
        {"order_served": "2026-09-11", "rechecked": "2026-09-21"}]}
    data = _post(client, "/api/penalty/daily", body).json()
    assert data["days"] == 20 and data["amount"] == "4000000" and data["amount_words"] == "人民币肆佰万元整"
    bad = _post(client, "/api/penalty/daily", {**body, "original_fine": "1e30"})
    assert bad.status_code == 422 and "original_fine" in bad.json()["errors"]
    bad = _post(client, "/api/penalty/daily", {**body, "cycles": [{"order_served": "2026-09-11",
                                                                  "rechecked": "2026-09-01"}]})
    assert bad.status_code == 422 and "cycles[0].rechecked" in bad.json()["errors"]


def test_late_fee_api(officer, client) -> None:
    data = _post(client, "/api/penalty/late-fee",
                 {"fine": "100000", "due_date": "2026-10-01", "paid_date": "2026-11-10"}).json()
    assert data["amount"] == "100000" and data["capped"] and data["cap_day"] == 34
    unpaid = _post(client, "/api/penalty/late-fee", {"fine": "100000", "due_date": "2026-11-21"}).json()
    assert unpaid["days"] == 10 and unpaid["amount"] == "30000"
    bad = _post(client, "/api/penalty/late-fee", {"fine": "100000", "due_date": "2026-11-21",
                                                  "paid_date": "2027-01-01"})
    assert bad.status_code == 422 and "paid_date" in bad.json()["errors"]


def test_outsiders_cannot_compute(world, client) -> None:
    client.force_login(world.user("county_a", "sysadmin"))
    body = {"item_code": "AIR-99-2", "act_date": "2026-07-01"}
    assert _post(client, "/api/penalty/compute", body).status_code == 403
    assert _post(client, "/api/penalty/late-fee", {"fine": "1", "due_date": "2026-11-21"}).status_code == 403
