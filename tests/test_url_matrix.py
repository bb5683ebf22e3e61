"""Every page and endpoint, as an attacker would walk them: each URL of the project without
parameters, fetched anonymously and as every role. Nothing outside the public set opens without
login; nothing answers 500; the administrator roles never reach business pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ecoenforce.org.roles import Role

PUBLIC_PREFIXES = ("/public/", "/accounts/login/", "/api/openapi.json", "/api/docs")
# Pages that only make sense inside a flow (each is tested in its app): skipped from the walk.
SKIP = ("/accounts/logout/",)
BUSINESS_PREFIXES = ("/entities/", "/catalog/")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern) and "<" not in route and "(?P" not in route:
            yield "/" + (prefix + route).lstrip("^").rstrip("$").replace("\\", "")


def _urls() -> list[str]:
    urls = sorted({u for u in _walk(get_resolver().url_patterns) if not u.startswith(SKIP)})
    assert len(urls) > 20, urls
    return urls


def test_nothing_but_the_public_set_opens_without_login(db: Any) -> None:
    client = Client()
    for url in _urls():
        response = client.get(url)
        if url.startswith(PUBLIC_PREFIXES):
            assert response.status_code in (200, 302), url
            continue
        if url == "/api/":
            assert response.status_code == 404  # the API has no index page; its schema is public
        elif url.startswith("/api/"):
            assert response.status_code in (401, 405), (url, response.status_code)
        else:
            assert response.status_code in (302, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), (url, response["Location"])


@pytest.mark.parametrize("role", Role.values)
def test_every_role_gets_an_answer_never_a_server_error(world: Any, role: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.user("county_a", role))
    for url in _urls():
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 403, 404, 405, 422), (url, role, response.status_code)
        if role in {"sysadmin", "secadmin", "auditadmin"} and url.startswith(BUSINESS_PREFIXES):
            assert response.status_code in (302, 403, 404, 405), (url, role, response.status_code)
