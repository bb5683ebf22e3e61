"""The API of seal/seize, referral to the police, payment plan and criminal facts: the same services
as the screens (roles, jurisdiction, idempotency), Chinese 422 errors naming the field, refusals
audited; and a machine client with a bearer token over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases.models import Case, Measure, PaymentPlan, Referral
from ecoenforce.org.models import ApiToken
from ecoenforce.org.roles import Role
from tests.security.test_tokens import call

ITEMS = [{"name": "废气处理设备", "quantity": "1套", "place": "二车间"}]


def _client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def _post(c: Client, url: str, body: dict, method: str = "post"):
    r = getattr(c, method)(url, json.dumps(body), content_type="application/json")
    return r.status_code, r.json()


@pytest.mark.django_db
def test_seize_extend_once_release_and_the_head_approves(drive):
    case = drive.to(drive.open(), "investigating")
    base = f"/api/cases/{case.pk}/measures"
    status, body = _post(_client(drive.officer), base, {"kind": "seal", "items": ITEMS})
    assert status == 403 and "负责人批准" in body["detail"]
    head = _client(drive.head)
    status, body = _post(head, base, {"kind": "seal", "items": []})
    assert status == 422 and "须附清单" in body["errors"]["items"][0]
    assert AuditEvent.objects.filter(action="cases.measure_seize", outcome="refused").count() == 2
    status, body = _post(head, base, {"kind": "seal", "items": ITEMS, "idempotency_key": "k-1"})
    assert status == 201 and body["kind_label"] == "查封" and body["items"][0]["name"] == "废气处理设备"
    assert dt.date.fromisoformat(body["due_on"]) >= dt.date.today() + dt.timedelta(days=30)
    mid = body["id"]
    status, again = _post(head, base, {"kind": "seal", "items": ITEMS, "idempotency_key": "k-1"})
    assert status == 422 and again["errors"]["__all__"] == ["该表单已提交，请勿重复提交"]
    assert Measure.objects.filter(case=case).count() == 1
    status, body = _post(head, f"{base}/{mid}/extend", {"reason": ""})
    assert status == 422 and "延长理由" in body["errors"]["reason"][0]
    status, body = _post(head, f"{base}/{mid}/extend", {"reason": "情况复杂，需检测"})
    assert status == 200 and body["extended"] is True
    status, body = _post(head, f"{base}/{mid}/extend", {"reason": "再延"})
    assert status == 422 and "只能延长一次" in body["errors"]["extended"][0]
    status, body = _post(head, f"{base}/{mid}/release", {"reason": "检测完毕"})
    assert status == 200 and body["released_on"] == dt.date.today().isoformat()
    listed = head.get(base).json()
    assert [m["id"] for m in listed] == [mid]


@pytest.mark.django_db
def test_emergency_seizure_then_approval(drive):
    case = drive.to(drive.open(), "investigating")
    base = f"/api/cases/{case.pk}/measures"
    status, body = _post(_client(drive.officer), base, {"kind": "seize", "items": ITEMS, "emergency": True})
    assert status == 201 and body["approved_on"] is None
    status, body = _post(_client(drive.head), f"{base}/{body['id']}/approve", {})
    assert status == 200 and body["approved_on"] == dt.date.today().isoformat()


@pytest.mark.django_db
def test_schema_errors_are_chinese_and_name_the_field(drive):
    case = drive.to(drive.open(), "investigating")
    head = _client(drive.head)
    status, body = _post(
        head, f"/api/cases/{case.pk}/measures", {"kind": "seal", "items": [{"name": "x\x00"}]}
    )
    assert status == 422 and "items.0.name" in body["errors"]
    status, body = _post(head, f"/api/cases/{case.pk}/measures", {"kind": "burn", "items": ITEMS})
    assert status == 422 and body["errors"]["kind"] == ["只能是查封或扣押"]
    status, body = _post(head, f"/api/cases/{case.pk}/referrals", {"kind": "criminal", "police": "公安局"})
    assert status == 422 and body["errors"]["materials"] == ["必填"]
    assert not Measure.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_referral_with_receipt_and_feedback(drive):
    case = drive.to(drive.open("EPL-63-3"), "investigating")
    base = f"/api/cases/{case.pk}/referrals"
    body = {"kind": "detention", "police": "固安县公安局", "materials": "案件移送书", "idempotency_key": "r1"}
    status, out = _post(_client(drive.officer), base, body)
    assert status == 403
    head = _client(drive.head)
    status, out = _post(head, base, body)
    assert status == 201 and out["sent_on"] == dt.date.today().isoformat()
    status, again = _post(head, base, body)
    assert status == 422 and "请勿重复提交" in again["errors"]["__all__"][0]
    assert Referral.objects.filter(case=case).count() == 1
    fb = {"receipt_on": dt.date.today().isoformat(), "feedback": "已受理"}
    status, out = _post(_client(drive.officer), f"{base}/{out['id']}/feedback", fb)
    assert status == 200 and out["feedback"] == "已受理" and out["receipt_on"] == fb["receipt_on"]
    assert [r["feedback"] for r in head.get(base).json()] == ["已受理"]


@pytest.mark.django_db
def test_payment_plan_adds_up_to_the_fine_and_is_approved_once(drive):
    case = drive.to(drive.open("AIR-100-1"), "served")
    fine = case.decided_amount
    half = (fine / 2).quantize(Decimal("0.01"))
    d1, d2 = dt.date.today() + dt.timedelta(days=30), dt.date.today() + dt.timedelta(days=60)
    plan = {
        "kind": "instalments",
        "reason": "经营困难",
        "schedule": [{"due": d1.isoformat(), "amount": str(half)}, {"due": d2.isoformat(), "amount": "1"}],
    }
    url = f"/api/cases/{case.pk}/payment-plan"
    head = _client(drive.head)
    status, body = _post(head, url, plan)
    assert status == 422 and "合计应等于罚款" in body["errors"]["schedule"][0]
    assert AuditEvent.objects.filter(action="cases.payment_plan", outcome="refused").exists()
    plan["schedule"][1]["amount"] = str(fine - half)
    assert _post(_client(drive.officer), url, plan)[0] == 403
    status, body = _post(head, url, plan)
    assert status == 201 and [r["due"] for r in body["schedule"]] == [d1.isoformat(), d2.isoformat()]
    status, body = _post(head, url, plan)  # a retried request does not make a second plan
    assert status == 422 and "已批准过" in body["errors"]["kind"][0]
    assert PaymentPlan.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_criminal_facts_flag_the_case_and_bad_figures_are_refused(drive):
    case = drive.open()
    url = f"/api/cases/{case.pk}/criminal-facts"
    officer = _client(drive.officer)
    status, body = _post(officer, url, {"facts": {"hazardous_waste_tonnes": "三吨"}}, "put")
    assert status == 422 and "危险废物" in body["errors"]["hazardous_waste_tonnes"][0]
    assert Case.objects.get(pk=case.pk).criminal_facts == {}
    status, body = _post(officer, url, {"facts": {"hazardous_waste_tonnes": 5}}, "put")
    assert status == 200 and [f["code"] for f in body["flags"]] == ["hazardous_waste"]
    assert "法释〔2023〕7号" in body["flags"][0]["source"]
    assert Case.objects.get(pk=case.pk).criminal_flags


@pytest.mark.django_db
def test_another_county_gets_404_and_nothing_changes(world, drive):
    case = drive.to(drive.open(), "investigating")
    other = _client(world.user("county_b", Role.BUREAU_HEAD))
    assert _post(other, f"/api/cases/{case.pk}/measures", {"kind": "seal", "items": ITEMS})[0] == 404
    assert other.get(f"/api/cases/{case.pk}/referrals").status_code == 404
    assert not Measure.objects.filter(case=case).exists()
    m = Measure.objects.create(
        case=case, kind="seal", decided_on=dt.date.today(), basis="-", items=ITEMS, created_by=drive.head
    )
    assert _post(other, f"/api/cases/{case.pk}/measures/{m.pk}/release", {"reason": "x"})[0] == 404
    assert Measure.objects.get(pk=m.pk).released_on is None


def test_a_token_client_seizes_and_refers_over_http(live_server, committed_world):
    from ecoenforce.catalog.services import catalog_load_starter
    from tests.cases.driver import Driver

    catalog_load_starter(unit=committed_world.units["city"], effective_from=dt.date(2020, 1, 1))
    drive = Driver(committed_world)
    case = drive.to(drive.open("EPL-63-3"), "investigating")
    _, raw = ApiToken.issue(user=drive.head, name="接口测试")
    base = f"{live_server.url}/api/cases/{case.pk}"
    seizure = {"kind": "seize", "items": ITEMS, "idempotency_key": "http-1"}
    status, body = call(f"{base}/measures", raw, seizure)
    assert status == 201, body
    status, body = call(f"{base}/measures", raw, seizure)  # the client retries after a timeout
    assert status == 422 and body["errors"]["__all__"] == ["该表单已提交，请勿重复提交"]
    referral = {
        "kind": "detention",
        "police": "固安县公安局",
        "materials": "案件移送书",
        "idempotency_key": "h",
    }
    status, body = call(f"{base}/referrals", raw, referral)
    assert status == 201 and body["kind_label"] == "移送公安机关适用行政拘留", body
    assert Measure.objects.filter(case=case).count() == 1 and Referral.objects.filter(case=case).count() == 1
