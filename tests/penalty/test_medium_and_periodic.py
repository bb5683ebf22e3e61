"""Issue 6 follow-ups in the pure engine: the permit-violation row chosen by the medium (广东 §3.4.2),
按日连续处罚 and 加处罚款 computed from their dates (not a single day's amount), with hand-worked numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoenforce.penalty.engine.benchmarks import BENCHMARKS_DIR, load_rule_set
from ecoenforce.penalty.engine.discretion import Decision, PenaltyFacts, compute_penalty
from ecoenforce.penalty.engine.errors import PenaltyInputError
from ecoenforce.penalty.engine.facts import facts_from_json, facts_to_json
from ecoenforce.penalty.engine.questions import questions_for
from ecoenforce.penalty.engine.sanction import parse_sanction

GD = load_rule_set(BENCHMARKS_DIR / "guangdong.yaml")
PERMIT_34 = parse_sanction({"kind": "amount", "min": 200000, "max": 1000000})
# the starter catalog's EPL-59-0 / the Code's CODE-1060-1-0 and PUNISH-72-1, as the catalogs state them
DAILY = parse_sanction(
    {"kind": "multiple", "min": 1, "max": 1, "base": "original_fine", "daily_penalty": True})
LATE = parse_sanction({"kind": "multiple", "min": 0.03, "max": 0.03, "base": "original_fine"})
AIR_LEVELS = {"exceed_count": "two", "pollutant": "class_b", "area": "restricted", "period": "major_event",
              "exceed_degree": "d2", "repeat": "twice"}


def permit(**facts: object):
    return compute_penalty(item_code="PERMIT-34-1", sanction=PERMIT_34, rule_set=GD,
                           facts=PenaltyFacts(**facts))  # type: ignore[arg-type]


# ------------------------------------------------------------------ PERMIT-34-1 by medium


def test_air_case_uses_the_air_row() -> None:
    # 10 + 3 + 8 + 3 + 5 + 8 + 4 = 41% × 1,000,000 = 410,000
    r = permit(levels=AIR_LEVELS, medium="air")
    assert r.mode == "table" and r.amount == 410000
    step = next(s for s in r.steps if s.rule == "按污染物类别选择裁量表")
    assert "大气污染物" in step.description and "§3.4.2" in step.source
    assert r.notices == ()


def test_water_case_is_refused_the_air_row_and_computed_by_the_generic_rule() -> None:
    # 第十二条 一般: (200,000 + 1,000,000) / 2 = 600,000 — not the air row's 410,000
    r = permit(levels=AIR_LEVELS, medium="water")
    assert r.mode == "generic" and r.amount == 600000
    step = next(s for s in r.steps if s.rule == "按污染物类别选择裁量表")
    assert "不得适用于水污染物" in step.description and "尚未录入" in step.description
    assert step.unverified
    assert "权重累加模式" not in [s.rule for s in r.steps]
    assert r.notices and "通用规则" in r.notices[0]


def test_water_case_without_factor_levels_is_computed() -> None:
    assert permit(medium="water", grade=None).amount == 600000


def test_medium_is_asked_in_the_tables_words() -> None:
    with pytest.raises(PenaltyInputError) as err:
        permit(levels=AIR_LEVELS)
    assert err.value.path == "facts.medium"
    assert GD.tables["PERMIT-34-1"].medium.question in err.value.message  # type: ignore[union-attr]
    q = questions_for(item_code="PERMIT-34-1", sanction=PERMIT_34, rule_set=GD)
    assert q.medium is not None and [c.value for c in q.medium.choices] == ["air", "water"]
    assert q.medium.choices[1].unverified and "通用规则" in q.medium.choices[1].note
    # rows written for one medium only: the other rows ask nothing
    assert questions_for(item_code="AIR-99-2", sanction=PERMIT_34, rule_set=GD).medium is None


def test_unknown_medium_is_refused() -> None:
    with pytest.raises(PenaltyInputError) as err:
        facts_from_json({"medium": "soil"})
    assert err.value.path == "facts.medium" and "大气污染物" in err.value.message


# ------------------------------------------------------------------ 按日连续处罚


def daily(fine: str, cycles: list[dict[str, object]]):
    facts = facts_from_json({"bases": {"original_fine": fine}, "daily_cycles": cycles})
    return compute_penalty(item_code="CODE-1060-1-0", sanction=DAILY, rule_set=None, facts=facts)


def test_daily_penalty_is_the_fine_times_the_days_not_one_day() -> None:
    # order served 2026-09-01, re-inspection 2026-09-21 finds the discharge: 20 days × 200,000 = 4,000,000
    r = daily("200000", [{"order_served": "2026-09-01", "rechecked": "2026-09-21"}])
    assert r.decision is Decision.FINE and r.days == 20 and r.amount == 4000000
    assert r.mode == "daily" and r.statutory_min == r.statutory_max == 4000000
    final = next(s for s in r.steps if "× 20 日" in s.description)
    assert "第一千零六十条" in final.source  # the order was served after 2026-08-15


def test_daily_penalty_accumulates_over_rechecks_and_stops_when_corrected() -> None:
    # 2026-09-01 → 09-11: 10 days; re-served 09-11 → 09-26: 15 days; corrected at 10-05: stop. 25 × 100,000
    r = daily("100000", [
        {"order_served": "2026-09-01", "rechecked": "2026-09-11"},
        {"order_served": "2026-09-11", "rechecked": "2026-09-26"},
        {"order_served": "2026-09-26", "rechecked": "2026-10-05", "violation_found": False},
    ])
    assert (r.days, r.amount) == (25, 2500000)


def test_daily_penalty_under_the_old_law_cites_it() -> None:
    r = daily("50000", [{"order_served": "2026-06-01", "rechecked": "2026-06-11"}])
    assert r.amount == 500000
    assert any("《环境保护法》第五十九条" in s.source for s in r.steps)


def test_late_recheck_is_a_notice() -> None:
    r = daily("10000", [{"order_served": "2026-09-01", "rechecked": "2026-10-11"}])
    assert r.amount == 400000 and any("三十日" in n for n in r.notices)


def test_daily_penalty_needs_its_dates_and_the_original_fine() -> None:
    with pytest.raises(PenaltyInputError) as err:
        compute_penalty(item_code="CODE-1060-1-0", sanction=DAILY, rule_set=None,
                        facts=facts_from_json({"bases": {"original_fine": "1000"}}))
    assert err.value.path == "facts.daily_cycles"
    with pytest.raises(PenaltyInputError) as err:
        compute_penalty(item_code="CODE-1060-1-0", sanction=DAILY, rule_set=None,
                        facts=facts_from_json({"daily_cycles": [{"order_served": "2026-09-01",
                                                                 "rechecked": "2026-09-02"}]}))
    assert err.value.path == "facts.bases.original_fine"
    with pytest.raises(PenaltyInputError) as err:
        daily("1000", [{"order_served": "2026-09-05", "rechecked": "2026-09-01"}])
    assert "晚于" in err.value.message


# ------------------------------------------------------------------ 加处罚款


def late(fine: str, due: str, paid: str, paused: int = 0):
    facts = facts_from_json({"bases": {"original_fine": fine},
                             "late_fee": {"due_date": due, "paid_date": paid, "paused_days": paused}})
    return compute_penalty(item_code="PUNISH-72-1", sanction=LATE, rule_set=None, facts=facts)


def test_late_fee_is_three_percent_a_day() -> None:
    # due 2026-10-16, paid 2026-10-26: 10 days × 3,000 = 30,000
    r = late("100000", "2026-10-16", "2026-10-26")
    assert (r.days, r.amount, r.mode) == (10, 30000, "late_fee")


def test_late_fee_never_exceeds_the_fine() -> None:
    # 59 days × 3,000 = 177,000 > 100,000 → 100,000 (reached on day ⌈100,000 / 3,000⌉ = 34)
    r = late("100000", "2026-01-01", "2026-03-01")
    assert (r.days, r.amount) == (59, 100000)
    cap = next(s for s in r.steps if s.rule == "加处罚款上限")
    assert cap.values["cap_day"] == "34" and "第四十五条" in cap.source


def test_days_of_review_or_litigation_are_not_counted() -> None:
    # 2026-10-16 → 2026-11-15 = 30 days, 20 of them in 行政复议: 10 × 1,500 = 15,000
    assert late("50000", "2026-10-16", "2026-11-15", paused=20).amount == 15000


def test_paid_in_time_means_no_late_fee() -> None:
    r = late("100000", "2026-10-16", "2026-10-10")
    assert r.decision is Decision.NO_PENALTY and r.amount == 0 and r.notices


def test_late_fee_needs_its_dates() -> None:
    with pytest.raises(PenaltyInputError) as err:
        compute_penalty(item_code="PUNISH-72-1", sanction=LATE, rule_set=None,
                        facts=facts_from_json({"bases": {"original_fine": "100"}}))
    assert err.value.path == "facts.late_fee"
    with pytest.raises(PenaltyInputError) as err:
        facts_from_json({"late_fee": {"due_date": "2026-10-16"}})
    assert err.value.path == "facts.late_fee.paid_date"
    with pytest.raises(PenaltyInputError) as err:
        facts_from_json(
            {"late_fee": {"due_date": "2026-10-16", "paid_date": "2026-10-20", "paused_days": -1}})
    assert err.value.path == "facts.late_fee.paused_days"


def test_questions_say_which_dates_to_ask() -> None:
    assert questions_for(item_code="EPL-59-0", sanction=DAILY, rule_set=None).periodic == "daily"
    assert questions_for(item_code="PUNISH-72-1", sanction=LATE, rule_set=None).periodic == "late_fee"
    assert questions_for(item_code="PERMIT-34-1", sanction=PERMIT_34, rule_set=GD).periodic is None


def test_new_facts_round_trip() -> None:
    data = {"medium": "water",
            "daily_cycles": [
                {"order_served": "2026-09-01", "rechecked": "2026-09-21", "violation_found": True}],
            "late_fee": {"due_date": "2026-10-16", "paid_date": "2026-10-20", "paused_days": 2}}
    assert facts_to_json(facts_from_json(data)) == data
    f = facts_from_json(data)
    assert f.daily_cycles[0].rechecked == dt.date(2026, 9, 21) and f.late_fee is not None
    assert f.late_fee.paused_days == 2
