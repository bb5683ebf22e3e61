"""A crawl of the public portal with the real catalogs and statute library loaded: every page reachable from
/public/ opens without login and shows none of the drafting marks a developer leaves in data (issue: nothing
internal in front of users)."""

from __future__ import annotations

import re
from collections import deque
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from ecoenforce.catalog import services

pytestmark = pytest.mark.django_db

# What must never reach a public page: confidence tags, drafting notes, file paths, class names, setting keys.
MARKS = re.compile(
    r"\[T\]|\[S\]|UNCONFIRMED|\.yaml|\.md\b|ecoenforce\.|二手来源|法典对应条款未核|LawRefBook|回忆为|"
    r"deadline\.\w+|threshold\.\w+|Traceback"
)
HREF = re.compile(r'href="(/public/[^"#]*)"')
LIMIT = 160


def _visible(html: str) -> str:
    return re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", html, flags=re.S)


def test_no_public_page_shows_drafting_marks(world: Any) -> None:
    call_command("statutes_load", verbosity=0)
    services.catalog_load_starter(unit=world.units["city"], effective_from=date(2026, 1, 1))
    call_command("catalog_load_code", unit=world.units["city"].pk)
    client = Client()
    seen: set[str] = set()
    queue = deque(["/public/"])
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found = MARKS.search(_visible(html))
        assert found is None, (url, found and found.group(0))
        queue.extend(u.replace("&amp;", "&") for u in HREF.findall(html) if u not in seen)
    assert len(seen) > 40  # the crawl reached the catalogs and the laws, not only the home page
