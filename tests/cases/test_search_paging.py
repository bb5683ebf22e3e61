"""SearchPaginator (one pass over a search's matches) shows exactly the pages of the plain query:
same count, same "more than the cap", same rows in the same order on every page, on SQLite and
PostgreSQL — with ties in created_at, matches in other counties, caps below and above the number of
matches, orphans, and page numbers out of range."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.cases import paging, search, selectors
from ecoenforce.cases.models import Case
from tests.cases.driver import Driver

pytestmark = pytest.mark.django_db

TEXTS = [
    "雨水排口超标排放化学需氧量",
    "雨水排口未设置标志",
    "夜间施工噪声扰民",
    "危险废物贮存不规范",
    "挥发性有机物无组织排放",
]
QUERIES = ["雨水排口", "超标 雨水排口", "排放", "噪声", "未批先建", "廊坊"]


def _clone(template: Case, n: int, rng: random.Random, start_seq: int) -> None:
    """`n` copies of `template` (same unit, entity) with varied search texts and created_at values,
    many of them equal (the list breaks those ties by id)."""
    base = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    rows = []
    for i in range(n):
        row = Case.objects.get(pk=template.pk)
        row.pk = row.lead_id = None
        row.seq = start_seq + i
        row.number = f"{template.number}-{i}"
        text = rng.choice(TEXTS)
        row.title = text
        row.search_text = search.tokens(f"{row.number} {text}")
        row.created_at = base + dt.timedelta(hours=rng.randrange(6))  # six distinct instants
        rows.append(row)
    Case.objects.bulk_create(rows)


@pytest.fixture
def many(world, drive):
    rng = random.Random(20261201)
    other = Driver(world, "county_b")
    a = drive.open(title="雨水排口超标排放化学需氧量")
    b = other.open(title="雨水排口超标排放化学需氧量")
    _clone(a, 70, rng, 5000)
    _clone(b, 40, rng, 5000)
    return drive


def _reference(qs, per_page, orphans, cap, number):
    """What the plain CappedPaginator shows: (count, capped, page number, ids)."""
    pager = paging.CappedPaginator(qs, per_page, orphans=orphans)
    pager.cap = cap
    page = pager.get_page(number)
    return pager.count, pager.capped, page.number, [c.pk for c in page]


def test_search_pages_are_those_of_the_plain_query(world, many, monkeypatch):
    users = [many.officer, world.user("city", "supervisor")]
    checked_capped = checked_whole = 0
    for user in users:
        for q in QUERIES:
            qs = selectors.filter_cases(selectors.cases_for(user), q=q, user=user)
            matches = list(qs.values_list("pk", flat=True))
            for cap in (3, 10, len(matches), len(matches) + 1, 10_000):
                for per_page, orphans in ((1, 0), (4, 0), (7, 2), (25, 0)):
                    monkeypatch.setattr(paging.CappedPaginator, "cap", cap)
                    pages = -(-min(len(matches), cap) // per_page) or 1
                    for number in [*range(1, pages + 2), "0", "x", None, str(pages * 9)]:
                        pager = paging.SearchPaginator(qs, per_page, orphans=orphans)
                        page = pager.get_page(number)
                        got = (pager.count, pager.capped, page.number, [c.pk for c in page])
                        want = _reference(qs, per_page, orphans, cap, number)
                        assert got == want, (user.username, q, cap, per_page, orphans, number)
                        assert pager._samples, "the one-pass path was not taken"
                        if pager.capped:
                            checked_capped += 1
                        else:
                            checked_whole += 1
                        assert all(c.unit is not None and c.entity is not None for c in page)
    assert checked_capped > 100 and checked_whole > 100  # both branches were exercised


def test_search_pages_on_the_list_page_with_a_cap(many, monkeypatch):
    """Through the view: a search capped at 5 with 2 rows a page shows the 5 newest matches, newest
    first, and says there are more."""
    client = Client()
    client.force_login(many.officer)
    qs = selectors.filter_cases(selectors.cases_for(many.officer), q="雨水排口", user=many.officer)
    newest = list(qs.values_list("pk", flat=True)[:5])
    monkeypatch.setattr(paging.CappedPaginator, "cap", 5)
    monkeypatch.setattr("ecoenforce.cases.views.PAGE_SIZE", 2)
    for number in (1, 2, 3):
        page = client.get("/cases/list/", {"q": "雨水排口", "page": number}).content.decode()
        assert "符合条件的案件超过 5 件，仅列出最新的 5 件" in page
        want = newest[(number - 1) * 2 : number * 2]
        at = [page.find(f'href="/cases/{pk}/"') for pk in want]
        assert all(i >= 0 for i in at) and at == sorted(at), (number, want)
        assert not any(f'href="/cases/{pk}/"' in page for pk in newest if pk not in want)


def test_another_order_takes_the_plain_path(many):
    qs = selectors.filter_cases(selectors.cases_for(many.officer), q="雨水排口", user=many.officer)
    by_number = qs.order_by("number")
    pager = paging.SearchPaginator(by_number, 4)
    assert [c.pk for c in pager.get_page(2)] == list(by_number.values_list("pk", flat=True)[4:8])
    assert not pager._samples
