"""The pure 从旧兼从轻 engine (engine.transition), the dates and the amount checks — no Django."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoenforce.penalty.engine.daily_penalty import (
    compute_daily_penalty,
    cycles_from_json,
    late_fee_for_dates,
)
from ecoenforce.penalty.engine.discretion import compute_penalty
from ecoenforce.penalty.engine.errors import PenaltyInputError
from ecoenforce.penalty.engine.facts import facts_from_json
from ecoenforce.penalty.engine.laws import article_label, cn_number
from ecoenforce.penalty.engine.sanction import ValidationError, parse_sanction
from ecoenforce.penalty.engine.transition import Side, check_dates, choose, compare

TODAY = dt.date(2026, 12, 1)


def _result(low: int | None, high: int | None, grade: str = "general"):
    sanction = parse_sanction({"kind": "amount", "min": low, "max": high})
    return compute_penalty(item_code="AIR-99-2", sanction=sanction, rule_set=None,
                           facts=facts_from_json({"grade": grade}))


def _side(role: str, result, measures: tuple[str, ...] = ()) -> Side:
    return Side(role, TODAY, "AIR-99-2", "超标排放", "《法》", "第一条", measures, result)


@pytest.mark.parametrize(("n", "words"), [
    (1, "一"), (10, "十"), (15, "十五"), (31, "三十一"), (105, "一百零五"), (1060, "一千零六十"),
    (1242, "一千二百四十二"), (1107, "一千一百零七")])
def test_chinese_numbers(n, words) -> None:
    assert cn_number(n) == words


def test_article_labels() -> None:
    assert article_label(1060, 1, 0) == "第一千零六十条第一款"
    assert article_label(99, None, 2) == "第九十九条第（二）项"
    assert article_label("第三十一条", "第一款") == "第三十一条第一款"


def test_lighter_new_law_applies() -> None:
    t = choose(_side("act", _result(100000, 1000000)), _side("decision", _result(50000, 500000)))
    assert t.verdict == "lighter" and t.applied == "decision"
    assert "但书" in t.ground
    assert any("法定最高罚款：原规定1,000,000元，新规定500,000元" in x for x in t.comparison)


def test_heavier_new_law_keeps_old() -> None:
    t = choose(_side("act", _result(50000, 500000)), _side("decision", _result(100000, 1000000)))
    assert t.verdict == "heavier" and t.applied == "act"


def test_new_measure_makes_it_mixed_and_old_law_applies() -> None:
    # lower fine but the new law adds 责令停业、关闭: not "较轻" as a whole (platform convention)
    t = choose(_side("act", _result(100000, 1000000)),
               _side("decision", _result(50000, 500000), ("情节严重的，责令停业、关闭",)))
    assert t.verdict == "mixed" and t.applied == "act"
    assert any("新的规定增加了责令停产停业、关闭" in x for x in t.comparison)
    assert any(s.unverified for s in t.steps())


def test_no_longer_punished_applies_new_law() -> None:
    t = choose(_side("act", _result(100000, 1000000)), _side("decision", None))
    assert t.applied == "decision" and "不认为该行为违法" in t.ground


def test_act_not_punishable_refused() -> None:
    with pytest.raises(PenaltyInputError) as exc:
        choose(_side("act", None), None)
    assert exc.value.path == "item_code"


def test_unbounded_maximum_is_heaviest() -> None:
    verdict, lines = compare(_result(1000, None), (), _result(1000, 100000), ())
    assert lines[0] == "法定最高罚款：原规定无上限，新规定100,000元，新的规定较轻"
    # 一般: only a minimum → 2 × 1,000 (第十二条); a range → its middle 50,500: the amount is heavier
    assert lines[2] == "按相同事实计算的罚款：原规定2,000元，新规定50,500元，新的规定较重"
    assert verdict == "mixed"


bounds = st.tuples(st.integers(1, 200), st.integers(1, 400)).map(
    lambda t: (t[0] * 1000, (t[0] + t[1]) * 1000))


@settings(max_examples=150, deadline=None)
@given(old=bounds, new=bounds, grade=st.sampled_from(["lighter", "general", "heavier"]),
       old_serious=st.booleans(), new_serious=st.booleans())
def test_applied_range_never_heavier_than_act_time_range(old, new, grade, old_serious, new_serious) -> None:
    closing = ("情节严重的，责令停业、关闭",)
    act = _side("act", _result(*old, grade=grade), closing if old_serious else ())
    dec = _side("decision", _result(*new, grade=grade), closing if new_serious else ())
    t = choose(act, dec)
    applied = t.applied_side.result
    assert applied is not None
    assert applied.statutory_max <= act.result.statutory_max
    assert applied.statutory_min <= act.result.statutory_min
    if t.applied == "decision":
        assert applied.amount <= act.result.amount and not (new_serious and not old_serious)


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("2026-12-02", None, None), "act_date"),
        (("1989-12-31", None, None), "act_date"),
        (("2026-07-01", "2026-06-01", None), "act_end_date"),
        (("2026-07-01", None, "2026-06-01"), "decision_date"),
        ((dt.date(2026, 7, 1), None, "2028-01-01"), "decision_date"),
        (("not a date", None, None), "act_date"),
        ((None, None, None), "act_date"),
        ((["2026-07-01"], None, None), "act_date"),
        (("2026-07-01", "2026-07-0\x00", None), "act_end_date"),
    ],
)
def test_dates_refused_with_their_field(args, path) -> None:
    with pytest.raises(PenaltyInputError) as exc:
        check_dates(*args, today=TODAY)
    assert exc.value.path == path and exc.value.message


def test_decision_defaults_to_today() -> None:
    assert check_dates("2026-07-01", None, None, today=TODAY).decision_date == TODAY


@pytest.mark.parametrize("huge", ["1e30", "1E+30", 10**30, "999999999999999999"])
def test_huge_amounts_are_clear_errors(huge) -> None:
    with pytest.raises(ValidationError):
        parse_sanction({"kind": "amount", "min": 1, "max": huge})
    with pytest.raises(PenaltyInputError) as exc:
        facts_from_json({"bases": {"total_investment": huge}})
    assert "数值过大" in exc.value.message
    with pytest.raises(PenaltyInputError):
        compute_daily_penalty(original_fine=huge, cycles=cycles_from_json(
            [{"order_served": "2026-09-01", "rechecked": "2026-09-11"}]))
    with pytest.raises(PenaltyInputError):
        late_fee_for_dates(fine=huge, due_date="2026-09-01", paid_date=None, today=TODAY)


def test_daily_penalty_from_json_dates_and_basis_by_date() -> None:
    # 28号令第十七条/第十九条: 200,000 × 20 days (order served 09-01, recheck 09-21)
    r = compute_daily_penalty(original_fine="200000", cycles=cycles_from_json(
        [{"order_served": "2026-09-01", "rechecked": "2026-09-21"}]))
    assert r.days == 20 and r.amount == Decimal("4000000")
    assert "第一千零六十条" in r.steps[-1].source
    before = compute_daily_penalty(original_fine="200000", cycles=cycles_from_json(
        [{"order_served": "2026-07-01", "rechecked": "2026-07-21"}]))
    assert "《环境保护法》第五十九条" in before.steps[-1].source
    with pytest.raises(PenaltyInputError) as exc:
        cycles_from_json([{"order_served": 20260901, "rechecked": "2026-09-21"}])
    assert exc.value.path == "cycles[0].order_served"


def test_late_fee_from_dates_capped_at_the_fine() -> None:
    # 行政处罚法第七十二条: 100,000 × 3% = 3,000/day; 40 days overdue → 120,000 capped at 100,000
    r = late_fee_for_dates(fine="100000", due_date="2026-10-01", paid_date="2026-11-10", today=TODAY)
    assert r.days == 40 and r.daily_amount == Decimal("3000") and r.amount == Decimal("100000") and r.capped
    assert r.cap_day == 34
    r = late_fee_for_dates(fine="100000", due_date="2026-10-01", paid_date="2026-10-11", today=TODAY)
    assert r.amount == Decimal("30000") and not r.capped
    with pytest.raises(PenaltyInputError) as exc:
        late_fee_for_dates(fine="100000", due_date="2026-10-01", paid_date="2027-01-01", today=TODAY)
    assert exc.value.path == "paid_date"
