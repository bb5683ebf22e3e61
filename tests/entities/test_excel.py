"""Excel template, import (preview → commit) and export."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from openpyxl import load_workbook

from ecoenforce.audit.models import AuditEvent
from ecoenforce.entities import excel
from ecoenforce.entities.models import Entity, EntityImport, ImportStatus
from ecoenforce.entities.selectors import EntityFilters
from ecoenforce.org.permissions import Refused
from tests.entities.conftest import import_row, xlsx
from tests.factories import make_uscc


def test_template_has_columns_guide_and_lists() -> None:
    wb = load_workbook(io.BytesIO(excel.template_bytes()))
    assert wb.sheetnames == ["监管对象", "填写说明"]
    header = [c.value for c in wb["监管对象"][1]]
    assert header[:3] == ["单位名称*", "统一社会信用代码*", "法定代表人*"]
    assert "属地执法机构" in header
    formulas = {dv.formula1 for dv in wb["监管对象"].data_validations.dataValidation}
    assert '"重点排污单位,一般排污单位,特殊监管对象"' in formulas
    assert '"正常生产,停产,关闭,在建"' in formulas
    assert "统一社会信用代码" in {r[0].value for r in wb["填写说明"].iter_rows()}


def test_empty_template_is_refused_as_empty(world: Any) -> None:
    with pytest.raises(excel.ExcelError, match="没有数据"):
        excel.import_preview(
            by=world.user("county_a", "officer"), data=excel.template_bytes(), file_name="t.xlsx"
        )


@pytest.fixture
def mixed_upload(world: Any, entity_a: Any) -> bytes:
    rows = [
        import_row(1, "131022100"),  # 2 good → town_a
        import_row(2, "131022", supervision_class="重点排污单位"),  # 3 good → county_a
        import_row(3, uscc="91131000000000003A"),  # 4 invalid USCC
        import_row(4, "131099"),  # 5 unknown division
        import_row(5, legal_representative=None),  # 6 missing required
        import_row(6, latitude="北纬39"),  # 7 lat not a number
        import_row(7, longitude=170),  # 8 long out of range
        import_row(8, uscc=make_uscc(1)),  # 9 duplicate in file (row 2)
        import_row(9, uscc=entity_a.uscc),  # 10 already in DB
        import_row(10, "131023100"),  # 11 another county
        import_row(11, industry_code="C4411"),  # 12 bad industry
        [None] * 11,  # 13 blank: skipped
        import_row(12, supervision_class="超级"),  # 14 bad class
        import_row(13, owner_unit="永清县生态环境综合执法大队"),  # 15 owner unit not yours
    ]
    return xlsx(rows)


def errors_by_row(preview: EntityImport) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for e in preview.errors:
        out.setdefault(e["row"], []).append((e["column"], e["message"]))
    return out


def test_preview_lists_every_bad_row(world: Any, mixed_upload: bytes) -> None:
    preview = excel.import_preview(
        by=world.user("county_a", "officer"), data=mixed_upload, file_name="企业.xlsx"
    )
    assert preview.total_rows == 13
    assert [g["row"] for g in preview.good_rows] == [2, 3]
    errs = errors_by_row(preview)
    assert set(errs) == {4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15}
    assert preview.bad_row_count == 11
    assert errs[4][0][0] == "统一社会信用代码" and "统一社会信用代码无效" in errs[4][0][1]
    assert errs[5] == [("行政区划代码", "未知的行政区划代码")]
    assert errs[6] == [("法定代表人", "必填项为空")]
    assert errs[7] == [("纬度", "纬度应为数字（十进制度数）")]
    assert errs[8] == [("经度", "经度应在 73 到 136 之间（中国境内）")]
    assert errs[9] == [("统一社会信用代码", "与第2行的统一社会信用代码重复")]
    assert errs[10] == [("统一社会信用代码", "统一社会信用代码已存在（监管对象重复）")]
    assert errs[11][0][0] == "属地执法机构" and "不在您的辖区内" in errs[11][0][1]
    assert errs[12][0][0] == "行业代码" and "GB/T 4754" in errs[12][0][1]
    assert errs[14][0][0] == "监管类别" and "取值无效" in errs[14][0][1]
    assert errs[15][0][0] == "属地执法机构" and "不在您的辖区内" in errs[15][0][1]
    assert preview.file_sha256 == hashlib.sha256(mixed_upload).hexdigest()
    assert Entity.objects.count() == 1  # only entity_a: the preview stores nothing


def test_commit_stores_only_good_rows_once(world: Any, mixed_upload: bytes) -> None:
    officer = world.user("county_a", "officer")
    preview = excel.import_preview(by=officer, data=mixed_upload, file_name="企业.xlsx")
    assert excel.import_commit(by=officer, preview=preview) == 2
    stored = {e.uscc: e for e in Entity.objects.filter(name__startswith="导入测试")}
    assert set(stored) == {make_uscc(1), make_uscc(2)}
    assert stored[make_uscc(1)].owner_unit == world.units["town_a"]
    assert stored[make_uscc(2)].supervision_class == "key"
    for n in range(3, 14):
        assert not Entity.objects.filter(name=f"导入测试有限公司{n}").exists()
    event = AuditEvent.objects.get(action="entity.import")
    after = json.loads(event.after)
    assert after["count"] == 2 and after["file_name"] == "企业.xlsx"
    assert after["file_sha256"] == hashlib.sha256(mixed_upload).hexdigest()
    assert sorted(after["usccs"]) == [make_uscc(1), make_uscc(2)]
    preview.refresh_from_db()
    assert preview.status == ImportStatus.COMMITTED
    with pytest.raises(ValidationError, match="不能重复提交"):
        excel.import_commit(by=officer, preview=preview)
    assert Entity.objects.filter(name__startswith="导入测试").count() == 2
    assert AuditEvent.objects.filter(action="entity.import").count() == 1


def test_commit_refuses_when_uscc_registered_after_preview(world: Any, make_entity: Any) -> None:
    officer = world.user("county_a", "officer")
    preview = excel.import_preview(by=officer, data=xlsx([import_row(1), import_row(2)]), file_name="a.xlsx")
    make_entity("county_a", uscc=make_uscc(2))
    with pytest.raises(ValidationError, match="已被登记"):
        excel.import_commit(by=officer, preview=preview)
    assert not Entity.objects.filter(uscc=make_uscc(1)).exists()
    preview.refresh_from_db()
    assert preview.status == ImportStatus.PREVIEWED


def test_preview_belongs_to_its_uploader(world: Any) -> None:
    preview = excel.import_preview(
        by=world.user("county_a", "officer"), data=xlsx([import_row(1)]), file_name="a.xlsx"
    )
    with pytest.raises(Http404):
        excel.import_get_for(world.user("county_a", "team_leader"), preview.pk)
    with pytest.raises(Refused):
        excel.import_commit(by=world.user("county_a", "team_leader"), preview=preview)
    assert not Entity.objects.exists()


def test_owner_unit_column_by_name(world: Any) -> None:
    officer = world.user("county_a", "officer")
    preview = excel.import_preview(
        by=officer,
        data=xlsx(
            [
                import_row(1, "131022100", owner_unit="固安县生态环境综合执法大队"),
                import_row(
                    2, "131022", owner_unit="固安镇"
                ),  # county-level code, township owner: outside its territory
                import_row(3, owner_unit="不存在的单位"),
            ]
        ),
        file_name="a.xlsx",
    )
    assert [g["owner_unit"] for g in preview.good_rows] == [world.units["county_a"].pk]
    errs = errors_by_row(preview)
    assert errs[3] == [("行政区划代码", "行政区划代码不在属地执法机构的辖区范围内")]
    assert errs[4] == [("属地执法机构", "属地执法机构「不存在的单位」不存在")]


def test_wrong_columns_listed(world: Any) -> None:
    header = ["单位名称", "统一社会信用代码", "法定代表人", "地址", "行政区划代码", "监管类别", "备注"]
    with pytest.raises(excel.ExcelError) as exc:
        excel.import_preview(
            by=world.user("county_a", "officer"), data=xlsx([["a"] * 7], header=header), file_name="a.xlsx"
        )
    assert "缺少列：行业代码" in str(exc.value)
    assert "无法识别的列：备注" in str(exc.value)


def _zip_with_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is text renamed to .xlsx",
        "单位名称,统一社会信用代码\n某公司,91131000000000001X\n".encode(),
        b"PK\x03\x04 broken zip",
        _zip_with_text(),
        b"",
    ],
)
def test_non_excel_upload(world: Any, data: bytes) -> None:
    with pytest.raises(excel.ExcelError) as exc:
        excel.import_preview(by=world.user("county_a", "officer"), data=data, file_name="a.xlsx")
    assert str(exc.value) == "请上传 Excel（.xlsx）文件"
    assert not EntityImport.objects.exists()


def test_size_and_row_limits(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    officer = world.user("county_a", "officer")
    monkeypatch.setattr(excel.columns, "MAX_ROWS", 2)
    with pytest.raises(excel.ExcelError, match="超过 2 行"):
        excel.import_preview(by=officer, data=xlsx([import_row(i) for i in range(1, 4)]), file_name="a.xlsx")
    monkeypatch.setattr(excel.columns, "MAX_BYTES", 100)
    with pytest.raises(excel.ExcelError, match=r"文件超过 .* 上限"):
        excel.import_preview(by=officer, data=xlsx([import_row(1)]), file_name="a.xlsx")


@pytest.mark.parametrize("role", ["supervisor", "legal_reviewer", "sysadmin"])
def test_import_refused_for_roles(world: Any, role: str) -> None:
    with pytest.raises(Refused):
        excel.import_preview(by=world.user("city", role), data=xlsx([import_row(1)]), file_name="a.xlsx")


def test_export_has_scoped_rows(world: Any, entity_a: Any, entity_b: Any, make_entity: Any) -> None:
    make_entity("town_a", name="镇上企业", supervision_class="key")
    data, count = excel.entities_export(by=world.user("county_a", "officer"), filters=EntityFilters())
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["监管对象"].iter_rows(values_only=True))
    assert rows[0][0] == "单位名称" and count == 2
    assert {r[0] for r in rows[1:]} == {"固安甲化工有限公司", "镇上企业"}
    event = AuditEvent.objects.get(action="entity.export")
    assert json.loads(event.after)["count"] == 2
    data, count = excel.entities_export(
        by=world.user("city", "supervisor"), filters=EntityFilters(supervision_class="key")
    )
    assert count == 1


def test_export_refused_for_admin(world: Any) -> None:
    with pytest.raises(Refused):
        excel.entities_export(by=world.user("city", "auditadmin"), filters=EntityFilters())


def test_exported_file_reimports_as_duplicates(world: Any, entity_a: Any) -> None:
    officer = world.user("county_a", "officer")
    data, _ = excel.entities_export(by=officer, filters=EntityFilters())
    with pytest.raises(excel.ExcelError, match="无法识别的列：登记时间"):
        excel.import_preview(by=officer, data=data, file_name="export.xlsx")
