"""The 按日连续处罚 / 加处罚款 page: dates in, amount and derivation out, bad input refused per field."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

pytestmark = pytest.mark.django_db
URL = "/catalog/penalty/daily/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def officer_client(world, client):
    client.force_login(world.user("county_a", "officer"))
    return client


def test_daily_penalty_on_the_page(officer_client) -> None:
    # 28号令第十七条、第十九条: 200,000 × (10 + 10) days over two cycles = 4,000,000
    page = officer_client.post(URL, {
        "kind": "daily", "d-original_fine": "200000",
        "d-served_0": "2026-09-01", "d-rechecked_0": "2026-09-11", "d-found_0": "on",
        "d-served_1": "2026-09-11", "d-rechecked_1": "2026-09-21", "d-found_1": "on",
    }).content.decode()
    assert 'id="daily-result"' in page and "人民币肆佰万元整" in page and "20 日" in page
    assert "第一千零六十条" in page  # the order was served after 2026-08-15


def test_late_fee_on_the_page_capped(officer_client) -> None:
    page = officer_client.post(URL, {"kind": "late", "l-fine": "100000", "l-due_date": "2026-10-01",
                                     "l-paid_date": "2026-11-10"}).content.decode()
    assert "人民币壹拾万元整" in page and "已达上限" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "daily", "d-original_fine": "200000", "d-served_0": "2026-09-11",
          "d-rechecked_0": "2026-09-01", "d-found_0": "on"}, "复查日期应晚于"),
        ({"kind": "daily", "d-original_fine": "1e30", "d-served_0": "2026-09-01",
          "d-rechecked_0": "2026-09-11"}, "数值过大"),
        ({"kind": "daily", "d-original_fine": "200000", "d-served_0": "九月一日",
          "d-rechecked_0": "2026-09-11"}, "日期格式应为 YYYY-MM-DD"),
        ({"kind": "late", "l-fine": "100000", "l-due_date": "2026-10-01", "l-paid_date": "2027-01-01"},
         "缴纳日期不能晚于今天"),
    ],
)
def test_bad_input_refused_with_a_chinese_message(officer_client, data, message) -> None:
    page = officer_client.post(URL, data).content.decode()
    assert message in page and 'id="daily-result"' not in page


def test_admin_roles_cannot_open(world, client) -> None:
    client.force_login(world.user("county_a", "sysadmin"))
    assert client.get(URL).status_code == 403
