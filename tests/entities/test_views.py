"""Pages: a jurisdiction × role matrix over every entities page, plus the page flows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.entities.models import Entity, EntityImport
from ecoenforce.org.roles import Role
from ecoenforce.worker.inline import run_queued
from ecoenforce.worker.models import Job, JobStatus
from tests.entities.conftest import entity_fields, import_row, xlsx

EDITORS = {"officer", "team_leader", "bureau_head"}
READERS = EDITORS | {"legal_reviewer", "complaint_handler", "supervisor"}
ALL = sorted(Role.values)


@pytest.mark.parametrize("role", ALL)
def test_page_matrix(world: Any, client_for: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    """county_a's user of each role on every page, against county_a's and county_b's entity
    (one world per role: the checks run in sequence and each leaves the data as it found it)."""
    check_list(world, client_for, entity_a, entity_b, role)
    check_detail(world, client_for, entity_a, entity_b, role)
    check_import_and_export(world, client_for, entity_a, entity_b, role)
    check_edit(world, client_for, entity_a, entity_b, role)
    check_create(world, client_for, role)


def refused_recorded(action: str) -> bool:
    return AuditEvent.objects.filter(action=action, outcome=Outcome.REFUSED).exists()


def check_list(world: Any, client_for: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    response = client_for("county_a", role).get(reverse("entities:list"))
    if role not in READERS:
        assert response.status_code == 403
        assert "无权" in response.content.decode()
        assert refused_recorded("entity.list")
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert entity_a.name in body and entity_b.name not in body
    assert ("登记监管对象" in body) is (role in EDITORS)
    assert ("Excel 导入" in body) is (role in EDITORS)


def check_detail(world: Any, client_for: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    client = client_for("county_a", role)
    own = client.get(reverse("entities:detail", args=[entity_a.pk]))
    other = client.get(reverse("entities:detail", args=[entity_b.pk]))
    if role not in READERS:
        assert own.status_code == other.status_code == 403
        return
    assert own.status_code == 200
    assert entity_a.uscc in own.content.decode()
    for heading in ("排污许可证", "排放口与排放限值", "在线监测点"):  # the registry: always, "暂无…" if empty
        assert heading in own.content.decode()
    # inspections, cases, decisions and alerts show only when there are some (none for this entity)
    for section in ('id="inspections"', 'id="cases"', 'id="penalty-decisions"', 'id="alerts"', "待后续功能"):
        assert section not in own.content.decode()
    assert other.status_code == 404
    assert entity_b.name not in other.content.decode()
    assert "不在您的辖区内" in other.content.decode()
    assert AuditEvent.objects.filter(
        action="entity.view", outcome=Outcome.REFUSED, target_id=str(entity_b.pk)
    ).exists()


def check_create(world: Any, client_for: Any, role: str) -> None:
    client = client_for("county_a", role)
    page = client.get(reverse("entities:create"))
    own = client.post(
        reverse("entities:create"), entity_fields(1, "131022100", latitude="", longitude="", owner_unit="")
    )
    other = client.post(
        reverse("entities:create"), entity_fields(2, "131023100", latitude="", longitude="", owner_unit="")
    )
    tampered = client.post(
        reverse("entities:create"),
        entity_fields(3, "131023", latitude="", longitude="", owner_unit=world.units["county_b"].pk),
    )
    if role in EDITORS:
        assert page.status_code == 200
        assert own.status_code == 302
        assert Entity.objects.filter(uscc=entity_fields(1)["uscc"]).exists()
    else:
        assert page.status_code == own.status_code == 403
    assert other.status_code == tampered.status_code == 403
    assert Entity.objects.count() == 2 + (1 if role in EDITORS else 0)
    assert refused_recorded("entity.create")


def check_edit(world: Any, client_for: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    client = client_for("county_a", role)
    data = entity_fields(
        9,
        entity_a.division_code,
        uscc=entity_a.uscc,
        name="改名后",
        latitude="",
        longitude="",
        owner_unit=entity_a.owner_unit_id,
    )
    own_get = client.get(reverse("entities:edit", args=[entity_a.pk]))
    own_post = client.post(reverse("entities:edit", args=[entity_a.pk]), data)
    other = client.post(reverse("entities:edit", args=[entity_b.pk]), {**data, "uscc": entity_b.uscc})
    if role in EDITORS:
        assert own_get.status_code == 200 and own_post.status_code == 302
        entity_a.refresh_from_db()
        assert entity_a.name == "改名后"
        assert other.status_code == 404
    elif role in READERS:
        assert own_get.status_code == own_post.status_code == 403
        assert other.status_code == 404
    else:
        assert own_get.status_code == own_post.status_code == other.status_code == 403
    entity_b.refresh_from_db()
    assert entity_b.name == "永清乙纸业有限公司"


def check_import_and_export(world: Any, client_for: Any, entity_a: Any, entity_b: Any, role: str) -> None:
    client = client_for("county_a", role)
    pages = [client.get(reverse("entities:import")), client.get(reverse("entities:import_template"))]
    assert all(p.status_code == (200 if role in EDITORS else 403) for p in pages)
    export = client.get(reverse("entities:export"))
    if role not in READERS:
        assert export.status_code == 403
        return
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    names = {
        r[0] for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True)
    }
    assert names == {entity_a.name}


def test_anonymous_redirected_to_login(entity_a: Any) -> None:
    client = Client()
    for url in (
        reverse("entities:list"),
        reverse("entities:detail", args=[entity_a.pk]),
        reverse("entities:create"),
        reverse("entities:edit", args=[entity_a.pk]),
        reverse("entities:import"),
        reverse("entities:export"),
        reverse("entities:import_template"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_list_search_filters_and_htmx_partial(world: Any, client_for: Any, make_entity: Any) -> None:
    make_entity("county_a", name="固安恒达纸业有限公司", supervision_class="key")
    make_entity("county_a", name="固安瑞丰水泥有限公司")
    client = client_for("city", "team_leader")
    body = client.get(reverse("entities:list"), {"q": "纸业"}).content.decode()
    assert "恒达纸业" in body and "瑞丰水泥" not in body and "共 1 个监管对象" in body
    body = client.get(reverse("entities:list"), {"class": "general"}).content.decode()
    assert "瑞丰水泥" in body and "恒达纸业" not in body
    partial = client.get(
        reverse("entities:list"), {"q": "水泥"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert "<html" not in partial.content.decode() and "瑞丰水泥" in partial.content.decode()


def test_list_paginates(world: Any, client_for: Any, make_entity: Any) -> None:
    for i in range(30):
        make_entity("county_a", name=f"企业{i:02d}")
    client = client_for("county_a", "officer")
    first = client.get(reverse("entities:list")).content.decode()
    assert "共 30 个监管对象，第 1/2 页" in first and "企业24" in first and "企业25" not in first
    second = client.get(reverse("entities:list"), {"page": 2}).content.decode()
    assert "企业25" in second and "企业24" not in second
    assert client.get(reverse("entities:list"), {"page": "abc"}).status_code == 200


def test_create_form_shows_chinese_errors(world: Any, client_for: Any) -> None:
    client = client_for("county_a", "officer")
    response = client.post(
        reverse("entities:create"),
        entity_fields(1, "131099", uscc="91131000000000001X", latitude="", longitude="", owner_unit=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "未知的行政区划代码" in body
    assert not Entity.objects.exists()
    response = client.post(
        reverse("entities:create"),
        entity_fields(1, "131022", uscc="91131000000000001X", latitude="", longitude="", owner_unit=""),
    )
    assert "统一社会信用代码无效" in response.content.decode()


def test_detail_shows_children(world: Any, client_for: Any, entity_a: Any) -> None:
    from datetime import date

    from ecoenforce.entities.services import limit_add, monitoring_point_add, outlet_add, permit_add

    by = world.user("county_a", "officer")
    permit = permit_add(
        by=by,
        entity=entity_a,
        number="91131022-001P",
        management_class="key",
        valid_from=date(2025, 1, 1),
        valid_to=date(2029, 12, 31),
    )
    outlet = outlet_add(by=by, entity=entity_a, code="DW001", kind="water", name="废水总排口", permit=permit)
    limit_add(
        by=by,
        outlet=outlet,
        pollutant_code="w01018",
        pollutant_name="化学需氧量",
        limit_value=50,
        unit="mg/L",
        averaging_period="day",
    )
    monitoring_point_add(by=by, outlet=outlet, mn="88131022000000001", password="Ab1234")
    body = (
        client_for("county_a", "supervisor")
        .get(reverse("entities:detail", args=[entity_a.pk]))
        .content.decode()
    )
    for text in ("91131022-001P", "重点管理", "DW001", "化学需氧量", "mg/L", "日均值", "88131022000000001"):
        assert text in body
    assert "Ab1234" not in body


def test_import_flow(world: Any, client_for: Any, entity_a: Any) -> None:
    client = client_for("county_a", "officer")
    upload = io.BytesIO(
        xlsx([import_row(1, "131022100"), import_row(2, uscc="bad"), import_row(3, "131023100")])
    )
    upload.name = "企业名录.xlsx"
    response = client.post(reverse("entities:import"), {"file": upload})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    assert not EntityImport.objects.exists()  # the preview is prepared by the background worker
    assert run_queued() == 1
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.message == "共 3 行数据，其中 2 行有错误"
    preview = EntityImport.objects.get()
    assert job.result_url == reverse("entities:import_preview", args=[preview.pk])
    page = client.get(job.result_url).content.decode()
    assert (
        "第 3 行" in page
        and "第 4 行" in page
        and "统一社会信用代码无效" in page
        and "不在您的辖区内" in page
    )
    assert "确认导入 1 行" in page
    assert client.get(reverse("entities:import_errors", args=[preview.pk])).status_code == 200
    assert not Entity.objects.filter(name__startswith="导入测试").exists()
    done = client.post(reverse("entities:import_commit", args=[preview.pk]))
    assert done.status_code == 302 and done["Location"] == reverse("entities:list")
    assert Entity.objects.filter(name__startswith="导入测试").count() == 1
    again = client.post(reverse("entities:import_commit", args=[preview.pk]), follow=True)
    assert "不能重复提交" in again.content.decode()
    assert Entity.objects.filter(name__startswith="导入测试").count() == 1
    other = client_for("county_a", "team_leader").get(reverse("entities:import_preview", args=[preview.pk]))
    assert other.status_code == 404


@pytest.mark.parametrize("content,name", [(b"just text", "renamed.xlsx"), (b"a,b\n1,2\n", "data.csv")])
def test_import_non_excel_message(world: Any, client_for: Any, content: bytes, name: str) -> None:
    upload = io.BytesIO(content)
    upload.name = name
    response = client_for("county_a", "officer").post(reverse("entities:import"), {"file": upload})
    assert response.status_code == 400
    assert "请上传 Excel（.xlsx）文件" in response.content.decode()
    assert not EntityImport.objects.exists()


def test_import_wrong_columns_message(world: Any, client_for: Any) -> None:
    upload = io.BytesIO(xlsx([["x", "y"]], header=["名称", "代码"]))
    upload.name = "a.xlsx"
    client = client_for("county_a", "officer")
    job_page = client.post(reverse("entities:import"), {"file": upload})["Location"]
    assert run_queued() == 1
    body = client.get(job_page).content.decode()
    assert "缺少列：单位名称、统一社会信用代码" in body and "无法识别的列：名称、代码" in body


def test_pages_have_no_inline_script_or_style(world: Any, client_for: Any, entity_a: Any) -> None:
    client = client_for("county_a", "officer")
    for url in (
        reverse("entities:list"),
        reverse("entities:detail", args=[entity_a.pk]),
        reverse("entities:create"),
        reverse("entities:import"),
    ):
        body = client.get(url).content.decode()
        assert " style=" not in body, url
        assert "<script>" not in body, url
