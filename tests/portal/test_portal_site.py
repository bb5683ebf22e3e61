"""The portal as one site: sections by stage that promise only what exists, officers with their
certificate numbers, the guide quoting the law, search, and no internal markers anywhere."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

PAGES = (
    "/public/",
    "/public/units/",
    "/public/guide/",
    "/public/stats/",
    "/public/search/?q=固安",
    "/public/complaints/",
    "/public/complaints/track/",
    "/public/enterprise/apply/",
)
INTERNAL = re.compile(r"(\.py\b|src/|ecoenforce\.|TODO|FIXME|settings\.|Traceback|/work/)")


def test_every_portal_page_opens_without_login_and_shows_nothing_internal(world: Any) -> None:
    client = Client()
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'href="#main"' in html and "<main" in html and 'id="contrast-toggle"' in html, url
        visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.S)
        assert not INTERNAL.search(visible), (url, INTERNAL.search(visible))


def test_sections_of_apps_not_installed_say_so_instead_of_linking(world: Any) -> None:
    html = Client().get("/public/").content.decode()
    assert "双随机抽查计划与结果" in html and 'href="/public/draws/"' not in html
    assert "暂无公开内容" in html
    assert 'href="/public/complaints/"' in html and 'href="/public/units/"' in html


def test_officers_on_duty_with_their_certificate_numbers(world: Any) -> None:
    html = Client().get("/public/units/").content.decode()
    assert "ZF-county_a_officer" in html and "固安县生态环境综合执法大队" in html
    search = Client().get("/public/search/?q=ZF-county_b").content.decode()
    assert "county_b_officer" in search


def test_the_guide_quotes_the_code_and_the_deadlines_with_their_source(world: Any) -> None:
    html = Client().get("/public/guide/").content.decode()
    assert "接受举报的机关应当及时处理并对举报人的相关信息予以保密" in html  # art 146
    assert "第一千二百三十八条" in html and "信访工作条例 第三十四条" in html
