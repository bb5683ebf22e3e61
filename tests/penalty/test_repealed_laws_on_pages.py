"""Nothing tells a user that one of the ten laws the 生态环境法典 repealed (第一千二百四十二条) is in force
after 2026-08-14: the law notes, and the calculator page for an old item decided today."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ecoenforce.penalty.engine.laws import load_law_book

BOOK = load_law_book()
REPEALED = [law for law in BOOK.laws.values() if law.repealed]
CODE_DAY = dt.date(2026, 8, 15)


def test_the_ten_repealed_laws_are_known() -> None:
    assert len(REPEALED) == 10
    assert all(law.in_force_to == CODE_DAY - dt.timedelta(days=1) for law in REPEALED)


@pytest.mark.parametrize("law", REPEALED, ids=lambda law: law.code)
def test_notes_never_call_a_repealed_law_in_force_after_the_code_day(law) -> None:
    after = BOOK.note(law, CODE_DAY, "作出处罚决定时")
    assert "已废止" in after and "有效" not in after
    before = BOOK.note(law, CODE_DAY - dt.timedelta(days=1), "违法行为发生时")
    assert "有效" in before and "起废止" in before  # in force then, and its end is said


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["AIR-99-2", "WATER-83-2", "EIA-31-3", "EPL-59-0"])
def test_calculator_for_an_old_item_decided_today_shows_no_repealed_law_as_in_force(
    world, client, code
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False):
        client.force_login(world.user("county_a", "officer"))
        for act in ("2026-07-01", "2026-10-01"):
            response = client.get("/catalog/penalty/", {"item": code, "rule_set": "", "act_date": act})
            assert response.status_code == 200
            page = response.content.decode()
            assert 'id="law-notes"' in page
            for law in REPEALED:
                assert f"（2026-12-01）{law.title}有效" not in page, (code, act, law.title)
