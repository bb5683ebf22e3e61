"""The API's schema errors reach users in Chinese, with the field named, and change nothing."""

from django.test import Client

from ecoenforce.entities.models import Entity


def test_missing_and_malformed_fields_give_chinese_422(world):
    client = Client()
    client.force_login(world.user("county_a", "officer"))
    before = Entity.objects.count()
    response = client.post("/api/entities/", data={"name": "x" * 500}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "数据校验未通过"
    messages = [m for field_messages in body["errors"].values() for m in field_messages]
    assert "必填" in messages
    assert any(m.startswith("长度不能超过") for m in messages)
    assert Entity.objects.count() == before


def test_body_that_is_not_json_gives_chinese_400(world):
    client = Client()
    client.force_login(world.user("county_a", "officer"))
    response = client.post("/api/entities/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体无法解析，应为有效的 JSON"


def test_no_credentials_give_chinese_401(db):
    response = Client().get("/api/entities/")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录，或接口令牌无效"
