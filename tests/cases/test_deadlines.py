"""Statutory clocks across National Day and the Spring Festival (make-up working days), and suspension."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ecoenforce.cases import deadlines
from ecoenforce.cases.daycount import DayKind, DueState, Period, add_period, due_state, extend_by_pause

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "due"),
    [
        # 5 working days from Tue 29 Sep 2026: 30 Sep, (1–7 Oct holiday), 8, 9, Sat 10 Oct (make-up), 12 Oct
        ("hearing_request", D(2026, 9, 29), D(2026, 10, 12)),
        # 7 working days from Thu 12 Feb 2026: 13, Sat 14 (make-up), (15–23 Spring Festival), 24, 25, 26, 27,
        # Sat 28 Feb (make-up)
        ("service", D(2026, 2, 12), D(2026, 2, 28)),
        # 15 calendar days from 16 Sep 2026 end on 1 Oct, a holiday → the first working day after: 8 Oct
        ("payment", D(2026, 9, 16), D(2026, 10, 8)),
        # 90 calendar days from 2026-03-01 end on Sat 30 May → the next working day, Mon 1 Jun
        ("decision", D(2026, 3, 1), D(2026, 6, 1)),
        # 3 calendar days (referral decision) from 30 Sep: 3 Oct is in the holiday → 8 Oct
        ("referral_decision", D(2026, 9, 30), D(2026, 10, 8)),
    ],
)
@pytest.mark.django_db
def test_due_dates_follow_the_law_and_the_calendar(code, start, due):
    assert deadlines.due_date(code, start) == due


def test_working_day_count_is_art_85():
    # 《行政处罚法》第八十五条: 二日、三日、五日、七日 are working days
    for code in ("hearing_request", "hearing_notice", "service", "statement", "publicity_withdraw"):
        assert deadlines.clock(code).kind is DayKind.WORKING
    assert deadlines.clock("payment").kind is DayKind.CALENDAR
    assert all(c.source for c in deadlines.clocks().values())


def test_day_counts_come_from_the_legal_parameters(db, world):
    from ecoenforce.penalty.params import legal_parameter

    assert deadlines.clock("decision").count() == int(str(legal_parameter("deadline.decision_days"))) == 90


def test_months_and_pause():
    assert deadlines.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    always = lambda d: True  # noqa: E731
    assert extend_by_pause(D(2026, 5, 1), 10, always) == D(2026, 5, 11)
    assert add_period(D(2026, 5, 1), Period(0, DayKind.CALENDAR), always) == D(2026, 5, 1)


def test_due_states():
    today = D(2026, 5, 10)
    assert due_state(D(2026, 5, 9), today) is DueState.OVERDUE
    assert due_state(D(2026, 5, 12), today) is DueState.SOON
    assert due_state(D(2026, 6, 12), today) is DueState.OK
    assert due_state(D(2026, 5, 9), today, paused=True) is DueState.PAUSED
    assert due_state(D(2026, 5, 9), today, done=True) is DueState.DONE


@pytest.mark.django_db
def test_case_clocks_across_national_day_and_suspension(drive):
    with time_machine.travel(dt.datetime(2026, 9, 10, 10, 0), tick=False):
        case = drive.open(act_date=D(2026, 9, 1))
        case = drive.step(case, "approve_filing", drive.leader)
    decision = case.deadlines.get(clock="decision")
    assert (decision.started_on, decision.due_on) == (D(2026, 9, 10), D(2026, 12, 9))
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0), tick=False):
        case = drive.step(
            case,
            "suspend",
            drive.head,
            reason="等待鉴定",
            ground="需要等待鉴定、检测、评估结果或者其他机关的认定",
        )
    with time_machine.travel(dt.datetime(2026, 10, 9, 10, 0), tick=False):
        case = drive.step(case, "resume", drive.head, reason="鉴定完成")
    decision.refresh_from_db()
    # paused 30 Sep → 9 Oct: 9 days later, 18 Dec 2026 (a Friday, a working day)
    assert decision.paused_days == 9 and decision.due_on == D(2026, 12, 18)
