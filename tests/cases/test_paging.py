"""The shortcuts that keep the to-do list and the case list fast at a million cases give the same
answer as the plain queries: the to-do's window over the soonest open clocks, the list's capped count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ecoenforce.cases import paging, selectors
from ecoenforce.cases.models import Deadline
from tests.cases.driver import Driver

pytestmark = pytest.mark.django_db


def _mine(user):
    return (
        selectors.cases_for(user)
        .filter(officers__officer=user)
        .exclude(state__in=selectors.DONE_STATES)
    )


def test_todo_window_finds_the_same_clocks_as_the_full_query(world, drive, monkeypatch):
    other = Driver(world, "county_b")
    mine = [drive.open() for _ in range(3)]
    theirs = [other.open() for _ in range(3)]
    # Interleave the due dates: theirs fall due first, so a window sees them before mine.
    day = dt.date(2027, 1, 1)
    for i, case in enumerate([*theirs, *mine]):
        Deadline.objects.filter(case=case, done_on__isnull=True).update(due_on=day + dt.timedelta(days=i))
    everything = list(
        Deadline.objects.filter(case__in=_mine(drive.officer).values("pk"), done_on__isnull=True).order_by(
            "due_on", "id"
        )
    )
    assert everything and all(d.case_id in {c.pk for c in mine} for d in everything)
    total_open = Deadline.objects.filter(done_on__isnull=True).count()
    for window in (1, 2, 3, len(everything), total_open, total_open + 5):
        monkeypatch.setattr(selectors, "OPEN_CLOCKS_WINDOW", window)
        for limit in (1, 2, len(everything)):
            got = selectors._open_clocks(_mine(drive.officer), limit)
            want = everything[:limit]
            assert [d.due_on for d in got] == [d.due_on for d in want], (window, limit)
            assert {d.case_id for d in got} <= {c.pk for c in mine}


def test_case_list_counts_up_to_the_cap_and_says_so(drive, monkeypatch):
    cases = [drive.open() for _ in range(3)]
    client = Client()
    client.force_login(drive.officer)
    page = client.get("/cases/list/").content.decode()
    assert "仅列出最新的" not in page and all(c.title in page for c in cases)
    monkeypatch.setattr(paging.CappedPaginator, "cap", 2)
    monkeypatch.setattr("ecoenforce.cases.views.PAGE_SIZE", 1)
    first = client.get("/cases/list/").content.decode()
    assert "符合条件的案件超过 2 件，仅列出最新的 2 件" in first
    assert "第 1 / 2 页" in first
    second = client.get("/cases/list/", {"page": "2"}).content.decode()
    # The newest first, as without the cap: page 2 holds the second newest case.
    newest = sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True)
    assert f"/cases/{newest[1].pk}/" in second and f"/cases/{newest[0].pk}/" not in second


def test_pages_fetched_by_ids_show_the_rows_of_the_plain_slice(world, drive):
    """CappedPaginator reads a page's ids first, then the rows: same rows, same order, on every page,
    with or without a search (and with the overdue filter's DISTINCT, which takes the plain path)."""
    other = Driver(world, "county_b")
    for i in range(5):
        drive.open(title=f"雨水排口超标排放案{i}")
        other.open(title=f"雨水排口超标排放案乙{i}")
    drive.open(title="夜间施工噪声扰民案")
    city = world.user("city", "supervisor")
    for user, filters in (
        (drive.officer, {}),
        (drive.officer, {"q": "雨水排口"}),
        (city, {"q": "雨水排口"}),
        (city, {"overdue": True}),
    ):
        qs = selectors.filter_cases(selectors.cases_for(user), user=user, **filters)
        plain = list(qs.values_list("pk", flat=True))
        pager = paging.CappedPaginator(qs, 2)
        shown = [c.pk for n in pager.page_range for c in pager.page(n)]
        assert shown == plain, filters
        assert all(c.unit is not None and c.entity is not None for c in pager.page(1))
