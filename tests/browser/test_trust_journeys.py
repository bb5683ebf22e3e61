"""Issue 10 in headless Chromium: /api/docs renders for a signed-in user with every request served by
the platform itself (no CDN, no outside favicon), and asks anonymous visitors to log in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_with_no_request_leaving_the_machine(
    committed_world: Any, login: Any, live_server: Any
) -> None:
    page = login(committed_world.user("county_a", "officer"))
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)  # the operations were drawn
    assert page.locator(".swagger-ui .opblock").count() >= 3
    assert set(hosts) == {urlsplit(live_server.url).netloc}, hosts


def test_api_docs_ask_anonymous_visitors_to_log_in(
    transactional_db: Any, live_server: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/api/docs")
    assert "/accounts/login/" in page.url
