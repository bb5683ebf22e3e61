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


def test_sections_link_only_to_routes_that_exist_else_say_so(world: Any) -> None:
    from django.urls import Resolver404, resolve

    from ecoenforce.portal.sections import SECTIONS, Section

    html = Client().get("/public/").content.decode()
    for section in SECTIONS:
        if section.url is None:
            assert f">{section.title}</h3>" in html.replace('<h3 class="h6">', ">")
        else:
            resolve(section.url)
            assert f'href="{section.url}"' in html
    assert Section("事后公开", "行政处罚决定", "", "/public/no-such-section/").url is None
    assert "暂无公开内容" in html  # at least one section has nothing published in this deployment
    try:
        resolve("/public/inspections/")
    except Resolver404:
        assert 'href="/public/inspections/"' not in html


def test_officers_on_duty_with_their_certificate_numbers(world: Any) -> None:
    html = Client().get("/public/units/").content.decode()
    assert "ZF-county_a_officer" in html and "固安县生态环境综合执法大队" in html
    search = Client().get("/public/search/?q=ZF-county_b").content.decode()
    assert "county_b_officer" in search


def test_the_guide_quotes_the_code_and_the_deadlines_with_their_source(world: Any) -> None:
    html = Client().get("/public/guide/").content.decode()
    assert "接受举报的机关应当及时处理并对举报人的相关信息予以保密" in html  # art 146
    assert "第一千二百三十八条" in html and "信访工作条例 第三十四条" in html
