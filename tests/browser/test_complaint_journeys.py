"""Issue 11's journeys in headless Chromium: the public files a complaint with a photo on the map
page and later reads the reply with its code; a handler dispatches, an officer verifies, the reply
goes out and the reporter's satisfaction closes it; the enterprise never sees the reporter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ecoenforce.complaints.models import Complaint, Status
from tests.complaints.conftest import JPEG

pytestmark = pytest.mark.browser


def _answer(page: Any) -> str:
    label = page.locator("label[for=id_answer]").inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", label).groups())  # type: ignore[union-attr]
    return str(a + b)


def test_public_files_with_a_photo_then_handler_officer_reply_and_satisfaction(
    committed_world: Any, live_server: Any, page: Any, login: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = committed_world
    failed: list[str] = []
    page.on(
        "response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    page.goto(f"{live_server.url}/public/")
    page.get_by_role("link", name="我要举报").first.click()
    page.wait_for_selector("#complaint-map .leaflet-interactive")  # the local GeoJSON is drawn, no tiles
    page.select_option("#id_category", "water")
    page.fill("#id_description", "固安镇南关桥下有暗管排放黑色污水，气味很重。")
    page.locator(".map-label", has_text="固安县").click(force=True)  # the polygon under the label
    assert "已选位置：固安县" in page.locator("#map-chosen").inner_text()
    assert page.input_value("#id_division_code") == "131022"
    page.fill("#id_address", "固安镇南关桥")
    page.check("#id_anonymous")
    page.set_input_files(
        "#id_attachments", files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    page.fill("#id_answer", _answer(page))
    page.get_by_role("button", name="提交举报").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert len(code) >= 32 and not failed
    c = Complaint.objects.get()
    assert c.attachments.count() == 1 and c.latitude is not None and c.unit == world.units["county_a"]

    staff = login(world.user("county_a", "complaint_handler"))
    staff.goto(f"{live_server.url}/complaints/{c.pk}/")
    staff.get_by_role("button", name="交办", exact=True).click()
    staff.context.clear_cookies()
    officer = login(world.user("county_a", "officer"))
    officer.goto(f"{live_server.url}/complaints/{c.pk}/")
    officer.select_option("#id_finding", "violation")
    officer.fill("#id_verification", "现场发现暗管，已拍照取证。")
    officer.get_by_role("button", name="提交核查结果").click()
    officer.context.clear_cookies()
    staff = login(world.user("county_a", "complaint_handler"))
    staff.goto(f"{live_server.url}/complaints/{c.pk}/")
    staff.fill("#id_reply", "经查属实，已责令停止排放并立案调查。")
    staff.get_by_role("button", name="答复", exact=True).click()
    staff.context.clear_cookies()

    page.goto(f"{live_server.url}/public/complaints/track/")
    page.fill("#id_code", code)
    page.get_by_role("button", name="查询").click()
    assert "经查属实，已责令停止排放并立案调查。" in page.locator("#reply").inner_text()
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    assert "已办结" in page.locator("#status").inner_text()
    c.refresh_from_db()
    assert c.status == Status.CLOSED and c.satisfaction == "satisfied"
    from ecoenforce.cases.models import Lead

    assert Lead.objects.filter(source_kind="complaint", source_ref=c.number).exists()  # the verified one


def test_high_contrast_is_kept_in_this_browser(committed_world: Any, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/public/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.click("#contrast-toggle")
    page.goto(f"{live_server.url}/public/guide/")
    assert page.evaluate("document.documentElement.classList.contains('high-contrast')")
    assert page.get_attribute("#contrast-toggle", "aria-pressed") == "true"
