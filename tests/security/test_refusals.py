"""Refusals in the audit trail: anonymous CSRF-less POSTs carry the peer, are never "system" and
are aggregated; out-of-jurisdiction 404s are recorded; a server error shows a Chinese page."""

from __future__ import annotations

import json

from django.test import Client, override_settings

from ecoenforce.audit.models import AuditEvent, Outcome
from tests.entities.conftest import entity_fields


def test_an_anonymous_csrf_less_post_is_recorded_with_the_peer_and_aggregated(db):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")
    for _ in range(25):
        response = client.post("/public/")
        assert response.status_code == 403
    events = list(AuditEvent.objects.filter(outcome=Outcome.REFUSED).order_by("seq"))
    assert len(events) == 1  # the first; the next ones only counted (an aggregate at the 100th)
    assert {e.actor_name for e in events} == {"anonymous"}
    assert {e.ip for e in events} == {"203.0.113.7"}
    assert events[0].action == "http.csrf_failed" and "[/public/]" in events[0].reason
    for _ in range(75):
        client.post("/public/")
    aggregate = AuditEvent.objects.filter(outcome=Outcome.REFUSED).latest("seq")
    assert "已被拒绝 100 次" in aggregate.reason and aggregate.actor_name == "anonymous"
    assert not AuditEvent.objects.filter(actor_name="system", outcome=Outcome.REFUSED).exists()
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.9")
    other.post("/public/")
    assert AuditEvent.objects.filter(ip="198.51.100.9", actor_name="anonymous").count() == 1


def test_the_csrf_page_is_chinese(db):
    response = Client(enforce_csrf_checks=True).post("/public/")
    page = response.content.decode()
    assert response.status_code == 403 and "请" in page


def test_an_out_of_jurisdiction_404_is_recorded(world, make_entity):
    other = make_entity("county_b")
    officer = world.user("county_a", "officer")
    client = Client()
    client.force_login(officer)
    assert client.get(f"/entities/{other.pk}/").status_code == 404
    page_event = AuditEvent.objects.filter(action="http.not_found").latest("seq")
    assert page_event.actor_id == officer.pk and page_event.outcome == Outcome.REFUSED
    assert f"/entities/{other.pk}/" in page_event.reason
    assert client.get(f"/api/entities/{other.pk}").status_code == 404
    assert AuditEvent.objects.filter(action="http.not_found", actor_id=officer.pk).count() == 2
    assert client.post(
        "/api/entities/", json.dumps(entity_fields(5, "131023100")), content_type="application/json"
    ).status_code in (403, 404)


@override_settings(ROOT_URLCONF="tests.security.urls_boom", DEBUG=False)
def test_a_server_error_shows_a_chinese_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page and "Server Error" not in page and "Traceback" not in page


def test_api_docs_are_local_and_for_signed_in_users(world):
    assert Client().get("/api/docs").status_code == 302
    client = Client()
    client.force_login(world.user("county_a", "officer"))
    page = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr" not in page and "django-ninja.dev" not in page and "/static/ninja/" in page


PRODUCTION = {  # docs/operations.md "Deploying on one server"
    "SECRET_KEY": "x" * 60 + "production-key-0123456789",
    "ALLOWED_HOSTS": "zf.example.gov.cn",
    "SECURE_COOKIES": "true",
    "BEHIND_PROXY": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in PRODUCTION:
        assert name in doc, name
    env = {**os.environ, **PRODUCTION, "ECOENFORCE_VAR_DIR": str(tmp_path), "DEBUG": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by tests/conftest.py for the browser tests only
    done = subprocess.run(
        [sys.executable, str(root / "manage.py"), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "no issues" in done.stdout, done.stdout + done.stderr
