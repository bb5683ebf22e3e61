"""Alert list export (openpyxl); every cell is written as text so "=…" never becomes a live formula."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from ecoenforce.monitoring.alerts import rule_label
from ecoenforce.monitoring.models import Alert
from ecoenforce.monitoring.selectors import pollutant_name

HEADERS = (
    "编号",
    "监管对象",
    "数采仪编码(MN)",
    "规则",
    "监测因子",
    "严重程度",
    "状态",
    "起始时间",
    "结束时间",
    "责任单位",
    "摘要",
    "排除理由",
)


def alerts_xlsx(alerts: Iterable[Alert]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "告警"
    ws.append(list(HEADERS))
    for a in alerts:
        row = [
            str(a.pk),
            a.entity.name,
            a.point.mn,
            rule_label(a.rule),
            pollutant_name(a.pollutant) if a.pollutant else "",
            a.get_severity_display(),
            a.get_status_display(),
            f"{a.window_start:%Y-%m-%d %H:%M}",
            f"{a.window_end:%Y-%m-%d %H:%M}",
            a.owner_unit.name,
            a.summary,
            a.reason,
        ]
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.value = str(cell.value) if cell.value is not None else ""
            cell.data_type = TYPE_STRING  # after the value: assigning "=…" would make it a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
