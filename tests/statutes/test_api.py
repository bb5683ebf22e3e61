"""The statute API: one article at a date, search, and its refusals."""

from __future__ import annotations

from typing import Any

from django.test import Client


def _client(world: Any, role: str = "officer") -> Client:
    client = Client()
    client.force_login(world.user("county_a", role))
    return client


def test_an_article_with_its_paragraphs_and_items(world: Any, library: Any) -> None:
    body = _client(world).get("/api/statutes/laws/CODE/articles/1237").json()
    assert (body["law"], body["heading"], body["in_force_from"]) == (
        "中华人民共和国生态环境法典", "第一千二百三十七条", "2026-08-15"
    )
    assert body["paragraphs"][0]["items"][0] == "（一）未及时通报或者报告；"
    assert body["paragraphs"][1]["text"].startswith("有前款第一项情形的，处五万元以上五十万元以下的罚款")


def test_a_repealed_law_answers_only_for_dates_it_was_in_force(world: Any, library: Any) -> None:
    client = _client(world)
    old = client.get("/api/statutes/laws/AIR/articles/99", {"on": "2026-08-14"})
    assert old.status_code == 200 and old.json()["repealed_since"] == "2026-08-15"
    assert client.get("/api/statutes/laws/AIR/articles/99", {"on": "2026-08-15"}).status_code == 404
    assert client.get("/api/statutes/laws/CODE/articles/1243").status_code == 404
    assert client.get("/api/statutes/laws/NOPE/articles/1").status_code == 404


def test_search_and_its_refusals(world: Any, library: Any) -> None:
    client = _client(world)
    body = client.get("/api/statutes/search", {"q": "按日连续处罚 组织复查", "law": "CODE"}).json()
    assert [(h["law_code"], h["number"]) for h in body["hits"]] == [("CODE", 1060)]
    assert client.get("/api/statutes/search", {"q": "长" * 101}).status_code == 422
    assert client.get("/api/statutes/search", {"q": "a\x00b"}).status_code == 422
    assert client.get("/api/statutes/search", {"q": "排污", "law": "air"}).status_code == 422
    assert Client().get("/api/statutes/search", {"q": "排污"}).status_code == 401


def test_administrators_have_no_business_api(world: Any, library: Any) -> None:
    client = Client()
    client.force_login(world.user("city", "auditadmin"))
    assert client.get("/api/statutes/laws/CODE/articles/1").status_code == 403
