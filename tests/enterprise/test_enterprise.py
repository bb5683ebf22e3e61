"""Enterprise service: apply with the USCC, the system administrator approves, the enterprise sees
its own records only — every URL with another entity's ids answers 404 — and never a reporter."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.complaints import services as complaint_services
from ecoenforce.complaints.models import Channel
from ecoenforce.enterprise import services
from ecoenforce.enterprise.models import AccountState, EnterpriseQuery, Evidence
from ecoenforce.enterprise.providers import Row, register_provider
from ecoenforce.entities.services import entity_create
from ecoenforce.org.permissions import Refused
from tests.entities.conftest import entity_fields
from tests.factories import PASSWORD, make_uscc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def two(world: Any) -> dict[str, Any]:
    out = {}
    for key, n, unit in (("a", 7001, "county_a"), ("b", 7002, "county_b")):
        entity = entity_create(
            by=world.user(unit, "team_leader"),
            **entity_fields(n, world.units[unit].division_code, owner_unit=world.units[unit]),
        )
        account = services.enterprise_apply(
            uscc=entity.uscc,
            username=f"ent{key}",
            password=PASSWORD,
            contact_name="经办人",
            contact_phone="0316-1234567",
        )
        services.enterprise_decide(account=account, approve=True, by=world.user("city", "sysadmin"))
        client = Client()
        client.force_login(account.user)
        query = services.query_create(
            entity=entity,
            subject_type="monitoring.anomaly",
            subject_id="17",
            title="在线监测数据异常问询",
            question="请说明6月3日COD超标原因。",
            legal_basis="《中华人民共和国生态环境法典》",
            by=world.user(unit, "officer"),
        )
        out[key] = {"entity": entity, "account": account, "client": client, "query": query}
    return out


def test_apply_refuses_bad_and_unknown_uscc(world: Any) -> None:
    c = Client()
    r = c.post(
        "/public/enterprise/apply/",
        {
            "uscc": "91131000000000000X",
            "contact_name": "张",
            "contact_phone": "13800000000",
            "username": "ent_x",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 400 and "统一社会信用代码无效" in r.content.decode()
    r = c.post(
        "/public/enterprise/apply/",
        {
            "uscc": make_uscc(99999),
            "contact_name": "张",
            "contact_phone": "13800000000",
            "username": "ent_y",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 400 and "监管对象名录中没有" in r.content.decode()


def test_pending_account_sees_nothing_until_approved(world: Any) -> None:
    entity = entity_create(
        by=world.user("county_a", "team_leader"),
        **entity_fields(7100, "131022", owner_unit=world.units["county_a"]),
    )
    account = services.enterprise_apply(
        uscc=entity.uscc,
        username="pending1",
        password=PASSWORD,
        contact_name="经办人",
        contact_phone="13800000000",
    )
    assert account.state == AccountState.PENDING
    client = Client()
    client.force_login(account.user)
    assert client.get("/enterprise/").status_code == 403
    with pytest.raises(Refused):
        services.enterprise_decide(account=account, approve=True, by=world.user("county_a", "team_leader"))
    admin = Client()
    admin.force_login(world.user("city", "sysadmin"))
    assert entity.name in admin.get("/enterprise/accounts/").content.decode()
    assert admin.post(f"/enterprise/accounts/{account.pk}/decide/", {"approve": "1"}).status_code == 302
    assert client.get("/enterprise/").status_code == 200


def test_the_enterprise_journey_and_providers(
    world: Any, two: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    register_provider(
        "test-orders",
        label="责令改正",
        rows=lambda e: [
            Row(title=f"责令改正违法行为决定书（{e.name}）", status="整改中", legal_basis="第一千零九十条……")
        ],
    )
    a = two["a"]
    html = a["client"].get("/enterprise/").content.decode()
    assert a["entity"].name in html and "在线监测数据异常问询" in html and "第一千零九十条" in html
    assert two["b"]["entity"].name not in html
    r = a["client"].post(f"/enterprise/queries/{a['query'].pk}/", {"answer": "设备故障，已维修并报备。"})
    assert r.status_code == 302
    assert EnterpriseQuery.objects.get(pk=a["query"].pk).state == "answered"
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = a["client"].post(
        "/enterprise/evidence/", {"note": "整改照片", "file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert r.status_code == 302 and Evidence.objects.get().entity == a["entity"]
    r = a["client"].post(
        "/enterprise/evidence/", {"note": "x", "file": SimpleUploadedFile("a.exe", b"MZ\x90\x00")}
    )
    assert r.status_code == 400 and "只能上传PDF文件或照片" in r.content.decode()
    # no permit on file: the application is refused with the criteria it does not meet
    r = a["client"].post("/enterprise/positive-list/", {"reason": "三年无违法记录"})
    assert r.status_code == 400 and "暂不符合纳入条件" in r.content.decode()


def test_every_url_with_another_entitys_ids_is_404_and_audited(
    world: Any, two: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a, b = two["a"], two["b"]
    ev = services.evidence_upload(
        subject_type="general", subject_id="", note="b的材料", name="b.pdf", data=PDF, by=b["account"].user
    )
    client = a["client"]
    foreign = [
        ("get", f"/enterprise/queries/{b['query'].pk}/", {}),
        ("post", f"/enterprise/queries/{b['query'].pk}/", {"answer": "篡改"}),
        ("get", f"/enterprise/evidence/{ev.pk}/", {}),
        ("get", "/enterprise/files/documents/1/", {}),
        ("get", "/enterprise/files/no-such-provider/1/", {}),
        # evidence forged to answer another entity's order
        ("post", "/enterprise/evidence/", {"subject": "cases.measure:1", "note": "x", "file": PDF}),
    ]
    for n, (method, url, data) in enumerate(foreign, 1):
        if "file" in data:
            from django.core.files.uploadedfile import SimpleUploadedFile

            data = {**data, "file": SimpleUploadedFile("x.pdf", PDF)}
        r = getattr(client, method)(url, data)
        assert r.status_code == 404, url
        assert AuditEvent.objects.filter(
            action="enterprise.foreign_access", outcome="refused", actor_id=a["account"].user.pk
        ).count() == n, url
    assert "b的材料" not in str(AuditEvent.objects.filter(action="enterprise.foreign_access").values())
    for url in (
        "/entities/",
        f"/entities/{b['entity'].pk}/",
        "/complaints/",
        "/enterprise/accounts/",
        "/enterprise/staff/queries/",
        f"/enterprise/staff/queries/{b['query'].pk}/",
        f"/enterprise/staff/evidence/{ev.pk}/",
        "/documents/1/pdf/",
        "/inspections/positive/",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert EnterpriseQuery.objects.get(pk=b["query"].pk).answer == ""
    assert Evidence.objects.filter(entity=a["entity"]).count() == 0


def test_the_reporter_is_never_shown_to_the_entity(world: Any, two: dict[str, Any]) -> None:
    a = two["a"]
    complaint, _ = complaint_services.complaint_submit(
        channel=Channel.PORTAL,
        category="air",
        description="该厂夜间偷排废气。",
        division_code="131022",
        address="工业园",
        identity={"name": "孙举报", "phone": "13500003333"},
    )
    complaint.entity = a["entity"]
    complaint.save()
    register_provider("complaint-leak-probe", label="检查记录", rows=lambda e: [Row(title="检查")])
    pages = [
        a["client"].get(u).content.decode()
        for u in ("/enterprise/", f"/enterprise/queries/{a['query'].pk}/", f"/complaints/{complaint.pk}/")
    ]
    for html in pages:
        assert "孙举报" not in html and "13500003333" not in html
