"""Excel export of the people list (openpyxl). Each export is recorded in the audit trail."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from ecoenforce.audit.services import audit_record
from ecoenforce.org.selectors import PersonRow

HEADERS = ("姓名", "用户名", "所属单位", "角色", "手机号", "执法证编号", "发证机关", "有效期起", "有效期止",
           "执法证状态", "剩余天数", "本年培训次数", "本年培训学时")
WIDTHS = (12, 18, 30, 24, 14, 18, 22, 12, 12, 12, 10, 12, 12)


def _put(cell: Cell, value: Any) -> None:
    """Write a value; text always as text, so "=…" typed into a name never becomes a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _values(row: PersonRow) -> list[Any]:
    cert = row.certificate
    person = row.person
    return [
        person.real_name, person.username, person.unit.name if person.unit else "", "、".join(row.roles),
        person.phone, cert.number if cert else "", cert.issuer if cert else "",
        cert.valid_from if cert else None, cert.valid_to if cert else None, row.status_label,
        row.days_left, row.training_count, float(row.training_hours),
    ]


def people_workbook(rows: list[PersonRow], *, by: Any, criteria: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "人员与执法证"
    for col, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        _put(ws.cell(row=1, column=col), title)
        ws.cell(row=1, column=col).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(_values(row), start=1):
            cell = ws.cell(row=r, column=col)
            _put(cell, value)
            if col in (8, 9) and value is not None:
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    wb.properties.creator = getattr(by, "username", "")
    wb.properties.created = timezone.now().replace(tzinfo=None)
    buf = BytesIO()
    wb.save(buf)
    with transaction.atomic():
        audit_record(action="people.export", target=("org.user", "", f"人员导出 {len(rows)} 人"), actor=by,
                     after={"rows": len(rows), "criteria": {k: v for k, v in criteria.items() if v}})
    return buf.getvalue()
