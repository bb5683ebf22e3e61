"""按日连续处罚 (环境保护部令第28号) and 加处罚款 (行政处罚法第七十二条)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ecoenforce.penalty.engine.daily_penalty import (
    RecheckCycle,
    compute_daily_penalty,
    daily_penalty_days,
    late_fee,
    overdue_days,
    payment_due_date,
)
from ecoenforce.penalty.engine.errors import PenaltyInputError

D = dt.date(2024, 3, 1)


def test_facts_file_example_200k_for_20_days_is_4m() -> None:
    r = compute_daily_penalty(
        original_fine=Decimal(200000),
        cycles=[RecheckCycle(order_served=D, rechecked=D + dt.timedelta(days=20))],
    )
    assert (r.days, r.daily_amount, r.amount) == (20, 200000, 4000000)
    assert "次日起" in r.steps[0].description and r.steps[0].source.endswith("第十七条")
    assert r.steps[-1].source.startswith(
        "《环境保护主管部门实施按日连续处罚办法》（环境保护部令第28号）第十九条"
    )
    assert r.steps[-1].values == {"fine": "200000", "days": "20", "amount": "4000000"}
    assert r.warnings == ()


def test_days_accumulate_over_rechecks() -> None:
    cycles = [
        RecheckCycle(D, D + dt.timedelta(days=10)),
        RecheckCycle(D + dt.timedelta(days=10), D + dt.timedelta(days=25)),  # re-served on site at recheck
        RecheckCycle(D + dt.timedelta(days=25), D + dt.timedelta(days=30), violation_found=False),
    ]
    days, steps, _ = daily_penalty_days(cycles)
    assert days == 25
    assert [s.values["total"] for s in steps] == ["10", "25", "25"]
    assert "累计执行" in steps[1].description
    assert "第十二条" in steps[2].source
    assert compute_daily_penalty(original_fine="100000", cycles=cycles).amount == 2500000


def test_gap_between_recheck_and_reservice_is_not_counted() -> None:
    cycles = [
        RecheckCycle(D, D + dt.timedelta(days=10)),
        RecheckCycle(D + dt.timedelta(days=12), D + dt.timedelta(days=20)),
    ]
    assert daily_penalty_days(cycles)[0] == 18


def test_corrected_at_first_recheck_means_no_daily_penalty() -> None:
    r = compute_daily_penalty(
        original_fine=100000, cycles=[RecheckCycle(D, D + dt.timedelta(days=15), violation_found=False)]
    )
    assert (r.days, r.amount) == (0, 0)


def test_late_recheck_is_warned() -> None:
    _, _, warnings = daily_penalty_days([RecheckCycle(D, D + dt.timedelta(days=31))])
    assert warnings and "三十日" in warnings[0]


@pytest.mark.parametrize(
    ("cycles", "path", "fragment"),
    [
        ([], "cycles", "至少需要"),
        ([RecheckCycle(D, D)], "cycles[0].rechecked", "晚于"),
        ([RecheckCycle(D, D - dt.timedelta(days=1))], "cycles[0].rechecked", "晚于"),
        (
            [
                RecheckCycle(D, D + dt.timedelta(days=5), violation_found=False),
                RecheckCycle(D + dt.timedelta(days=6), D + dt.timedelta(days=9)),
            ],
            "cycles[1]",
            "第十八条",
        ),
        (
            [
                RecheckCycle(D, D + dt.timedelta(days=5)),
                RecheckCycle(D + dt.timedelta(days=4), D + dt.timedelta(days=9)),
            ],
            "cycles[1].order_served",
            "不得早于",
        ),
    ],
)
def test_bad_cycles_refused(cycles: list[RecheckCycle], path: str, fragment: str) -> None:
    with pytest.raises(PenaltyInputError) as err:
        daily_penalty_days(cycles)
    assert err.value.path == path and fragment in err.value.message


@pytest.mark.parametrize("fine", [0, -1, 1.5, "abc", None])
def test_bad_original_fine(fine: object) -> None:
    with pytest.raises(PenaltyInputError):
        compute_daily_penalty(original_fine=fine, cycles=[RecheckCycle(D, D + dt.timedelta(days=1))])


# ------------------------------------------------------------------ 加处罚款


def test_late_fee_100k_is_3000_a_day_capped_on_day_34() -> None:
    r33 = late_fee(fine=Decimal(100000), days_overdue=33)
    assert (r33.daily_amount, r33.amount, r33.capped, r33.cap_day) == (3000, 99000, False, 34)
    r34 = late_fee(fine=Decimal(100000), days_overdue=34)
    assert (r34.amount, r34.capped) == (100000, True)  # 102,000 capped at the fine
    assert late_fee(fine=100000, days_overdue=365).amount == 100000
    assert "第四十五条" in r34.steps[-1].source and "第七十二条" in r34.steps[0].source
    assert "自逾期第34日起达到上限" in r34.steps[-1].description


def test_late_fee_zero_days_and_fen() -> None:
    assert late_fee(fine=100000, days_overdue=0).amount == 0
    r = late_fee(fine="12345", days_overdue=2)
    assert (r.daily_amount, r.amount) == (Decimal("370.35"), Decimal("740.70"))
    odd = late_fee(fine="12345.67", days_overdue=1)  # 370.3701 → 370.37, rounding step flagged
    assert odd.daily_amount == Decimal("370.37") and any(s.unverified for s in odd.steps)


@pytest.mark.parametrize(("fine", "days"), [(100000, -1), (100000, True), (0, 3), (1.0, 3), ("0.1", 1)])
def test_late_fee_refuses_bad_input(fine: object, days: int) -> None:
    with pytest.raises(PenaltyInputError):
        late_fee(fine=fine, days_overdue=days)


def test_payment_due_and_overdue_days() -> None:
    received = dt.date(2024, 3, 1)
    due = payment_due_date(received)
    assert due == dt.date(2024, 3, 16)  # 15 days, day of receipt not counted (第六十七条)
    assert overdue_days(due_date=due, as_of=dt.date(2024, 3, 16)) == 0
    assert overdue_days(due_date=due, as_of=dt.date(2024, 3, 20)) == 4
    assert overdue_days(due_date=due, as_of=dt.date(2024, 4, 30), paused_days=30) == 15  # 第七十三条第三款
    assert overdue_days(due_date=due, as_of=dt.date(2024, 3, 10)) == 0
    with pytest.raises(PenaltyInputError):
        overdue_days(due_date=due, as_of=due, paused_days=-1)
