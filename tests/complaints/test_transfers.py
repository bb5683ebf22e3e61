"""Transfers from 12345/12369 by API (token) and by Excel, and the handlers' export (text cells,
never the reporter)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from ecoenforce.complaints.models import Complaint
from ecoenforce.org.models import ApiToken

BODY = {
    "channel": "12369",
    "external_ref": "12369-0001",
    "category": "noise",
    "description": "工地夜间施工噪声扰民。",
    "address": "固安镇和平街",
    "division_code": "131022",
    "reporter_name": "吴静",
    "reporter_phone": "13100005555",
}


def _bearer(world: Any, role: str = "complaint_handler") -> dict[str, str]:
    _, raw = ApiToken.issue(user=world.user("county_a", role), name="12369")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_registers_once_seals_the_reporter_and_reports_status(world: Any) -> None:
    client, auth = Client(), _bearer(world)
    r = client.post("/api/complaints/transfers", BODY, content_type="application/json", **auth)
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["tracking_code"]) >= 32 and body["unit"] == "固安县生态环境综合执法大队"
    again = client.post("/api/complaints/transfers", BODY, content_type="application/json", **auth)
    assert again.status_code == 409 and "请勿重复提交" in again.json()["detail"]
    c = Complaint.objects.get()
    assert not c.anonymous and "吴静" not in c.identity_sealed
    status = client.get(f"/api/complaints/{c.number}", **auth).json()
    assert status["status"] == "received" and "吴静" not in str(status)


def test_api_refuses_bad_input_in_chinese_and_other_roles(world: Any) -> None:
    client = Client()
    bad = {**BODY, "category": "unknown", "description": "x\x00y", "division_code": "12"}
    r = client.post("/api/complaints/transfers", bad, content_type="application/json", **_bearer(world))
    assert r.status_code == 422 and set(r.json()["errors"]) >= {"category", "description", "division_code"}
    r = client.post(
        "/api/complaints/transfers", BODY, content_type="application/json", **_bearer(world, "officer")
    )
    assert r.status_code == 403
    other = _bearer(world)
    ApiToken.objects.all().delete()
    assert (
        client.post("/api/complaints/transfers", BODY, content_type="application/json", **other).status_code
        == 401
    )
    assert Complaint.objects.count() == 0


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["转办渠道", "转办单号", "举报类别", "举报内容", "地点", "行政区划代码", "举报人姓名", "联系电话"]
    )
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_import_reports_each_bad_row_and_stores_only_good_ones(world: Any) -> None:
    client = Client()
    client.force_login(world.user("county_a", "complaint_handler"))
    data = _xlsx(
        [
            ["12345", "A-1", "水污染", "河道发黑发臭，有异味。", "固安镇南关", "131022", "", ""],
            ["12345", "A-2", "外星污染", "内容", "地点", "131022", "", ""],
            ["99999", "A-3", "水污染", "内容内容内容", "地点", "131022", "", ""],
            ["12345", "A-1", "水污染", "河道发黑发臭，有异味。", "固安镇南关", "131022", "", ""],
        ]
    )
    r = client.post("/complaints/import/", {"file": SimpleUploadedFile("t.xlsx", data)})
    html = r.content.decode()
    assert r.status_code == 200 and "举报类别应为" in html and "转办渠道应为12345或12369" in html
    assert "请勿重复提交" in html and Complaint.objects.count() == 1
    r = client.post("/complaints/import/", {"file": SimpleUploadedFile("t.xlsx", b"not a workbook")})
    assert r.status_code == 400 and "无法读取该文件" in r.content.decode()


def test_export_is_text_and_never_holds_the_reporter(world: Any) -> None:
    from ecoenforce.complaints.services import complaint_submit

    complaint_submit(
        channel="portal",
        category="air",
        description='=HYPERLINK("http://x")',
        address="=1+1",
        division_code="131022",
        identity={"name": "郑重", "phone": "13200006666"},
    )
    client = Client()
    client.force_login(world.user("county_a", "complaint_handler"))
    r = client.get("/complaints/export/")
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type == "s" for c in cells if c.value is not None)
    text = " ".join(str(c.value) for c in cells)
    assert "=1+1" in text and "郑重" not in text and "13200006666" not in text


def test_excel_import_refuses_a_sheet_of_empty_rows_within_its_budget(world: Any) -> None:
    """A small file whose sheet declares 400,000 empty rows (issue 10 §4) is refused in Chinese, quickly,
    and registers nothing."""
    import re
    import time

    from tests.security.test_uploads import _rewrite

    base = _xlsx([["12345", "B-1", "水污染", "河道发黑发臭，有异味。", "固安镇南关", "131022", "", ""]])
    filler = "".join(f'<row r="{i}"><c r="A{i}"/></row>' for i in range(3, 400_000))
    def change(text: str) -> str:  # declare the rows too, as a real sheet of empty rows does
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:H400000"/>', text)
        return text.replace("</sheetData>", filler + "</sheetData>")

    bomb = _rewrite(base, "xl/worksheets/sheet1.xml", change)
    assert len(bomb) < 2 * 1024 * 1024
    client = Client()
    client.force_login(world.user("county_a", "complaint_handler"))
    started = time.monotonic()
    r = client.post("/complaints/import/", {"file": SimpleUploadedFile("t.xlsx", bomb)})
    assert time.monotonic() - started < 60  # the budget's own limit, not a speed target
    html = r.content.decode()
    assert r.status_code == 400 and "空行也计算在内" in html
    assert not Complaint.objects.filter(external_ref="B-1").exists()


def test_a_stale_spooled_upload_is_swept(settings: Any, tmp_path: Any) -> None:
    import os
    import time

    from ecoenforce.org.uploads import spool_put, spool_sweep

    settings.UPLOAD_SPOOL_DIR = str(tmp_path)
    spool_put("00000000-0000-0000-0000-000000000001", b"old")
    spool_put("00000000-0000-0000-0000-000000000002", b"new")
    old = tmp_path / "00000000-0000-0000-0000-000000000001.upload"
    past = time.time() - 7 * 3600
    os.utime(old, (past, past))
    assert spool_sweep() == 1
    assert not old.exists() and (tmp_path / "00000000-0000-0000-0000-000000000002.upload").exists()
