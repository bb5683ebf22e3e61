"""Pages and API of cases: to-do, list with Chinese full-text search, case page, step forms, export,
out-of-scope 404, double submission, the public decision page."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases import search
from ecoenforce.cases.models import Case
from ecoenforce.org.roles import Role
from tests.cases.helpers import PNG

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_tokens_use_the_domain_dictionary_and_drop_punctuation():
    words = search.token_list("廊坊市生态环境局：雨水排口超标排放（COD）")
    assert {"雨水排口", "超标排放", "生态环境局", "cod"} <= set(words)
    assert not any(w in words for w in ("：", "（", "）"))


def test_full_text_search_finds_by_chinese_words(drive):
    a = drive.open(title="雨水排口超标排放化学需氧量")
    b = drive.open(title="未批先建项目")
    c = _client(drive.officer)
    r = c.get("/cases/list/", {"q": "雨水排口"})
    assert r.status_code == 200
    assert a.title in r.content.decode() and b.title not in r.content.decode()
    from ecoenforce.cases.selectors import cases_for, filter_cases

    found = set(filter_cases(cases_for(drive.officer), q="未批先建").values_list("pk", flat=True))
    assert found == {b.pk}
    assert set(filter_cases(cases_for(drive.officer), q="超标 化学需氧量").values_list("pk", flat=True)) == {
        a.pk
    }
    assert not filter_cases(cases_for(drive.officer), q="噪声").exists()


def test_case_page_timeline_deadlines_and_steps(drive):
    case = drive.open()
    c = _client(drive.leader)
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert "待立案审批" in page and "批准立案" in page and "立案登记" in page
    form = c.get(f"/cases/{case.pk}/step/approve_filing/").content.decode()
    key = form.split('name="key" value="')[1].split('"')[0]
    r = c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": key})
    assert r.status_code == 302
    again = c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": key})  # the same form, sent twice
    assert again.status_code in (403, 422)
    assert Case.objects.get(pk=case.pk).events.filter(action="approve_filing").count() == 1
    page = c.get(f"/cases/{case.pk}/").content.decode()
    assert "自立案之日起作出处罚决定" in page and "《行政处罚法》第六十条" in page


def test_evidence_upload_page_refuses_a_fake_photo(drive):
    case = drive.to(drive.open(), "investigating")
    c = _client(drive.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("照片.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    r = c.post(f"/cases/{case.pk}/evidence/", {"file": bad, "kind": "photo"}, follow=True)
    assert "内容与扩展名" in r.content.decode() and not case.evidence.exists()
    good = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    c.post(f"/cases/{case.pk}/evidence/", {"file": good, "kind": "photo", "description": "排口"})
    assert case.evidence.count() == 1


def test_out_of_scope_case_is_404_and_recorded(world, drive):
    case = drive.open()
    c = _client(world.user("county_b", Role.TEAM_LEADER))
    assert c.get(f"/cases/{case.pk}/").status_code == 404
    assert c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": "x"}).status_code == 404
    assert c.get(f"/api/cases/{case.pk}").status_code == 404
    assert Case.objects.get(pk=case.pk).state == "pending_filing"


def test_wrong_role_step_is_refused_and_audited(drive):
    case = drive.open()
    c = _client(drive.officer)
    r = c.post(f"/cases/{case.pk}/step/approve_filing/", {"key": "k1"})
    assert r.status_code == 403
    assert AuditEvent.objects.filter(action="cases.approve_filing", outcome="refused").exists()


def test_export_writes_text_never_formulas(drive):
    drive.open(title='=HYPERLINK("http://x")')
    r = _client(drive.officer).get("/cases/list/", {"format": "xlsx"})
    wb = load_workbook(BytesIO(r.content))
    ws = wb.active
    assert ws["A1"].value == "案号"
    assert ws["B2"].value.startswith("=HYPERLINK") and ws["B2"].data_type == "s"


def test_todo_and_deadline_board(drive):
    case = drive.to(drive.open(), "investigating")
    page = _client(drive.officer).get("/cases/").content.decode()
    assert case.number in page and "自立案之日起作出处罚决定" in page
    assert _client(drive.leader).get("/cases/deadlines/").status_code == 200


def test_api_transition_and_schema_errors_in_chinese(drive):
    case = drive.open()
    c = _client(drive.leader)
    r = c.post(
        f"/api/cases/{case.pk}/transitions",
        {"action": "approve_filing", "idempotency_key": "a1"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["state"] == "investigating"
    r = c.post(
        f"/api/cases/{case.pk}/transitions",
        {"action": "approve_filing", "idempotency_key": "a1"},
        content_type="application/json",
    )
    assert r.status_code in (403, 422)
    r = c.post(
        f"/api/cases/{case.pk}/transitions", {"action": "Bad Action!"}, content_type="application/json"
    )
    assert r.status_code == 422
    listing = c.get("/api/cases/", {"q": "超标"}).json()
    assert listing["count"] >= 1


def test_lead_page_files_a_case(world, drive):
    from ecoenforce.cases.services import lead_open
    from tests.cases.helpers import make_entity

    entity = make_entity(drive.unit, 77, by=drive.officer)
    lead = lead_open(
        unit=drive.unit,
        entity=entity,
        source_kind="discovery",
        source_ref="P-1",
        summary="异味",
        facts={},
        by=drive.officer,
    )
    c = _client(drive.officer)
    r = c.post(
        f"/cases/leads/{lead.pk}/",
        {
            "what": "file",
            "title": "超标排放",
            "act_date": "2026-01-05",
            "items": ["AIR-99-2"],
            "officers": [drive.officer.pk],
        },
    )
    assert r.status_code == 422 and "不少于两人" in r.content.decode()
    r = c.post(
        f"/cases/leads/{lead.pk}/",
        {
            "what": "file",
            "title": "超标排放",
            "act_date": "2026-01-05",
            "items": ["NOPE-1"],
            "officers": [drive.officer.pk, drive.officer2.pk],
        },
    )
    assert r.status_code == 422 and "不在违法行为发生时" in r.content.decode()
    r = c.post(
        f"/cases/leads/{lead.pk}/",
        {
            "what": "file",
            "title": "超标排放",
            "act_date": "2026-01-05",
            "items": ["AIR-99-2"],
            "officers": [drive.officer.pk, drive.officer2.pk],
        },
    )
    assert r.status_code == 302 and Case.objects.filter(lead=lead).exists()


def test_public_decision_page_needs_no_login(drive):
    from ecoenforce.cases.measures import publicity_publish

    case = drive.to(drive.open("AIR-100-1"), "served")
    p = publicity_publish(case=case, by=drive.officer)
    anon = Client()
    assert case.number in anon.get("/public/decisions/").content.decode()
    page = anon.get(f"/public/decisions/{p.pk}/").content.decode()
    assert case.entity.name in page and "张*" in page
    assert dt.date.today().isoformat() in page


def test_home_dashboard_shows_the_todo_card(drive):
    drive.to(drive.open(), "investigating")
    page = _client(drive.officer).get("/").content.decode()
    assert "我的待办" in page and "自立案之日起作出处罚决定" in page
