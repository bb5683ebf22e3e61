"""Browser journeys: a committed world, real Chromium, logging in through the login form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def login(live_server: Any, page: Any) -> Callable[[Any], Any]:
    """login(user) → the page, signed in through the real login form."""

    def do(user: Any) -> Any:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do
