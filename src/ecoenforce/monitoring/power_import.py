"""Power-meter readings by Excel (分表计电): template, upload with the entities import's budgets, preview,
commit once. Rows are (电表编号, 时间, 有功功率(kW)); a reading already stored is counted, not repeated."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.excel import columns as budget
from ecoenforce.entities.models import Entity
from ecoenforce.monitoring.models import PowerImport, PowerMeter, PowerReading
from ecoenforce.monitoring.services import _aware, _float
from ecoenforce.org import uploads
from ecoenforce.org.permissions import Refused, authorize
from ecoenforce.org.uploads import Budget, UploadRefused, open_xlsx, sheet_rows
from ecoenforce.org.xlsx import text_row

MAX_BYTES = budget.MAX_BYTES  # the entities import's budgets (issue 10 §4), shared
MAX_ROWS = budget.MAX_ROWS
HEADER = ("电表编号", "时间", "有功功率(kW)")
SHEET = "用电读数"
NOT_EXCEL = "请上传 Excel（.xlsx）文件"


def template_bytes(entity: Entity) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(text_row(ws, HEADER))
    guide = wb.create_sheet("填写说明")
    guide.append(text_row(guide, ["第1行列名不要修改；时间格式 YYYY-MM-DD HH:MM（北京时间）；功率单位 kW。"]))
    guide.append(
        text_row(guide, [f"单个文件不超过20 MB、{MAX_ROWS}行；导入前先预览，有错误的行不会导入。"])
    )
    guide.append(text_row(guide, ["已登记电表", "设施名称", "设施类型"]))
    for m in PowerMeter.objects.filter(entity=entity).order_by("code"):
        guide.append(text_row(guide, [m.code, m.name, m.get_kind_display()]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _budget() -> Budget:
    """The entities import's budgets (issue 10 §4) through the shared upload checks (org/uploads.py)."""
    return Budget(
        max_bytes=MAX_BYTES,
        max_unzipped=budget.MAX_UNZIPPED,
        max_sheet_rows=MAX_ROWS + 10_000,  # data rows plus blank ones
        max_cell_chars=200,  # cells are meter codes, times and numbers
        seconds=120.0,
    )


def read_rows(data: bytes) -> Iterator[tuple[int, tuple[Any, Any, Any]]]:
    """(Excel row number, (code, time, kW)) for each non-empty row, within the entities import's budgets."""
    b = _budget()
    try:
        wb = open_xlsx(data, b)
    except UploadRefused as exc:
        raise ValidationError(NOT_EXCEL if exc.message == uploads.NOT_XLSX else exc.message) from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        count = 0
        try:
            for number, values in sheet_rows(ws, b):
                cells = (*values, None, None, None)[:3]
                if number == 1:
                    if tuple(str(h or "").strip() for h in cells) != HEADER:
                        raise ValidationError(
                            "列名与模板不一致：第1行应为“电表编号、时间、有功功率(kW)”，请下载导入模板"
                        )
                    continue
                if all(v is None or str(v).strip() == "" for v in cells):
                    continue
                count += 1
                if count > MAX_ROWS:
                    raise ValidationError(f"数据超过 {MAX_ROWS} 行上限，请拆分后分批导入")
                yield number, (cells[0], cells[1], cells[2])
        except UploadRefused as exc:
            raise ValidationError(exc.message) from exc
    finally:
        wb.close()


def check_rows(
    entity: Entity, rows: Iterator[tuple[int, tuple[Any, Any, Any]]]
) -> tuple[list[Any], list[Any], int]:
    meters = set(PowerMeter.objects.filter(entity=entity).values_list("code", flat=True))
    good, errors, total = [], [], 0
    for number, (code, when, kw) in rows:
        total += 1
        code_text = str(code if code is not None else "").strip()
        t = _aware(when)
        value = _float(kw)
        if code_text not in meters:
            errors.append({"row": number, "message": f"电表编号“{code_text[:32]}”未登记"})
        elif t is None:
            errors.append({"row": number, "message": "时间格式应为 YYYY-MM-DD HH:MM"})
        elif value is None or not 0 <= value <= 1e6:
            errors.append({"row": number, "message": "有功功率应为0至1000000之间的数字"})
        else:
            good.append([code_text, t.isoformat(), value])
    return good, errors, total


def power_import_preview(*, entity: Entity, data: bytes, file_name: str, by: Any) -> PowerImport:
    """Read and check an upload; nothing but the preview is stored."""
    authorize(by, "monitoring.feed", entity, action="power_readings.import")
    good, errors, total = check_rows(entity, read_rows(data))
    if total == 0:
        raise ValidationError("文件中没有读数：第1行为列名，请从第2行起填写")
    preview = PowerImport(
        id=uuid.uuid4(),
        entity=entity,
        created_by=by,
        file_name=(file_name or "upload.xlsx").replace("\x00", "")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        total_rows=total,
        good_rows=good,
        errors=errors[:5000],
    )
    preview.save(force_insert=True)
    return preview


def power_import_get_for(user: Any, pk: Any) -> PowerImport:
    """The user's own preview (another user's is not found)."""
    try:
        return PowerImport.objects.select_related("entity").get(pk=uuid.UUID(str(pk)), created_by=user)
    except (ValueError, PowerImport.DoesNotExist) as exc:
        raise Http404("未找到该导入预览") from exc


PREVIEW_TTL = dt.timedelta(hours=24)


def power_import_commit(*, preview: PowerImport, by: Any) -> PowerImport:
    """Store the previewed good rows once, with one audit event; returns the preview with its counts."""
    authorize(by, "monitoring.feed", preview.entity, action="power_readings.import")
    if preview.created_by_id != by.pk:
        raise Refused("只能提交本人上传的导入预览", action="power_readings.import", target=preview)
    if timezone.now() - preview.created_at > PREVIEW_TTL:
        raise ValidationError("导入预览已超过24小时，请重新上传")
    with transaction.atomic():
        claimed = PowerImport.objects.filter(pk=preview.pk, status=PowerImport.Status.PREVIEWED).update(
            status=PowerImport.Status.COMMITTED
        )
        if not claimed:
            raise ValidationError("该预览已经提交过，不能重复导入")
        meters = {m.code: m for m in PowerMeter.objects.filter(entity=preview.entity)}
        rows = [
            PowerReading(meter=meters[c], reading_time=dt.datetime.fromisoformat(t), power_kw=v)
            for c, t, v in preview.good_rows
            if c in meters
        ]
        before = PowerReading.objects.filter(meter__entity=preview.entity).count()
        PowerReading.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        added = PowerReading.objects.filter(meter__entity=preview.entity).count() - before
        PowerImport.objects.filter(pk=preview.pk).update(added=added, duplicates=len(rows) - added)
        audit_record(
            actor=by,
            action="power_readings.import",
            target=preview.entity,
            after={
                "import": str(preview.pk),
                "file_sha256": preview.file_sha256,
                "rows": len(rows),
                "added": added,
            },
        )
    preview.refresh_from_db()
    return preview
