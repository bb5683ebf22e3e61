"""/api/entities: scoping and validation as the pages, token auth, 401/403/404/422 (never 500)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.entities.models import Entity
from ecoenforce.org.models import ApiToken
from ecoenforce.org.roles import ADMIN_ROLES, Role
from tests.entities.conftest import entity_fields

URL = "/api/entities/"
EDITORS = {"officer", "team_leader", "bureau_head"}
READERS = EDITORS | {"legal_reviewer", "complaint_handler", "supervisor"}


def token_client(user: Any) -> Client:
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("role", sorted(Role.values))
def test_api_matrix(world: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    client = token_client(world.user("county_a", role))
    listing = client.get(URL)
    own = client.get(f"{URL}{entity_a.pk}")
    other = client.get(f"{URL}{entity_b.pk}")
    create_own = post(client, entity_fields(1, "131022100"))
    create_other = post(client, entity_fields(2, "131023100"))
    create_tampered = post(client, entity_fields(3, "131023", owner_unit=world.units["county_b"].pk))
    if role in ADMIN_ROLES:  # an administrator's token is dead (no second factor): 401 for everything
        responses = (listing, own, other, create_own, create_other, create_tampered)
        assert {r.status_code for r in responses} == {401}
        assert Entity.objects.count() == 2
        return
    if role in READERS:
        assert listing.status_code == 200
        assert [i["name"] for i in listing.json()["items"]] == [entity_a.name]
        assert own.status_code == 200 and own.json()["uscc"] == entity_a.uscc
        assert other.status_code == 404
        assert other.json()["detail"] == "未找到，或不在您的辖区内"
    else:
        assert listing.status_code == own.status_code == other.status_code == 403
    assert create_own.status_code == (201 if role in EDITORS else 403)
    assert create_other.status_code == create_tampered.status_code == 403
    assert "辖区" in create_other.json()["detail"] or "角色" in create_other.json()["detail"]
    assert Entity.objects.count() == 2 + (1 if role in EDITORS else 0)
    assert AuditEvent.objects.filter(action="entity.create", outcome=Outcome.REFUSED).exists()


def test_anonymous_gets_401(entity_a: Any) -> None:
    client = Client()
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}{entity_a.pk}").status_code == 401
    assert post(client, entity_fields(1)).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer ee_wrong").get(URL).status_code == 401


def test_revoked_token_refused(world: Any) -> None:
    token, raw = ApiToken.issue(user=world.user("county_a", "officer"), name="t")
    token.revoked = True
    token.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(URL).status_code == 401


def test_session_auth_works_for_reads(world: Any, client_for: Any, entity_a: Any) -> None:
    response = client_for("county_a", "supervisor").get(URL)
    assert response.status_code == 200 and response.json()["count"] == 1


def test_create_returns_detail_and_records(world: Any) -> None:
    officer = world.user("county_a", "officer")
    response = post(
        token_client(officer),
        entity_fields(1, "131022100", latitude="39.43", longitude="116.30", supervision_class="key"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_unit"]["name"] == "固安镇"
    assert body["division_name"] == "河北省廊坊市固安县固安镇"
    assert body["supervision_class_display"] == "重点排污单位"
    assert body["permits"] == [] and body["outlets"] == []
    event = AuditEvent.objects.get(action="entity.create", outcome=Outcome.OK)
    assert event.actor_id == officer.pk


def test_detail_lists_children(world: Any, entity_a: Any) -> None:
    from datetime import date

    from ecoenforce.entities.services import monitoring_point_add, outlet_add, permit_add

    by = world.user("county_a", "officer")
    permit = permit_add(
        by=by,
        entity=entity_a,
        number="P-1",
        management_class="simplified",
        valid_from=date(2025, 1, 1),
        valid_to=date(2029, 12, 31),
    )
    outlet = outlet_add(by=by, entity=entity_a, code="DA001", kind="air", permit=permit)
    monitoring_point_add(by=by, outlet=outlet, mn="MN123", password="Zx9876")
    body = token_client(by).get(f"{URL}{entity_a.pk}").json()
    assert body["permits"][0]["management_class_display"] == "简化管理"
    assert body["outlets"][0]["monitoring_points"] == [{"mn": "MN123", "active": True}]
    assert "Zx9876" not in json.dumps(body)


@pytest.mark.parametrize(
    "over,field",
    [
        ({"uscc": "91131000000000001X"}, "uscc"),
        ({"division_code": "131099"}, "division_code"),
        ({"industry_code": "C4411"}, "industry_code"),
        ({"latitude": "80"}, "latitude"),
    ],
)
def test_create_validation_422_chinese(world: Any, over: dict[str, Any], field: str) -> None:
    response = post(token_client(world.user("county_a", "officer")), entity_fields(1, "131022", **over))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "数据校验未通过"
    assert field in body["errors"]
    assert not Entity.objects.exists()


def test_duplicate_422(world: Any, entity_a: Any) -> None:
    response = post(token_client(world.user("county_a", "officer")), entity_fields(1, uscc=entity_a.uscc))
    assert response.status_code == 422
    assert response.json()["errors"]["uscc"] == ["统一社会信用代码已存在（监管对象重复）"]


@pytest.mark.parametrize(
    "over",
    [
        {"name": "含\x00空字符"},
        {"address": "\x00"},
        {"legal_representative": "长" * 51},
        {"name": "长" * 201},
        {"uscc": "9" * 19},
        {"division_code": "1" * 13},
        {"industry_code": "C26111"},
        {"uscc": "91131000\x00000001X"},
        {"owner_unit": 2**63},
        {"latitude": "1e400"},
        {"supervision_class": "vip"},
    ],
)
def test_nul_and_overlong_strings_are_422(world: Any, over: dict[str, Any]) -> None:
    response = post(token_client(world.user("county_a", "officer")), entity_fields(1, **over))
    assert response.status_code == 422, response.content
    assert not Entity.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\x00"},
        {"q": "长" * 101},
        {"industry": "C\x00"},
        {"page": 0},
        {"page_size": 1000},
        {"unit": 2**63},
        {"supervision_class": "x"},
    ],
)
def test_list_bad_params_422(world: Any, params: dict[str, Any]) -> None:
    assert token_client(world.user("city", "officer")).get(URL, params).status_code == 422


def test_list_filters_and_pagination(world: Any, make_entity: Any) -> None:
    for i in range(5):
        make_entity("county_a", name=f"纸业{i}", supervision_class="key" if i < 2 else "general")
    make_entity("county_b", name="水泥厂")
    client = token_client(world.user("city", "team_leader"))
    body = client.get(URL, {"page_size": 2, "page": 2, "q": "纸业"}).json()
    assert (
        body["count"] == 5
        and body["num_pages"] == 3
        and [i["name"] for i in body["items"]] == ["纸业2", "纸业3"]
    )
    assert client.get(URL, {"supervision_class": "key"}).json()["count"] == 2
    assert client.get(URL, {"unit": world.units["county_b"].pk}).json()["count"] == 1
    assert client.get(f"{URL}999999").status_code == 404


def test_openapi_schema_published(world: Any, client_for: Any) -> None:
    assert Client().get("/api/openapi.json").status_code in (302, 401, 403)  # the schema needs a login
    schema = client_for("county_a", "officer").get("/api/openapi.json").json()
    assert "/api/entities/" in schema["paths"]
    props = schema["components"]["schemas"]["EntityIn"]["properties"]
    assert props["name"]["maxLength"] == 200 and props["name"]["pattern"] == "^[^\\x00]*$"
