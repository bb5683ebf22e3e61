"""The home page's to-do panel: what waits for each role, only within its jurisdiction, each line a link."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ecoenforce.catalog.models import CatalogVersion, VersionStatus
from ecoenforce.complaints.models import Complaint, Status
from ecoenforce.enterprise.models import AccountState, EnterpriseAccount, EnterpriseQuery
from ecoenforce.inspections.models_work import Inspection, InspectionKind
from ecoenforce.monitoring.models import Alert, AlertStatus, Severity
from ecoenforce.org.roles import Role
from ecoenforce.penalty.params import legal_parameters
from tests.factories import make_user
from tests.monitoring.conftest import MN_A, MN_B, make_plant


def complaint(world: Any, unit_key: str, n: int, status: str = Status.RECEIVED) -> Complaint:
    today = date.today()
    return Complaint.objects.create(
        number=f"TS{n:06d}", code_hash=f"{n:064d}", channel="phone", category="air",
        description="夜间排放异味",
        unit=world.units[unit_key], status=status, acknowledge_due=today + timedelta(days=5),
        handle_due=today + timedelta(days=60), deadline_source="《生态环境信访工作办法》",
    )


@pytest.fixture
def work(world: Any) -> Any:
    """county_a and county_b each have one of everything that waits; county_a a bit more."""
    now_plants = {"county_a": make_plant(world, "county_a", 7001, MN_A),
                  "county_b": make_plant(world, "county_b", 7002, MN_B, air=True)}
    today = date.today()
    for key, status in (("county_a", VersionStatus.LEGAL_REVIEW), ("county_b", VersionStatus.REVIEWED)):
        CatalogVersion.objects.create(unit=world.units[key], number=2, status=status,
                                      created_by=world.user(key, "team_leader"),
                                      submitted_by=world.user(key, "team_leader"))
    complaint(world, "county_a", 1)
    complaint(world, "county_a", 2, Status.DISPATCHED)
    complaint(world, "county_b", 3)
    for key, plant in now_plants.items():
        Alert.objects.create(owner_unit=world.units[key], point=plant.point, entity=plant.entity, rule="zero",
                             severity=Severity.LOW, status=AlertStatus.NEW,
                             window_start=f"{today}T00:00Z", window_end=f"{today}T01:00Z", summary="数据恒值")
        task = Inspection.objects.create(unit=world.units[key], entity=plant.entity,
                                         kind=InspectionKind.RANDOM, due_on=today - timedelta(days=2))
        task.officers.add(world.user(key, "officer"))
        pending = make_user(f"ent_pending_{key}", world.units[key], Role.ENTERPRISE)
        EnterpriseAccount.objects.create(user=pending, entity=plant.entity, contact_name="李四",
                                         contact_phone="13800000000")
    ent = world.user("county_a", "enterprise")
    EnterpriseAccount.objects.create(user=ent, entity=now_plants["county_a"].entity, contact_name="王五",
                                     contact_phone="13800000001", state=AccountState.APPROVED)
    EnterpriseQuery.objects.create(entity=now_plants["county_a"].entity, subject_type="monitoring.anomaly",
                                   title="数据恒值说明", question="请说明原因",
                                   asked_by=world.user("county_a", "officer"))
    return world


def panel(client: Client) -> list[tuple[str, str]]:
    """(link, text) of every line of the to-do panel on the home page."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    section = html.split('id="todo-panel"', 1)[1].split("</section>", 1)[0]
    return [(href, re.sub(r"\s+", " ", text).strip())
            for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', section, re.S)]


def texts(lines: list[tuple[str, str]]) -> str:
    return " | ".join(t for _, t in lines)


# role → lines expected on county_a's panel (substrings), and lines that must not be there
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    Role.OFFICER: (["检查任务已过期限 1 项", "在线监控告警待核实 1 条"], ["执法事项清单", "企业账户"]),
    Role.TEAM_LEADER: (["投诉举报待交办 1 件", "在线监控告警待核实 1 条"], ["待法制审核", "待局领导批准"]),
    Role.LEGAL_REVIEWER: (["固安县生态环境综合执法大队 第2版：待法制审核"], ["永清", "投诉举报"]),
    Role.BUREAU_HEAD: (["投诉举报待交办 1 件", "在线监控告警待核实 1 条"], ["待法制审核", "投诉举报待答复"]),
    Role.COMPLAINT_HANDLER: (["投诉举报待交办 1 件"], ["投诉举报待核查", "告警"]),
    Role.SYSADMIN: (["企业账户注册申请待审核 1 个"], ["投诉"]),
    Role.ENTERPRISE: (["执法机构问询待答复 1 件"], ["企业账户注册申请"]),
}


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_todo_panel_with_its_own_work(work, role):
    client = Client()
    client.force_login(work.user("county_a", role))
    lines = panel(client)
    found = texts(lines)
    wanted, unwanted = EXPECTED.get(role, ([], []))
    for text in wanted:
        assert text in found, (role, found)
    for text in unwanted:
        assert text not in found, (role, found)
    if role == Role.LEGAL_REVIEWER and any(not s.verified for s in legal_parameters()):
        assert any(href == reverse("penalty:parameters") and "法定参数待核实" in t for href, t in lines)
    if role in (Role.SECADMIN, Role.SUPERVISOR):
        assert not lines and "暂无待办事项" in client.get("/").content.decode()
    for href, text in lines:  # every line opens the page where the work is done
        assert client.get(href).status_code == 200, (role, href, text)


def test_the_panel_counts_only_the_jurisdiction(work):
    """county_b's bureau head approves county_b's version; the city's sees both counties' complaints."""
    client = Client()
    client.force_login(work.user("county_b", "bureau_head"))
    found = texts(panel(client))
    assert "永清县生态环境综合执法大队 第2版：法制审核通过，待局领导批准" in found
    assert "固安" not in found and "投诉举报待交办 1 件" in found
    client.force_login(work.user("city", "complaint_handler"))
    assert "投诉举报待交办 2 件" in texts(panel(client))
    client.force_login(work.user("city", "sysadmin"))
    assert "企业账户注册申请待审核 2 个" in texts(panel(client))


def test_the_drafter_is_not_asked_to_review_his_own_draft(work):
    version = CatalogVersion.objects.get(unit=work.units["county_a"])
    version.created_by = version.submitted_by = work.user("county_a", "legal_reviewer")
    version.save()
    client = Client()
    client.force_login(work.user("county_a", "legal_reviewer"))
    assert "待法制审核" not in texts(panel(client))


def test_refusals_reach_the_audit_administrators_panel(work):
    officer = Client()
    officer.force_login(work.user("county_a", "officer"))
    assert officer.get(reverse("org:units")).status_code == 403
    client = Client()
    client.force_login(work.user("county_a", "auditadmin"))
    lines = panel(client)
    assert any("今日被拒绝的操作" in t for _, t in lines)


def test_catalog_drafts_have_a_menu_entry_for_the_workflow_roles(work):
    for role, shown in ((Role.LEGAL_REVIEWER, True), (Role.BUREAU_HEAD, True), (Role.OFFICER, False)):
        client = Client()
        client.force_login(work.user("county_a", role))
        html = client.get(reverse("org:account")).content.decode()
        assert (f'href="{reverse("catalog:drafts")}"' in html) is shown, role
