"""Seal/seize with its list, 24 h emergency approval, one extension, release; correction order and
daily penalty; referral mandatory before closing; publicity redacted and withdrawn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ecoenforce.cases import measures
from ecoenforce.cases.execution import payment_record
from ecoenforce.org.permissions import Refused

pytestmark = pytest.mark.django_db
ITEMS = [{"name": "废气处理设备", "quantity": "1套", "place": "二车间"}]


def test_seizure_list_limit_extension_and_release(drive):
    case = drive.to(drive.open(), "investigating")
    with pytest.raises(ValidationError):
        measures.measure_seize(case=case, by=drive.head, kind="seal", items=[], basis="")
    with pytest.raises(Refused):
        measures.measure_seize(case=case, by=drive.officer, kind="seal", items=ITEMS, basis="")
    m = measures.measure_seize(case=case, by=drive.head, kind="seal", items=ITEMS, basis="")
    assert (m.due_on - m.decided_on).days >= 30
    first_due = m.due_on
    m = measures.measure_extend(measure=m, by=drive.head, reason="情况复杂，需检测")
    assert (m.due_on - first_due).days >= 30
    with pytest.raises(ValidationError) as exc:
        measures.measure_extend(measure=m, by=drive.head, reason="再延")
    assert "只能延长一次" in str(exc.value)
    measures.measure_release(measure=m, by=drive.head, reason="检测完毕")


def test_emergency_seizure_needs_approval_within_24_hours(drive):
    case = drive.to(drive.open(), "investigating")
    m = measures.measure_seize(
        case=case, by=drive.officer, kind="seize", items=ITEMS, basis="", emergency=True
    )
    later = time_machine.travel(dt.date.today() + dt.timedelta(days=3), tick=False)
    with later, pytest.raises(ValidationError) as exc:
        measures.measure_approve(measure=m, by=drive.head)
    assert "24小时" in str(exc.value)
    assert measures.measure_approve(measure=m, by=drive.head).approved_on == dt.date.today()


def test_open_seizure_and_missing_referral_block_closing(drive):
    case = drive.open("EPL-63-3")  # 逃避监管排放, 移送公安机关适用行政拘留
    assert case.referral_mandatory
    case = drive.to(case, "investigating")
    m = measures.measure_seize(case=case, by=drive.head, kind="seal", items=ITEMS, basis="")
    case = drive.to(case, "served", proposal="no_penalty")
    case = drive.step(case, "finish_execution", drive.officer)
    with pytest.raises(Refused) as exc:
        drive.step(case, "close", drive.leader)
    assert "未解除的查封" in str(exc.value) and "移送公安机关" in str(exc.value)
    measures.measure_release(measure=m, by=drive.head, reason="处理完毕")
    measures.referral_record(
        case=case,
        by=drive.head,
        kind="detention",
        police="固安县公安局",
        materials="案件移送书、现场检查笔录、监测报告",
    )
    assert drive.step(case, "close", drive.leader).state == "closed"


def test_correction_recheck_and_daily_penalty(drive):
    case = drive.to(drive.open("AIR-100-1"), "served")
    order = measures.order_issue(case=case, by=drive.officer, kind="correction", basis="责令改正决定书")
    with time_machine.travel(dt.date.today() + dt.timedelta(days=20), tick=False):
        m = measures.recheck_record(measure=order, by=drive.officer, on=dt.date.today(), corrected=False)
    assert m.daily_days == 20 and m.daily_amount == Decimal("110000.00") * 20


def test_publicity_redacts_and_withdraws(drive):
    case = drive.to(drive.open("AIR-100-1"), "served")
    case.report = "经查，联系人手机13812345678，身份证110101199003071234。"
    case.save(update_fields=["report"])
    p = measures.publicity_publish(case=case, by=drive.officer)
    assert "13812345678" not in str(p.body) and "110101199003071234" not in str(p.body)
    assert p.body["legal_representative"] == "张*"
    with pytest.raises(ValidationError):
        measures.publicity_publish(case=case, by=drive.officer)
    measures.publicity_withdraw(case=case, by=drive.officer, reason="复议决定撤销")
    payment_record(
        case=case, by=drive.officer, kind="fine", amount="110000", paid_on=dt.date.today(), receipt_no="R1"
    )
