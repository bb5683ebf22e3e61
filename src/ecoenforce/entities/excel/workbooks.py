"""The import template, the export of the filtered list, and a preview's error list (.xlsx)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.excel.columns import CLASS_BY_LABEL, COLUMNS, MAX_ROWS, SHEET, STATUS_BY_LABEL
from ecoenforce.entities.models import Entity, EntityImport
from ecoenforce.entities.selectors import EntityFilters, entities_for
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize
from ecoenforce.org.xlsx import text_row

# ---------------------------------------------------------------- template and export


def _header(ws: Any, titles: list[str]) -> None:
    ws.append(titles)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBDD")
    for i, title in enumerate(titles):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = max(12, len(title) * 2 + 4)


def template_bytes() -> bytes:
    """The import template: the data sheet with drop-down lists, and a 填写说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _header(ws, [c.title + ("*" if c.required else "") for c in COLUMNS])
    ws.freeze_panes = "A2"
    for field, labels in (("supervision_class", CLASS_BY_LABEL), ("status", STATUS_BY_LABEL)):
        letter = ws.cell(row=1, column=[c.field for c in COLUMNS].index(field) + 1).column_letter
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="输入有误",
            error="请从下拉列表中选择",
        )
        dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    for c in COLUMNS:
        if c.field in ("uscc", "division_code", "industry_code"):
            letter = ws.cell(row=1, column=COLUMNS.index(c) + 1).column_letter
            for row in range(2, 1002):
                ws[f"{letter}{row}"].number_format = "@"  # text, so leading zeros and long codes survive
    guide = wb.create_sheet("填写说明")
    _header(guide, ["列名", "是否必填", "填写要求"])
    for c in COLUMNS:
        guide.append([c.title, "必填" if c.required else "选填", c.help])
    guide.append([])
    guide.append(["说明", "", "第1行为列名，请勿修改；从第2行起每行一个监管对象；标*的列必填。"])
    guide.append(["说明", "", f"单个文件不超过20 MB、{MAX_ROWS}行。导入前会先预览，有错误的行不会导入。"])
    guide.append(
        [
            "示例",
            "",
            "某某化工有限公司 | 91131022MA0A1B2C3X | 张三 | 固安县某某路1号 | 131022100 | "
            "C2614 | 重点排污单位 | 正常生产 | 39.4321 | 116.3012",
        ]
    )
    guide.column_dimensions["C"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _export_rows(qs: Iterable[Entity]) -> Iterator[list[Any]]:
    for e in qs:
        yield [
            e.name,
            e.uscc,
            e.legal_representative,
            e.address,
            e.division_code,
            e.industry_code,
            e.get_supervision_class_display(),
            e.get_status_display(),
            float(e.latitude) if e.latitude is not None else None,
            float(e.longitude) if e.longitude is not None else None,
            e.owner_unit.name,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
        ]


def entities_export(*, by: User, filters: EntityFilters) -> tuple[bytes, int]:
    """The filtered list as .xlsx (write-only, streamed rows); recorded as "entity.export"."""
    authorize(by, "entities.export", action="entity.export")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([c.title for c in COLUMNS] + ["登记时间"])
    count = 0
    for row in _export_rows(entities_for(by, filters).iterator(chunk_size=2000)):
        ws.append(text_row(ws, row))  # a name like "=HYPERLINK(…)" stays text
        count += 1
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    with transaction.atomic():
        audit_record(
            actor=by,
            action="entity.export",
            target=("entities.entity", "", "监管对象导出"),
            after={"count": count, "filters": filters.as_dict(), "sha256": hashlib.sha256(data).hexdigest()},
        )
    return data, count


def errors_workbook(preview: EntityImport) -> bytes:
    """Every bad row of a preview as .xlsx (行号, 列, 原因)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误清单")
    ws.append(["行号", "列", "原因"])
    for e in preview.errors:
        ws.append(text_row(ws, [e["row"], e["column"], e["message"]]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
