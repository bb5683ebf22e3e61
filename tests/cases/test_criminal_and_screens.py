"""Criminal-threshold flags (法释〔2023〕7号第一条) and the screens of their own: compulsory measures,
referral to the police, payment plans, the hearing's presiding officer as a proper choice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases import criminal, measures
from ecoenforce.cases.models import Case, Hearing, Measure, PaymentPlan, Referral
from ecoenforce.cases.reviewing import instant_review
from ecoenforce.cases.steps import presiding_choices
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from ecoenforce.penalty.params import legal_parameter
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


# ------------------------------------------------------------------ criminal thresholds


def test_every_criterion_cites_its_source_and_a_declared_figure():
    r = criminal.rules()
    assert "法释〔2023〕7号" in r.source and r.in_force_from == dt.date(2023, 8, 15)
    params = {c.at_least for c in r.criteria if c.at_least}
    for key in params:  # each figure is a legal parameter with its own source
        assert legal_parameter(key) is not None
    assert {"criminal.hazardous_waste_tonnes", "criminal.loss_or_gains_yuan"} <= params


def test_threshold_is_met_at_the_figure_and_not_below(db):
    tonnes = Decimal(str(legal_parameter("criminal.hazardous_waste_tonnes")))
    below = criminal.evaluate({"hazardous_waste_tonnes": str(tonnes - Decimal("0.01"))})
    at = criminal.evaluate({"hazardous_waste_tonnes": str(tonnes)})
    assert below == []
    assert [f["code"] for f in at] == ["hazardous_waste"]
    assert "危险废物三吨以上" in at[0]["text"] and "法释〔2023〕7号" in at[0]["source"]
    flags = criminal.evaluate({"key_unit_falsified": True, "toxic_prior_penalties": 1})
    assert [f["code"] for f in flags] == ["key_unit_falsified"]  # one prior penalty is not two
    old = criminal.evaluate({"key_unit_falsified": True}, dt.date(2022, 1, 1))
    assert "法释〔2016〕29号" in old[0]["note"]


def test_a_confirmed_change_of_the_figure_applies_at_once(world):
    from ecoenforce.penalty.params import legal_parameter_confirm

    reviewer = world.user("city", Role.LEGAL_REVIEWER)
    facts = {"loss_or_gains_yuan": "250000"}
    assert criminal.evaluate(facts) == []
    legal_parameter_confirm(by=reviewer, key="criminal.loss_or_gains_yuan", value=200000, note="测试修改")
    assert [f["code"] for f in criminal.evaluate(facts)] == ["loss_or_gains"]


def test_bad_figures_are_refused_in_chinese(drive):
    case = drive.open()
    for bad in ("-1", "三吨", "1e400"):
        r = _client(drive.officer).post(f"/cases/{case.pk}/criminal/", {"hazardous_waste_tonnes": bad})
        assert r.status_code == 422 and "危险废物" in r.content.decode()
    assert Case.objects.get(pk=case.pk).criminal_facts == {}


def test_flag_shows_on_case_page_and_list_and_is_a_soft_review_finding(drive):
    case = drive.open()
    c = _client(drive.officer)
    r = c.post(f"/cases/{case.pk}/criminal/", {"key_unit_falsified": "on", "hazardous_waste_tonnes": "0.5"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert [f["code"] for f in case.criminal_flags] == ["key_unit_falsified"]
    assert AuditEvent.objects.filter(action="cases.criminal_facts", outcome="ok").exists()
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="criminal-flags"' in page and "篡改、伪造自动监测数据" in page
    assert "涉嫌犯罪" in c.get("/cases/list/").content.decode()
    soft = instant_review(case).soft
    assert any("涉嫌环境污染犯罪" in s for s in soft)
    measures.referral_record(
        case=case, by=drive.head, kind="criminal", police="固安县公安局", materials="案件移送书"
    )
    assert not any("涉嫌环境污染犯罪" in s for s in instant_review(case).soft)


def test_lead_figures_flag_the_case_when_it_is_opened(drive):
    from ecoenforce.cases.case_services import case_open
    from ecoenforce.cases.services import lead_open
    from tests.cases.helpers import make_entity

    lead = lead_open(
        unit=drive.unit,
        entity=make_entity(drive.unit, 4242, by=drive.officer),
        source_kind="discovery",
        source_ref="CRIM-1",
        summary="倾倒危险废物",
        facts={"criminal": {"hazardous_waste_tonnes": "5"}},
        by=drive.officer,
    )
    case = case_open(
        lead=lead,
        by=drive.officer,
        title="非法倾倒危险废物案",
        act_date=dt.date(2026, 6, 1),
        item_codes=["AIR-99-2"],
        officers=[drive.officer, drive.officer2],
    )
    assert [f["code"] for f in case.criminal_flags] == ["hazardous_waste"]


def test_code_items_that_say_refer_to_police_stay_a_hard_requirement(drive):
    case = drive.open("EPL-63-3")
    assert case.referral_mandatory
    case = drive.to(case, "served", proposal="no_penalty")
    case = drive.step(case, "finish_execution", drive.officer)
    assert any("移送公安机关" in h for h in instant_review(case).hard)
    with pytest.raises(Refused):
        drive.step(case, "close", drive.leader)
    assert Case.objects.get(pk=case.pk).state != "closed"


# ------------------------------------------------------------------ screens


def _seize_form(**extra):
    form = {
        "op": "seize",
        "kind": "seal",
        "basis": "",
        "item_name_0": "废气处理设备",
        "item_quantity_0": "1套",
    }
    form.update(extra)
    return form


def test_seizure_screen_list_extension_once_and_release(drive):
    case = drive.to(drive.open(), "investigating")
    url = f"/cases/{case.pk}/measures/"
    assert "查封、扣押清单" in _client(drive.officer).get(url).content.decode()
    r = _client(drive.officer).post(url, _seize_form())
    assert r.status_code == 403  # the head approves a planned seizure
    assert AuditEvent.objects.filter(action="cases.measure_seize", outcome="refused").exists()
    head = _client(drive.head)
    r = head.post(url, _seize_form(item_name_0=""))
    assert r.status_code == 422 and "须附清单" in r.content.decode()
    assert not Measure.objects.filter(case=case).exists()
    assert head.post(url, _seize_form(item_name_1="废水在线监测仪", item_place_1="监控室")).status_code == 302
    m = Measure.objects.get(case=case)
    assert [i["name"] for i in m.items] == ["废气处理设备", "废水在线监测仪"]
    assert head.post(url, {"op": "extend", "measure": m.pk, "reason": "需检测"}).status_code == 302
    r = head.post(url, {"op": "extend", "measure": m.pk, "reason": "再延"})
    assert r.status_code == 422 and "只能延长一次" in r.content.decode()
    assert head.post(url, {"op": "release", "measure": m.pk, "reason": "检测完毕"}).status_code == 302
    assert Measure.objects.get(pk=m.pk).released_on is not None


def test_emergency_seizure_screen_then_approval(drive):
    case = drive.to(drive.open(), "investigating")
    url = f"/cases/{case.pk}/measures/"
    assert _client(drive.officer).post(url, _seize_form(emergency="on")).status_code == 302
    m = Measure.objects.get(case=case)
    assert "待补办批准" in _client(drive.officer).get(url).content.decode()
    assert _client(drive.head).post(url, {"op": "approve", "measure": m.pk}).status_code == 302
    assert Measure.objects.get(pk=m.pk).approved_on is not None


def test_referral_screen_materials_receipt_and_feedback(drive):
    case = drive.to(drive.open("EPL-63-3"), "investigating")
    url = f"/cases/{case.pk}/referral/"
    head = _client(drive.head)
    r = head.post(url, {"op": "refer", "kind": "detention", "police": "", "materials": ""})
    assert r.status_code == 422 and "移送材料" in r.content.decode()
    form = {
        "op": "refer",
        "kind": "detention",
        "police": "固安县公安局",
        "materials": "案件移送书\n现场检查笔录",
    }
    assert head.post(url, form).status_code == 302
    ref = Referral.objects.get(case=case)
    fb = {
        "op": "feedback",
        "referral": ref.pk,
        "receipt_on": dt.date.today().isoformat(),
        "feedback": "已受理",
    }
    assert _client(drive.officer).post(url, fb).status_code == 302
    ref.refresh_from_db()
    assert ref.receipt_on == dt.date.today() and ref.feedback == "已受理"
    assert "已受理" in head.get(url).content.decode()


def test_payment_plan_screen_needs_the_head_and_a_schedule_that_adds_up(drive):
    case = drive.to(drive.open("AIR-100-1"), "served")
    fine = case.decided_amount
    url = f"/cases/{case.pk}/payment-plan/"
    d1, d2 = dt.date.today() + dt.timedelta(days=30), dt.date.today() + dt.timedelta(days=60)
    half = (fine / 2).quantize(Decimal("0.01"))
    form = {
        "kind": "instalments",
        "reason": "经营困难",
        "due_0": d1.isoformat(),
        "amount_0": str(half),
        "due_1": d2.isoformat(),
        "amount_1": str(half),
    }
    assert _client(drive.officer).post(url, form).status_code == 403
    r = _client(drive.head).post(url, form | {"amount_1": "1"})
    assert r.status_code == 422 and "合计应等于罚款" in r.content.decode()
    assert not PaymentPlan.objects.filter(case=case).exists()
    form["amount_1"] = str(fine - half)
    assert _client(drive.head).post(url, form).status_code == 302
    plan = PaymentPlan.objects.get(case=case)
    assert [r["due"] for r in plan.schedule] == [d1.isoformat(), d2.isoformat()]


def test_screens_of_another_county_are_404(world, drive):
    case = drive.to(drive.open(), "investigating")
    other = _client(world.user("county_b", Role.BUREAU_HEAD))
    for path in ("measures", "referral", "payment-plan", "criminal"):
        assert other.get(f"/cases/{case.pk}/{path}/").status_code == 404
    assert other.post(f"/cases/{case.pk}/measures/", _seize_form()).status_code == 404
    assert not Measure.objects.filter(case=case).exists()


# ------------------------------------------------------------------ the hearing's presiding officer


def test_presiding_officer_is_chosen_among_the_units_non_handlers(world, drive):
    case = drive.to(drive.open(), "hearing_requested", hearing=True)
    choices = presiding_choices(case)
    assert drive.presiding in choices
    assert drive.officer not in choices and drive.officer2 not in choices
    assert all(u.unit_id == case.unit_id for u in choices)
    page = _client(drive.leader).get(f"/cases/{case.pk}/step/schedule_hearing/").content.decode()
    assert f'<option value="{drive.presiding.pk}"' in page
    assert f'<option value="{drive.officer.pk}"' not in page
    outsider = make_user("county_b_presiding_x", world.units["county_b"], Role.LEGAL_REVIEWER)
    day = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    for bad in (drive.officer.pk, outsider.pk, 999999, "abc"):
        r = _client(drive.leader).post(
            f"/cases/{case.pk}/step/schedule_hearing/",
            {"key": f"k{bad}", "hearing_date": day, "presiding": bad},
        )
        assert r.status_code == 422 and "非本案调查人员" in r.content.decode()
    assert Hearing.objects.get(case=case).presiding is None
    r = _client(drive.leader).post(
        f"/cases/{case.pk}/step/schedule_hearing/",
        {"key": "ok", "hearing_date": day, "presiding": drive.presiding.pk},
    )
    assert r.status_code == 302
    assert Hearing.objects.get(case=case).presiding == drive.presiding


# ------------------------------------------------------------------ full-text search index


def test_search_follows_changes_of_the_indexed_text(drive):
    from django.db import connection

    from ecoenforce.cases.search import ensure_sqlite_fts
    from ecoenforce.cases.selectors import cases_for, filter_cases

    case = drive.open(title="雨水排口超标排放")
    mine = cases_for(drive.officer)
    assert set(filter_cases(mine, q="雨水排口").values_list("pk", flat=True)) == {case.pk}
    case = drive.to(case, "investigating")  # the number is assigned and indexed
    assert set(filter_cases(mine, q=case.number).values_list("pk", flat=True)) == {case.pk}
    Case.objects.filter(pk=case.pk).update(search_text=" 噪声 扰民 ")
    assert not filter_cases(mine, q="雨水排口").exists()
    assert set(filter_cases(mine, q="噪声").values_list("pk", flat=True)) == {case.pk}
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:  # Django's ALTER on SQLite remakes the table: triggers lost
            cur.execute("DROP TRIGGER cases_case_fts_au")
        assert ensure_sqlite_fts(connection) is True
        Case.objects.filter(pk=case.pk).update(search_text=" 扬尘 ")
        assert set(filter_cases(mine, q="扬尘").values_list("pk", flat=True)) == {case.pk}
        with connection.cursor() as cur:  # a real MATCH, not LIKE
            cur.execute("SELECT count(*) FROM cases_case_fts WHERE cases_case_fts MATCH '\"扬尘\"'")
            assert cur.fetchone()[0] == 1


# ------------------------------------------------------------------ bad input: refused and audited


def test_double_submission_through_the_page_is_refused_and_audited(drive):
    case = drive.open()
    c = _client(drive.leader)
    assert c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": "tab-1"}).status_code == 302
    r = c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": "tab-1"})
    assert r.status_code in (403, 422)
    assert Case.objects.get(pk=case.pk).events.filter(action="approve_filing").count() == 1
    assert AuditEvent.objects.filter(action="cases.approve_filing", outcome="refused").exists()


def test_oversized_or_disguised_evidence_is_refused_and_audited(drive, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cases.helpers import PNG

    case = drive.to(drive.open(), "investigating")
    c = _client(drive.officer)
    settings.CASE_FILE_MAX_BYTES = len(PNG) - 1
    big = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    r = c.post(f"/cases/{case.pk}/evidence/", {"file": big, "kind": "photo"}, follow=True)
    assert "超过大小上限" in r.content.decode()
    settings.CASE_FILE_MAX_BYTES = 10 * 1024 * 1024
    fake = SimpleUploadedFile("笔录.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = c.post(f"/cases/{case.pk}/evidence/", {"file": fake, "kind": "record"}, follow=True)
    assert "内容与扩展名" in r.content.decode()
    assert not case.evidence.exists()
    assert AuditEvent.objects.filter(action="cases.evidence_add", outcome="refused").count() == 2


def test_closing_without_a_required_document_is_refused_by_name(drive):
    from ecoenforce.cases.execution import payment_record
    from ecoenforce.documents.models import IssuedDocument
    from ecoenforce.documents.services import document_revoke

    case = drive.to(drive.open("AIR-100-1"), "served")
    payment_record(
        case=case,
        by=drive.officer,
        kind="fine",
        amount=case.decided_amount,
        paid_on=dt.date.today(),
        receipt_no="FK-1",
    )
    case = drive.step(case, "finish_execution", drive.officer)
    receipt = IssuedDocument.objects.get(subject_id=str(case.pk), kind="service_receipt")
    document_revoke(doc=receipt, reason="送达地址错误，重新送达", by=drive.head)
    page = _client(drive.leader).get(f"/cases/{case.pk}/").content.decode()
    assert "须纠正：案卷缺少文书：送达回证" in page  # shown before anyone asks to close
    with pytest.raises(Refused) as exc:
        drive.step(case, "close", drive.leader)
    assert "案卷缺少文书：送达回证" in str(exc.value) and "service_receipt" not in str(exc.value)
    assert Case.objects.get(pk=case.pk).state != "closed"
