"""Browser journey: a member of the public finds an article of the 生态环境法典 by a Chinese phrase on a
phone-sized screen, lands on its anchor, and sees that a repealed law says by what and since when."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def committed_library(transactional_db: Any) -> Any:
    from ecoenforce.statutes.services import statutes_load
    from tests.statutes.conftest import records

    return statutes_load(records=list(records()))


def test_public_finds_an_article_and_sees_a_repeal(
    committed_library: Any, live_server: Any, page: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/laws/")
    assert page.get_by_role("heading", name="法规库").is_visible()
    page.fill("input[name=q]", "按日连续处罚 组织复查")
    page.get_by_role("button", name="检索").click()
    page.wait_for_load_state("networkidle")
    assert "<mark>" in page.inner_html("#hits")
    page.get_by_role("link", name="《中华人民共和国生态环境法典》第一千零六十条").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("#a1060")
    article = page.locator("#a1060")
    assert article.is_visible() and "按照原罚款数额按日连续处罚" in article.inner_text()
    page.goto(f"{live_server.url}/public/laws/AIR/")
    banner = page.get_by_test_id("repealed-banner")
    assert "第一千二百四十二条废止，自2026年8月15日起不再施行" in banner.inner_text()
    banner.get_by_role("link", name="《中华人民共和国生态环境法典》").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/public/laws/CODE/?a=1242#a1242") and page.locator("#a1242").is_visible()
