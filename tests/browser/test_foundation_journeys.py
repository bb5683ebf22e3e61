"""Issue 2's journeys in headless Chromium: log in, see the dashboard, find an entity, import an
Excel file with one bad row (its error shown, nothing of it stored)."""

from __future__ import annotations

from typing import Any

import pytest

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities.models import Entity
from ecoenforce.entities.services import entity_create
from ecoenforce.worker.inline import run_queued
from tests.entities.conftest import entity_fields, import_row, xlsx

pytestmark = pytest.mark.browser


def test_login_shows_the_dashboard_with_drawn_charts(
    committed_world: Any, login: Any, live_server: Any
) -> None:
    officer = committed_world.user("county_a", "officer")
    page = login(officer)
    assert page.url == f"{live_server.url}/"
    assert page.locator("nav").get_by_text("监管对象").first.is_visible()
    # ECharts draws into a canvas inside each chart element
    page.wait_for_selector("[data-chart] canvas")
    assert page.locator("[data-chart] canvas").count() >= 1
    assert AuditEvent.objects.filter(action="auth.login", actor_id=officer.pk).exists()


def test_wrong_password_is_refused_in_chinese(committed_world: Any, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "county_a_officer")
    page.fill("input[name=password]", "wrong-Passw0rd!")
    page.click("button[type=submit]")
    assert page.get_by_text("用户名或密码错误").is_visible()
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_officer_finds_an_entity_and_opens_it(committed_world: Any, login: Any, live_server: Any) -> None:
    world = committed_world
    unit = world.units["county_a"]
    target = entity_create(
        by=world.user("county_a", "team_leader"),
        **entity_fields(7001, unit.division_code, owner_unit=unit, name="固安蓝天热电有限公司"),
    )
    entity_create(
        by=world.user("county_b", "team_leader"),
        **entity_fields(
            7002,
            world.units["county_b"].division_code,
            owner_unit=world.units["county_b"],
            name="永清蓝天造纸有限公司",
        ),
    )
    page = login(world.user("county_a", "officer"))
    page.goto(f"{live_server.url}/entities/")
    page.fill("input[name=q]", "蓝天")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("固安蓝天热电有限公司").first.is_visible()
    assert page.get_by_text("永清蓝天造纸有限公司").count() == 0  # another county's entity never shows
    page.get_by_text("固安蓝天热电有限公司").first.click()
    page.wait_for_load_state("networkidle")
    assert f"/entities/{target.pk}/" in page.url
    assert page.get_by_text(target.uscc).first.is_visible()


def test_import_with_one_bad_row_shows_its_error_and_stores_nothing_of_it(
    committed_world: Any, login: Any, live_server: Any, tmp_path: Any
) -> None:
    world = committed_world
    good_1, good_2 = import_row(8101), import_row(8102)
    bad = import_row(8103)
    bad[1] = "91131000MA0000000X"  # invalid USCC check character
    path = tmp_path / "监管对象导入.xlsx"
    path.write_bytes(xlsx([good_1, good_2, bad]))

    page = login(world.user("county_a", "team_leader"))
    page.goto(f"{live_server.url}/entities/import/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("#import-form button[type=submit]").click()
    page.wait_for_url("**/jobs/**")  # the preview is prepared by the background worker
    assert run_queued() == 1
    page.get_by_role("link", name="查看结果").click()  # the progress box, polled, offers the result
    page.wait_for_load_state("networkidle")

    table = page.locator("#error-table")
    assert table.is_visible()
    row_text = table.locator("tbody tr").first.inner_text()
    assert "第 4 行" in row_text  # header is row 1: the third data row
    assert "统一社会信用代码" in row_text
    assert page.locator("#good-count").inner_text() == "2"

    page.get_by_role("button", name="确认导入 2 行").click()
    page.wait_for_load_state("networkidle")
    stored = set(
        Entity.objects.filter(uscc__in=[good_1[1], good_2[1], bad[1]]).values_list("uscc", flat=True)
    )
    assert stored == {good_1[1], good_2[1]}
    assert not Entity.objects.filter(name=bad[0]).exists()
