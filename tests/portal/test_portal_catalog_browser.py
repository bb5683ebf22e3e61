"""Browser journey (headless Chromium): the public catalog page loads without login, search works (htmx)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.catalog.test_catalog_support import ITEMS, write_catalog
from tests.factories import make_world

from ecoenforce.catalog import services

pytestmark = [pytest.mark.browser]


def test_public_catalog_loads_without_login(transactional_db, live_server, page, tmp_path):
    world = make_world()
    services.catalog_load_starter(unit=world.units["city"], path=write_catalog(tmp_path / "s.yaml"))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    failed: list[str] = []
    page.on(
        "response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )

    page.goto(f"{live_server.url}/public/catalog/")
    page.get_by_role("link", name=world.units["county_a"].name).click()
    page.wait_for_url(re.compile(r"/public/catalog/\d+/$"))
    assert page.locator("h1").inner_text() == f"{world.units['county_a'].name}执法事项清单"
    assert page.get_by_text(ITEMS[0]["name"]).is_visible()

    page.get_by_label("搜索").fill("总投资")
    expect(page.locator("#results")).not_to_contain_text("AIR-99-2")  # htmx swapped the results
    expect(page.locator("#results")).to_contain_text("EIA-31-1")

    page.locator("#results").get_by_role("link", name=ITEMS[1]["name"]).click()
    assert "处建设项目总投资额百分之一以上百分之五以下的罚款" in page.locator("#sanction-words").inner_text()
    assert failed == []
    assert [e for e in errors if "Failed to load resource" not in e] == []
