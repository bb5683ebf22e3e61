"""Handling: dispatch, verification, reply, satisfaction and reopening, merging, deadlines, figures,
identity protection by role, rewards, and jurisdiction (404 outside it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.complaints import reward_services, selectors, services
from ecoenforce.complaints.identity import identity_reveal
from ecoenforce.complaints.models import Channel, Complaint, Status
from ecoenforce.org.permissions import Refused


def _new(world: Any, code: str = "131022", **over: Any) -> tuple[Complaint, str]:
    fields = {
        "channel": Channel.PORTAL,
        "category": "water",
        "description": "河道排污，水体发黑发臭。",
        "address": "固安镇南关桥",
        "division_code": code,
    }
    fields.update(over)
    return services.complaint_submit(**fields)


def _handled(world: Any, finding: str = "violation", **over: Any) -> Complaint:
    c, _ = _new(world, **over)
    handler = world.user("county_a", "complaint_handler")
    services.complaint_dispatch(complaint=c, unit=world.units["county_a"], by=handler)
    services.complaint_verify(
        complaint=c,
        finding=finding,
        verification="现场检查发现暗管排放。",
        by=world.user("county_a", "officer"),
    )
    services.complaint_reply(complaint=c, reply="经查属实，已立案查处。", by=handler)
    return c


def test_the_whole_flow_with_reopening_when_unsatisfied(world: Any) -> None:
    c = _handled(world)
    assert c.status == Status.REPLIED and c.lead_ref  # the verified complaint opened a lead
    services.complaint_rate(complaint=c, satisfaction="unsatisfied", note="仍在排放")
    assert c.status == Status.DISPATCHED and c.reopen_count == 1
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=c, satisfaction="satisfied")  # not replied again yet
    services.complaint_verify(
        complaint=c,
        finding="violation",
        verification="复查：已封堵暗管。",
        by=world.user("county_a", "officer"),
    )
    services.complaint_reply(
        complaint=c, reply="已责令改正并处罚。", by=world.user("county_a", "complaint_handler")
    )
    services.complaint_rate(complaint=c, satisfaction="satisfied")
    assert c.status == Status.CLOSED and c.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(c.pk), target_type="complaints.complaint").values_list(
            "action", flat=True
        )
    )
    assert actions.count("complaints.verify") == 2 and "complaints.rate" in actions


def test_a_verified_complaint_opens_one_lead_without_the_reporter(world: Any) -> None:
    from ecoenforce.cases.models import Lead

    c = _handled(world, identity={"name": "周密", "phone": "13300004444"})
    lead = Lead.objects.get(source_kind="complaint", source_ref=c.number)
    assert str(lead.pk) == c.lead_ref and lead.unit == world.units["county_a"]
    assert "周密" not in str(lead.facts) + lead.summary and "13300004444" not in str(lead.facts)
    no, _ = _new(world)
    services.complaint_dispatch(
        complaint=no, unit=world.units["county_a"], by=world.user("county_a", "complaint_handler")
    )
    services.complaint_verify(
        complaint=no, finding="no_violation", verification="未发现。", by=world.user("county_a", "officer")
    )
    assert no.lead_ref == "" and Lead.objects.count() == 1


def test_figures_like_seed_004_come_from_the_data(world: Any) -> None:
    for _ in range(3):
        c = _handled(world)
        services.complaint_rate(complaint=c, satisfaction="satisfied")
    _new(world)  # one still open
    f = selectors.figures(Complaint.objects.all())
    assert (f.handled, f.closed, f.rated, f.satisfied) == (4, 3, 3, 3)
    assert f.closed_pct == "75%" and f.satisfied_pct == "100%"
    page = Client().get("/public/stats/").content.decode()
    assert 'id="fig-handled">4<' in page and "75%" in page


def test_duplicates_are_merged_with_a_link_never_lost(world: Any) -> None:
    first, _ = _new(world)
    second, code = _new(world)
    assert first in selectors.duplicate_candidates(second)
    handler = world.user("county_a", "complaint_handler")
    services.complaint_merge(duplicate=second, primary=first, by=handler)
    assert Complaint.objects.count() == 2 and second.merged_into == first and second.status == Status.MERGED
    services.complaint_dispatch(complaint=first, unit=world.units["county_a"], by=handler)
    services.complaint_verify(
        complaint=first, finding="no_violation", verification="未发现。", by=world.user("county_a", "officer")
    )
    services.complaint_reply(complaint=first, reply="经查未发现排污。", by=handler)
    page = Client().post("/public/complaints/track/", {"code": code}).content.decode()
    assert "经查未发现排污。" in page and "合并办理" in page
    assert selectors.figures(Complaint.objects.all()).handled == 1


def test_a_second_report_of_the_same_point_is_offered_for_merging(world: Any) -> None:
    from decimal import Decimal

    first, _ = _new(world, address="", latitude=Decimal("39.430000"), longitude=Decimal("116.320000"))
    near, _ = _new(world, address="", latitude=Decimal("39.431000"), longitude=Decimal("116.321000"))
    far, _ = _new(world, address="", latitude=Decimal("39.530000"), longitude=Decimal("116.320000"))
    assert list(selectors.duplicate_candidates(near)) == [first]
    assert first not in selectors.duplicate_candidates(far)


def test_transfers_from_12345_are_registered_once(world: Any) -> None:
    handler = world.user("county_a", "complaint_handler")
    c, _ = _new(world, channel=Channel.HOTLINE_12345, external_ref="12345-2026-0001", by=handler)
    with pytest.raises(ValidationError, match="请勿重复提交"):
        _new(world, channel=Channel.HOTLINE_12345, external_ref="12345-2026-0001", by=handler)
    with pytest.raises(Refused):
        _new(world, channel=Channel.PHONE, by=world.user("county_a", "officer"))
    assert Complaint.objects.count() == 1 and c.channel == "12345"


def test_identity_only_for_roles_that_need_it_and_every_view_audited(world: Any) -> None:
    c, _ = _new(world, identity={"name": "赵敏", "phone": "13700001111"})
    with pytest.raises(Refused):
        identity_reveal(complaint=c, by=world.user("county_a", "officer"), purpose="好奇")
    with pytest.raises(Refused):  # a handler of another county
        identity_reveal(complaint=c, by=world.user("county_b", "complaint_handler"), purpose="核实")
    assert (
        identity_reveal(complaint=c, by=world.user("county_a", "complaint_handler"), purpose="回访")["name"]
        == "赵敏"
    )
    assert AuditEvent.objects.filter(action="complaints.view_identity", outcome="ok").count() == 1
    client = Client()
    client.force_login(world.user("county_a", "complaint_handler"))
    html = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "赵敏" not in html  # not without asking
    html = client.post(f"/complaints/{c.pk}/identity/", {"purpose": "电话回访"}).content.decode()
    assert "赵敏" in html and AuditEvent.objects.filter(action="complaints.view_identity").count() == 2
    officer = Client()
    officer.force_login(world.user("county_a", "officer"))
    assert officer.post(f"/complaints/{c.pk}/identity/", {"purpose": "x"}).status_code == 403
    assert "赵敏" not in officer.get(f"/complaints/{c.pk}/").content.decode()


def test_other_jurisdictions_get_404_on_every_complaint_url(world: Any) -> None:
    c, _ = _new(world)
    client = Client()
    client.force_login(world.user("county_b", "complaint_handler"))
    for url in (f"/complaints/{c.pk}/", f"/complaints/n/{c.number}/"):
        assert client.get(url).status_code == 404, url
    for action in ("dispatch", "verify", "reply", "merge", "close"):
        assert client.post(f"/complaints/{c.pk}/{action}/", {}).status_code in (403, 404), action
    assert c.number not in client.get("/complaints/").content.decode()
    Complaint.objects.get(pk=c.pk, status=Status.RECEIVED)  # nothing changed


def test_pages_walk_the_flow(world: Any) -> None:
    c, _ = _new(world)
    handler, officer = Client(), Client()
    handler.force_login(world.user("county_a", "complaint_handler"))
    officer.force_login(world.user("county_a", "officer"))
    assert (
        handler.post(f"/complaints/{c.pk}/dispatch/", {"unit": world.units["county_a"].pk}).status_code == 302
    )
    bad = officer.post(f"/complaints/{c.pk}/verify/", {"finding": "violation", "verification": ""})
    assert (
        bad.status_code == 400 and "必填" in bad.content.decode()
    ) or "这个字段是必填项" in bad.content.decode()
    assert (
        officer.post(
            f"/complaints/{c.pk}/verify/", {"finding": "violation", "verification": "属实"}
        ).status_code
        == 302
    )
    assert handler.post(f"/complaints/{c.pk}/reply/", {"reply": "已查处"}).status_code == 302
    assert handler.post(f"/complaints/{c.pk}/extend/", {"days": 31, "reason": "复杂"}).status_code == 400
    c.refresh_from_db()
    assert c.status == Status.REPLIED


def test_rewards_proposed_approved_by_the_rules_approver_paid_and_notified(world: Any) -> None:
    c = _handled(world, identity={"name": "钱多", "phone": "13600002222"})
    handler = world.user("county_a", "complaint_handler")
    with pytest.raises(ValidationError, match="不符合奖励条件"):
        reward_services.reward_propose(complaint=c, tier="case_penalty", facts={"proven": True}, by=handler)
    d = reward_services.reward_propose(
        complaint=c, tier="case_penalty", facts={"proven": True, "not_staff": True}, by=handler
    )
    assert d.amount == 1000 and "环办执法〔2020〕8号" in d.basis
    with pytest.raises(Refused):
        reward_services.reward_approve(decision=d, approve=True, by=world.user("county_a", "team_leader"))
    reward_services.reward_approve(decision=d, approve=True, by=world.user("county_a", "bureau_head"))
    reward_services.reward_pay(decision=d, payment_ref="JL-2026-001", by=handler)
    assert d.state == "paid"
    assert set(
        AuditEvent.objects.filter(action__startswith="complaints.reward").values_list("action", flat=True)
    ) == {"complaints.reward_propose", "complaints.reward_approve", "complaints.reward_pay"}
    anonymous = _handled(world)
    with pytest.raises(ValidationError, match="实名举报"):
        reward_services.reward_propose(
            complaint=anonymous, tier="general", facts={"proven": True, "not_staff": True}, by=handler
        )


def test_the_yearly_cap_counts_the_same_reporter_without_opening_identities(world: Any) -> None:
    handler = world.user("county_a", "complaint_handler")
    facts = {"proven": True, "not_staff": True}
    amounts = []
    for _ in range(6):  # 6 x 5,000 yuan reach the 30,000 yuan cap of the rule
        c = _handled(world, identity={"name": "何勤", "phone": "138 0000 9999"})
        amounts.append(
            reward_services.reward_propose(complaint=c, tier="major", facts=facts, by=handler).amount
        )
    assert sum(amounts) == 30000
    c = _handled(world, identity={"name": "何勤", "phone": "13800009999"})
    with pytest.raises(ValidationError, match="已达上限"):
        reward_services.reward_propose(complaint=c, tier="general", facts=facts, by=handler)
    other = _handled(world, identity={"name": "另一人", "phone": "13900001111"})
    assert (
        reward_services.reward_propose(complaint=other, tier="general", facts=facts, by=handler).amount == 300
    )
    assert AuditEvent.objects.filter(action="complaints.view_identity").count() == 0


def test_the_statistics_page_charts_the_scoped_figures(world: Any) -> None:
    import json
    import re

    _new(world)
    _new(world, code="131023", address="永清")
    client = Client()
    client.force_login(world.user("county_a", "complaint_handler"))
    html = client.get("/complaints/stats/").content.decode()
    data = json.loads(re.search(r'id="chart-category" type="application/json">(.*?)</script>', html).group(1))
    assert data["series"][0]["data"] == [1]  # only its own county's complaint
    month = json.loads(re.search(r'id="chart-month" type="application/json">(.*?)</script>', html).group(1))
    assert month["series"][0]["data"][-1] == 1
