"""Queries to the enterprise: an officer asks about a monitoring alert before opening a lead (a button
on the alert page) or about anything (the staff query page); the enterprise answers on its own pages,
with a fault report or maintenance record; the answer shows on the alert. Audited and scoped."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.enterprise.models import EnterpriseQuery, Evidence
from ecoenforce.monitoring.models import Alert
from ecoenforce.monitoring.screening import screen_recent
from tests.enterprise.conftest import PDF
from tests.monitoring.conftest import plant_a, plant_b  # noqa: F401 (fixtures)
from tests.monitoring.test_alerts import NOW, _cod_days, _store_hours

pytestmark = pytest.mark.django_db


def _staff(world: Any, unit: str, role: str) -> Client:
    c = Client()
    c.force_login(world.user(unit, role))
    return c


def test_alert_asks_the_enterprise_and_shows_its_answer(
    world: Any,
    plant_a: Any,  # noqa: F811
    bind: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    _store_hours(plant_a.point, "w01018", _cod_days(30, 80, 30, 30, 30))
    screen_recent(now=NOW)
    alert = Alert.objects.get(rule="exceedance")
    officer = _staff(world, "county_a", "officer")
    due = date.today() + timedelta(days=5)
    r = officer.post(
        f"/monitoring/alerts/{alert.pk}/explain/",
        {"question": "请说明11月2日化学需氧量超标原因，并提供运维记录。", "due_date": due.isoformat()},
    )
    assert r.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "explaining"
    q = EnterpriseQuery.objects.get(subject_type="monitoring.alert", subject_id=str(alert.pk))
    assert q.entity == plant_a.entity and q.due_date == due and "第一千一百零七条" in q.legal_basis
    assert AuditEvent.objects.filter(action="alert.request_explanation").count() == 1
    assert AuditEvent.objects.filter(action="enterprise.query").count() == 1
    # the enterprise sees it, and answers with its maintenance record (the text is escaped)
    _, ent = bind(plant_a.entity, "ent_mon")
    assert "在线监控告警说明问询" in ent.get("/enterprise/").content.decode()
    r = ent.post(
        f"/enterprise/queries/{q.pk}/",
        {
            "answer": "<script>x()</script>采样泵故障，已维修。",
            "file": SimpleUploadedFile("运维记录.pdf", PDF),
        },
    )
    assert r.status_code == 302
    ev = Evidence.objects.get(subject_type="enterprise.query", subject_id=str(q.pk))
    html = officer.get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert "采样泵故障，已维修。" in html and "<script>x()</script>" not in html
    assert f"/enterprise/staff/evidence/{ev.pk}/" in html
    assert officer.get(f"/enterprise/staff/evidence/{ev.pk}/").status_code == 200
    # another county's officer sees neither the query nor the attachment
    other = _staff(world, "county_b", "officer")
    assert other.get(f"/enterprise/staff/queries/{q.pk}/").status_code == 404
    assert other.get(f"/enterprise/staff/evidence/{ev.pk}/").status_code == 404


def test_an_answer_with_a_non_media_file_is_refused_and_nothing_is_lost(
    world: Any,
    plant_a: Any,  # noqa: F811
    bind: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    officer = _staff(world, "county_a", "officer")
    r = officer.post(
        "/enterprise/staff/queries/new/",
        {"uscc": plant_a.entity.uscc, "title": "台账问询", "question": "请提供10月运维台账。"},
    )
    q = EnterpriseQuery.objects.get(title="台账问询")
    assert r.status_code == 302 and q.subject_type == "general"
    _, ent = bind(plant_a.entity, "ent_bad")
    r = ent.post(
        f"/enterprise/queries/{q.pk}/",
        {"answer": "见附件", "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\x00" * 64)},
    )
    assert r.status_code == 400 and "只能上传PDF文件或照片" in r.content.decode()
    q.refresh_from_db()
    assert q.state == "open" and q.answer == "" and not Evidence.objects.exists()


def test_the_staff_query_page_is_limited_to_the_jurisdiction(
    world: Any,
    plant_a: Any,  # noqa: F811
    plant_b: Any,  # noqa: F811
) -> None:
    officer = _staff(world, "county_a", "officer")
    assert officer.get("/enterprise/staff/queries/new/").status_code == 200
    r = officer.post(
        "/enterprise/staff/queries/new/",
        {"uscc": plant_b.entity.uscc, "title": "越界问询", "question": "请说明。"},
    )
    assert r.status_code == 400 and "辖区内没有该统一社会信用代码的监管对象" in r.content.decode()
    yesterday = date.today() - timedelta(days=1)
    r = officer.post(
        "/enterprise/staff/queries/new/",
        {"uscc": plant_a.entity.uscc, "title": "过期", "question": "请说明。", "due_date": yesterday},
    )
    assert r.status_code == 400 and "答复期限不能早于今天" in r.content.decode()
    assert not EnterpriseQuery.objects.exists()
    assert _staff(world, "county_a", "supervisor").get("/enterprise/staff/queries/new/").status_code == 403
    enterprise_user_listing = officer.get("/enterprise/staff/queries/").content.decode()
    assert "暂无问询" in enterprise_user_listing
