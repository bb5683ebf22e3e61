"""Issue 9's journey on a phone-sized screen in headless Chromium: an officer opens a drawn task,
fills the permit checklist, attaches a photo, both officers and the party sign, submits while the
network is down (kept on the device) and once it returns (sent once); the problem item opens a lead
(cases), the record is issued as a document (documents) and the result appears on the public portal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases.models import Lead
from ecoenforce.entities import services as entity_services
from ecoenforce.inspections import draw, services
from ecoenforce.inspections.models_work import Inspection
from tests.factories import make_uscc
from tests.inspections.helpers import jpeg_with_gps

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
    }


def drawn_task(world: Any) -> Inspection:
    leader = world.user("county_a", "team_leader")
    today = date.today()
    entity = entity_services.entity_create(
        by=leader,
        name="固安县绿源化工有限公司",
        uscc=make_uscc(90001),
        legal_representative="李四",
        address="固安县工业园区8号",
        division_code="131022",
        industry_code="C2614",
        supervision_class="special",
        status="operating",
        owner_unit=world.units["county_a"],
    )
    permit = entity_services.permit_add(
        by=leader,
        entity=entity,
        number="91131022MA0000001P",
        management_class="key",
        valid_from=today - timedelta(days=30),
        valid_to=today + timedelta(days=1000),
    )
    outlet = entity_services.outlet_add(
        by=leader, entity=entity, code="DW001", kind="water", name="总排口", permit=permit
    )
    entity_services.limit_add(
        by=leader,
        outlet=outlet,
        pollutant_code="w01018",
        pollutant_name="化学需氧量",
        limit_value=Decimal("50"),
        unit="mg/L",
        averaging_period="day",
    )
    values = ["5813", "2290"]
    plan = services.draw_plan_create(
        unit=world.units["county_a"],
        title="2026年第四季度特殊监管对象抽查",
        period="2026Q4",
        draw_time=timezone.now() + timedelta(hours=1),
        seed_kind="witness",
        seed_description="两名见证人现场报数",
        witness_commitments=[draw.witness_commitment(v) for v in values],
        by=leader,
    )
    plan = services.draw_plan_publish(plan=services.draw_plan_commit(plan=plan, by=leader), by=leader)
    plan = services.draw_run(plan=plan, seed_values=values, by=leader)
    services.draw_result_publish(plan=plan, by=leader)
    return Inspection.objects.get(draw_plan=plan)


def sign(page: Any, canvas: Any) -> None:
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 30 + (step % 3) * 20)
    page.mouse.up()


def test_officer_inspects_on_a_phone(
    committed_world: Any, login: Any, live_server: Any, tmp_path: Path
) -> None:
    task = drawn_task(committed_world)
    officer = task.officers.order_by("id").first()
    page = login(officer)
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_role("link", name="固安县绿源化工有限公司").click()
    page.wait_for_selector("#inspection-form")
    # measure once the page's own stylesheet applies (sizes the 600-px signature canvases to the
    # screen); before the load event a loaded machine can lay the page out without it
    page.wait_for_load_state("load")
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    )  # no sideways scrolling

    page.get_by_label("已向当事人出示执法证件（亮证）").check()
    items = page.locator(".check-item")
    for i in range(items.count()):
        item = items.nth(i)
        if "化学需氧量" in item.inner_text():
            item.get_by_text("存在问题").click()
            item.locator(".item-note").fill("现场采样化学需氧量浓度明显异常，已留样")
        else:
            item.get_by_text("符合", exact=True).click()
    page.fill("#summary", "企业正常生产，总排口出水颜色异常")
    page.fill("#latitude", "39.436100")
    page.fill("#longitude", "116.298200")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg_with_gps())
    page.set_input_files("#photos", str(photo))
    page.wait_for_selector("#photo-list img")
    for canvas in page.locator(".sig-pad").all():
        sign(page, canvas)

    page.context.set_offline(True)
    page.get_by_role("button", name="提交检查记录").click()
    page.wait_for_selector("#net-status:not(.d-none)")
    assert "已保存在本机" in page.locator("#net-status").inner_text()
    task.refresh_from_db()
    assert task.status == "assigned"  # nothing arrived yet

    page.context.set_offline(False)  # the "online" event replays the queue
    page.wait_for_url(f"**/inspections/{task.pk}/", timeout=20000)
    page.wait_for_selector("#record-result")
    assert page.locator("#record-result").inner_text() == "发现问题"

    task.refresh_from_db()
    assert task.result == "problem" and task.certificate_shown
    assert task.items.get(outcome="problem").note.startswith("现场采样化学需氧量")  # the recorded finding
    assert task.evidence.count() == 1 and task.signatures.count() == 3
    assert AuditEvent.objects.filter(action="inspection.submit", outcome="ok").count() == 1  # sent once
    lead = Lead.objects.get(source_kind="random_inspection", source_ref=str(task.pk))
    assert "线索编号" in page.locator("#record-handling").inner_text() and task.lead_ref == str(lead.pk)
    page.locator("#record-document").click()
    assert "现场检查（勘察）笔录" in page.content()

    public = page.context.new_page()
    public.goto(f"{live_server.url}/public/draws/inspections/")
    assert "固安县绿源化工有限公司" in public.content()
    public.get_by_role("link", name="固安县绿源化工有限公司").click()
    assert public.locator("#public-result").inner_text() == "发现问题"
    assert "化学需氧量" in public.content()
