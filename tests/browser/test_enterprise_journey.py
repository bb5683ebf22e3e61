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


def to_work_page(page):
    """An enterprise user lands on the home page's to-do panel (我的待办) and goes on to its own pages."""
    assert "我的待办" in page.locator("main").inner_text()
    page.get_by_role("link", name="进入我的工作页面").click()
    page.wait_for_url("**/enterprise/")
    return page


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

    ent = to_work_page(login(User.objects.get(username="jiejing")))
    assert ent.url.endswith("/enterprise/")
    assert "固安洁净化工有限公司" in ent.locator("h1").inner_text()
    ent.get_by_role("link", name="烟气在线监测数据缺失问询").click()
    ent.fill("#id_answer", "采样管路堵塞，已疏通并补报。")
    ent.get_by_role("button", name="提交答复").click()
    ent.fill("#id_reason", "近三年无违法记录，自行监测数据完整。")
    ent.get_by_role("button", name="提交申请").click()
    assert EnterpriseQuery.objects.get(pk=query.pk).state == "answered"
    # no discharge permit on file: refused on the page with the criteria not met, nothing filed
    assert ent.get_by_text("暂不符合纳入条件").first.is_visible()
    assert Application.objects.filter(entity=entity).count() == 0
    for url in ("/enterprise/", f"/enterprise/queries/{query.pk}/", f"/complaints/{complaint.pk}/"):
        ent.goto(f"{live_server.url}{url}")
        assert "冯秘密" not in ent.content() and "13000007777" not in ent.content()


def test_approved_enterprise_sees_its_records_answers_with_a_file_and_applies(
    committed_world: Any, live_server: Any, page: Any, login: Any, settings: Any, tmp_path: Any
) -> None:
    import datetime as dt

    from ecoenforce.catalog.services import catalog_load_starter
    from ecoenforce.entities import services as es
    from ecoenforce.inspections import onsite
    from ecoenforce.inspections.models import PositiveListEntry
    from tests.cases.driver import Driver
    from tests.enterprise.conftest import PDF
    from tests.inspections.helpers import full_submission

    settings.MEDIA_ROOT = tmp_path
    world = committed_world
    catalog_load_starter(unit=world.units["city"], effective_from=dt.date(2020, 1, 1))
    drive = Driver(world)
    case = drive.to(drive.open("AIR-100-1"), "served")
    entity = case.entity
    today = dt.date.today()
    permit = es.permit_add(
        by=drive.leader, entity=entity, number="91131022MA0000001P", management_class="key",
        valid_from=today - dt.timedelta(days=100), valid_to=today + dt.timedelta(days=900),
    )  # fmt: skip
    outlet = es.outlet_add(
        by=drive.leader, entity=entity, code="DW001", kind="water", name="总排口", permit=permit
    )
    es.monitoring_point_add(by=drive.leader, outlet=outlet, mn="MN131022000000000000088")
    task = onsite.inspection_create(
        unit=drive.unit,
        entity=entity,
        kind="planned",
        officers=[drive.officer, drive.officer2],
        by=drive.leader,
    )
    onsite.inspection_submit(inspection=task, submission=full_submission(task), by=drive.officer)
    account = services.enterprise_apply(
        uscc=entity.uscc,
        username="qiye01",
        password=PASSWORD,
        contact_name="陈经办",
        contact_phone="0316-5550000",
    )
    services.enterprise_decide(account=account, approve=True, by=world.user("city", "sysadmin"))
    query = services.query_create(
        entity=entity,
        subject_type="general",
        subject_id="",
        title="运维台账问询",
        question="请提供10月在线监测设备运维记录。",
        by=drive.officer,
    )

    ent = to_work_page(login(account.user))
    assert entity.name in ent.locator("h1").inner_text()
    body = ent.locator("main").inner_text() if ent.locator("main").count() else ent.content()
    assert "行政处罚决定" in body and case.number in body
    assert "现场检查结果" in body and "未发现问题" in body
    assert "执法文书" in body and "核验码" in body
    ent.get_by_role("link", name="运维台账问询").click()
    ent.fill("#id_answer", "运维记录见附件。")
    ent.set_input_files("#id_file", {"name": "运维记录.pdf", "mimeType": "application/pdf", "buffer": PDF})
    ent.get_by_role("button", name="提交答复").click()
    assert ent.get_by_text("已提交答复").first.is_visible()
    ent.fill("#id_reason", "近三年无违法记录，自行监测数据完整。")
    ent.get_by_role("button", name="提交申请").click()
    assert ent.get_by_text("申请已提交").first.is_visible()
    assert ent.get_by_text("已提名/申请").first.is_visible()
    query.refresh_from_db()
    assert query.state == "answered" and query.answer == "运维记录见附件。"
    assert PositiveListEntry.objects.get(entity=entity).how == "application"
