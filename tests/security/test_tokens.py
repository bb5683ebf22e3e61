"""Bearer tokens: writes work over real HTTP (no CSRF for token auth), tokens expire, die with
deactivation and with any administrator role, and never revive."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.entities.models import Entity
from ecoenforce.org import services
from ecoenforce.org.models import ApiToken
from tests.entities.conftest import entity_fields


def call(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """A real HTTP request, as a machine client sends it: no cookie, no CSRF token."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_a_token_client_creates_an_entity_and_computes_a_penalty_over_http(live_server, committed_world):
    officer = committed_world.user("county_a", "officer")
    _, raw = ApiToken.issue(user=officer, name="接口测试")
    status, body = call(f"{live_server.url}/api/entities/", raw, entity_fields(71, "131022100"))
    assert status == 201, body
    assert Entity.objects.filter(pk=body["id"], name=entity_fields(71)["name"]).exists()
    payload = {
        "item_code": "AIR-99-2",
        "rule_set": "GD-2022",
        "on": "2026-06-01",
        "facts": {
            "levels": {
                "exceed_count": "one",
                "pollutant": "vocs",
                "area": "general",
                "period": "ordinary",
                "exceed_degree": "d1",
                "repeat": "once",
            }
        },
    }
    status, body = call(f"{live_server.url}/api/penalty/compute", raw, payload)
    assert status == 200, body
    assert body["amount"] == "150000"
    status, body = call(f"{live_server.url}/api/entities/", "ee_not-a-token", entity_fields(72, "131022100"))
    assert status == 401 and "令牌" in body["detail"]


def test_a_session_post_without_csrf_is_still_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("county_a", "officer"))
    response = client.post("/api/entities/", json.dumps(entity_fields(73)), content_type="application/json")
    assert response.status_code == 403


def _works(raw: str) -> bool:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/entities/").status_code == 200


def test_tokens_expire(world, settings):
    settings.API_TOKEN_DAYS = 30
    token, raw = ApiToken.issue(user=world.user("county_a", "officer"), name="t")
    assert _works(raw)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert not _works(raw)


def test_tokens_die_with_deactivation_and_do_not_revive(world):
    officer, admin = world.user("county_a", "officer"), world.user("city", "sysadmin")
    _, raw = ApiToken.issue(user=officer, name="t")
    services.user_set_active(by=admin, user=officer, active=False)
    assert not _works(raw)
    services.user_set_active(by=admin, user=officer, active=True)
    assert not _works(raw)
    assert ApiToken.objects.get(user=officer).revoked


def test_tokens_die_with_any_administrator_role(world):
    officer = world.user("county_a", "officer")
    _, raw = ApiToken.issue(user=officer, name="t")
    assert _works(raw)
    # Even without the service (a grant written some other way), an administrator's token is refused.
    from ecoenforce.org.models import RoleGrant

    RoleGrant.objects.create(user=officer, role="auditadmin")
    officer.forget_roles()
    assert not _works(raw)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditadmin"])
def test_granting_an_admin_role_revokes_the_tokens(world, role):
    user = world.user("county_a", "supervisor")
    token, _ = ApiToken.issue(user=user, name="t")
    for grant in user.role_grants.all():
        grant.delete()
    user.forget_roles()
    services.role_grant(by=world.user("city", "secadmin"), user=user, role=role)
    token.refresh_from_db()
    assert token.revoked
