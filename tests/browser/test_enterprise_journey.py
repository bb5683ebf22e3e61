"""The enterprise journey in headless Chromium: apply with the USCC, the system administrator
approves, the enterprise answers a query and applies for the positive list — and a complaint about
it, with the reporter's name, never shows on any of its pages."""

from __future__ import annotations

from typing import Any

import pytest

from ecoenforce.complaints.services import complaint_submit
from ecoenforce.enterprise import services
from ecoenforce.enterprise.models import Application, EnterpriseQuery
from ecoenforce.entities.services import entity_create
from tests.entities.conftest import entity_fields
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_enterprise_applies_is_approved_answers_and_never_sees_the_reporter(
    committed_world: Any, live_server: Any, page: Any, login: Any
) -> None:
    world = committed_world
    entity = entity_create(
        by=world.user("county_a", "team_leader"),
        **entity_fields(8801, "131022", owner_unit=world.units["county_a"], name="固安洁净化工有限公司"),
    )
    complaint, _ = complaint_submit(
        channel="portal",
        category="air",
        description="洁净化工夜间偷排废气。",
        division_code="131022",
        address="工业园",
        identity={"name": "冯秘密", "phone": "13000007777"},
    )
    complaint.entity = entity
    complaint.save()
    page.goto(f"{live_server.url}/public/enterprise/apply/")
    page.fill("#id_uscc", entity.uscc)
    page.fill("#id_contact_name", "陈经办")
    page.fill("#id_contact_phone", "0316-5550000")
    page.fill("#id_username", "jiejing")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_text("申请已提交").first.is_visible()

    admin = login(world.user("city", "sysadmin"))
    admin.goto(f"{live_server.url}/enterprise/accounts/")
    admin.get_by_role("button", name="确定").click()
    admin.context.clear_cookies()
    query = services.query_create(
        entity=entity,
        subject_type="monitoring.anomaly",
        subject_id="5",
        title="烟气在线监测数据缺失问询",
        question="请说明数据缺失原因。",
        by=world.user("county_a", "officer"),
    )

    from ecoenforce.org.models import User

    ent = login(User.objects.get(username="jiejing"))
    assert ent.url.endswith("/enterprise/")
    assert "固安洁净化工有限公司" in ent.locator("h1").inner_text()
    ent.get_by_role("link", name="烟气在线监测数据缺失问询").click()
    ent.fill("#id_answer", "采样管路堵塞，已疏通并补报。")
    ent.get_by_role("button", name="提交答复").click()
    ent.fill("#id_reason", "近三年无违法记录，自行监测数据完整。")
    ent.get_by_role("button", name="提交申请").click()
    assert EnterpriseQuery.objects.get(pk=query.pk).state == "answered"
    assert Application.objects.filter(entity=entity).count() == 1
    for url in ("/enterprise/", f"/enterprise/queries/{query.pk}/", f"/complaints/{complaint.pk}/"):
        ent.goto(f"{live_server.url}{url}")
        assert "冯秘密" not in ent.content() and "13000007777" not in ent.content()
