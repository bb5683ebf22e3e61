"""Validating rows as entity_create would, the preview, and the commit."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.entities.excel.columns import (
    CLASS_BY_LABEL,
    COLUMNS,
    PREVIEW_TTL,
    STATUS_BY_LABEL,
    TITLE,
    ExcelError,
)
from ecoenforce.entities.excel.reading import read_rows
from ecoenforce.entities.models import Entity, EntityImport, EntityStatus, ImportStatus
from ecoenforce.entities.services import TerritoryIndex, normalize_entity_fields
from ecoenforce.org.divisions import validate_division_code
from ecoenforce.org.jurisdiction import in_jurisdiction
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import Refused, authorize

# ---------------------------------------------------------------- validating rows


class RowValidator:
    """Validates rows as entity_create would; keeps state for in-file duplicates and unit lookups."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.territory = TerritoryIndex()
        self.units_by_name: dict[str, Unit] = {}
        for unit in Unit.objects.filter(is_active=True):
            self.units_by_name.setdefault(unit.name, unit)
        self.allowed: dict[int, bool] = {}
        self.seen_uscc: dict[str, int] = {}

    def may_write(self, unit: Unit) -> bool:
        if unit.pk not in self.allowed:
            self.allowed[unit.pk] = in_jurisdiction(self.user, unit, write=True)
        return self.allowed[unit.pk]

    def _choice(self, raw: str, by_label: dict[str, str], default: str) -> str | None:
        if not raw:
            return default
        if raw in by_label:
            return by_label[raw]
        return raw if raw in by_label.values() else None

    def _owner(self, record: dict[str, str], errors: dict[str, str]) -> Unit | None:
        name = record.get("owner_unit", "")
        if not name and "division_code" in errors:
            return None
        unit = self.units_by_name.get(name) if name else self.territory.owner_for(record["division_code"])
        if unit is None:
            if name:
                errors["owner_unit"] = f"属地执法机构「{name}」不存在"
            elif "division_code" not in errors:
                errors["owner_unit"] = "未找到该行政区划对应的属地执法机构，请填写属地执法机构"
            return None
        if not self.may_write(unit):
            errors["owner_unit"] = f"属地执法机构「{unit.name}」不在您的辖区内，无权导入"
            return None
        return unit

    def validate(self, record: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """(clean row for storage, {}) or (None, {field: reason in Chinese})."""
        errors: dict[str, str] = {}
        for c in COLUMNS:
            if c.required and not record.get(c.field):
                errors[c.field] = "必填项为空"
        values: dict[str, Any] = {f: record.get(f, "") for f in TITLE if f != "owner_unit"}
        for field, by_label, default in (
            ("supervision_class", CLASS_BY_LABEL, ""),
            ("status", STATUS_BY_LABEL, EntityStatus.OPERATING),
        ):
            choice = self._choice(values[field], by_label, default)
            if choice is None:
                errors[field] = "取值无效，应为：" + " / ".join(by_label)
            else:
                values[field] = choice
        for field in ("latitude", "longitude"):
            try:
                values[field] = Decimal(values[field]) if values[field] else None
            except InvalidOperation:
                errors[field] = f"{TITLE[field]}应为数字（十进制度数）"
                values[field] = None
        values = normalize_entity_fields(values)
        if values["division_code"]:
            try:
                validate_division_code(values["division_code"])
            except ValidationError as exc:
                errors["division_code"] = "；".join(exc.messages)
        owner = self._owner(record, errors)
        entity = Entity(**values, owner_unit=owner)
        try:
            entity.clean_fields(exclude=[*errors, "owner_unit"])
            if owner is not None:
                entity.clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field if field in TITLE else "name", "；".join(messages))
        if errors:
            return None, errors
        return _storable(values, owner), {}

    def check_duplicate(self, number: int, uscc: str) -> str | None:
        if uscc in self.seen_uscc:
            return f"与第{self.seen_uscc[uscc]}行的统一社会信用代码重复"
        self.seen_uscc[uscc] = number
        return None


def _storable(values: dict[str, Any], owner: Unit | None) -> dict[str, Any]:
    row = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
    row["owner_unit"] = owner.pk if owner else None
    return row


def _existing_usccs(usccs: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(usccs), 900):  # under SQLite's variable limit
        found.update(Entity.objects.filter(uscc__in=usccs[i : i + 900]).values_list("uscc", flat=True))
    return found


def validate_rows(
    user: User, rows: Iterable[tuple[int, dict[str, str]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """(good rows with their row number, errors [{row, column, message}], number of rows read)."""
    validator = RowValidator(user)
    good: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    total = 0
    for number, record in rows:
        total += 1
        clean, row_errors = validator.validate(record)
        if clean is not None and (dup := validator.check_duplicate(number, clean["uscc"])):
            clean, row_errors = None, {"uscc": dup}
        if clean is None:
            errors.extend(
                {"row": number, "column": TITLE.get(f, f), "message": m} for f, m in row_errors.items()
            )
        else:
            good.append({"row": number, **clean})
    existing = _existing_usccs([g["uscc"] for g in good])
    if existing:
        for g in good:
            if g["uscc"] in existing:
                errors.append(
                    {
                        "row": g["row"],
                        "column": TITLE["uscc"],
                        "message": "统一社会信用代码已存在（监管对象重复）",
                    }
                )
        good = [g for g in good if g["uscc"] not in existing]
        errors.sort(key=lambda e: e["row"])
    return good, errors, total


# ---------------------------------------------------------------- preview and commit


def import_preview(*, by: User, data: bytes, file_name: str) -> EntityImport:
    """Parse and validate an upload; nothing is stored but the preview itself."""
    authorize(by, "entities.import", action="entity.import")
    good, errors, total = validate_rows(by, read_rows(data))
    if total == 0:
        raise ExcelError("文件中没有数据行：第1行为列名，请从第2行起填写")
    preview = EntityImport(
        id=uuid.uuid4(),
        created_by=by,
        file_name=(file_name or "upload.xlsx").replace("\x00", "")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        total_rows=total,
        good_rows=good,
        errors=errors,
        bad_row_count=len({e["row"] for e in errors}),
    )
    preview.save(force_insert=True)
    return preview


def import_get_for(user: User, pk: Any) -> EntityImport:
    """The user's own preview (another user's is not found)."""
    try:
        return EntityImport.objects.get(pk=uuid.UUID(str(pk)), created_by=user)
    except (ValueError, EntityImport.DoesNotExist) as exc:
        raise Http404("未找到该导入预览") from exc


def import_commit(*, by: User, preview: EntityImport) -> int:
    """Store the previewed good rows in one transaction with one audit event; returns the count.

    Decision: one summarising "entity.import" event (import id, file name, file SHA-256, count,
    SHA-256 of the stored rows, and the USCCs when at most 1,000) instead of one event per
    entity: the audit chain appends serially, and 100,000 events would hold its lock for minutes.
    The preview row keeps the imported rows, so the event's rows digest can be checked later.
    """
    authorize(by, "entities.import", action="entity.import")
    if preview.created_by_id != by.pk:
        raise Refused("只能提交本人上传的导入预览", action="entity.import", target=preview)
    if timezone.now() - preview.created_at > PREVIEW_TTL:
        raise ValidationError("导入预览已超过24小时，请重新上传")
    rows = preview.good_rows
    units = Unit.objects.in_bulk({r["owner_unit"] for r in rows})
    for unit in units.values():
        authorize(by, "entities.change", unit, action="entity.import")
    try:
        with transaction.atomic():
            _commit_rows(by, preview, rows, units)
    except IntegrityError as exc:  # a concurrent registration of one of the USCCs
        raise ValidationError("导入时发生数据冲突（统一社会信用代码重复），请重新上传预览") from exc
    return len(rows)


def _commit_rows(by: User, preview: EntityImport, rows: list[dict[str, Any]], units: dict[int, Unit]) -> None:
    claimed = EntityImport.objects.filter(pk=preview.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.COMMITTED, committed_at=timezone.now(), committed_count=len(rows)
    )
    if not claimed:
        raise ValidationError("该导入已提交过，不能重复提交")
    taken = _existing_usccs([r["uscc"] for r in rows])
    if taken:
        raise ValidationError(
            "预览后以下统一社会信用代码已被登记，请重新上传：" + "、".join(sorted(taken)[:20])
        )
    _bulk_insert(rows, units)
    usccs = [r["uscc"] for r in rows]
    audit_record(
        actor=by,
        action="entity.import",
        target=preview,
        after={
            "import": str(preview.pk),
            "file_name": preview.file_name,
            "file_sha256": preview.file_sha256,
            "count": len(rows),
            "bad_rows": preview.bad_row_count,
            "rows_sha256": hashlib.sha256(
                json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest(),
            **({"usccs": usccs} if len(usccs) <= 1000 else {}),
        },
    )


def _bulk_insert(rows: list[dict[str, Any]], units: dict[int, Unit]) -> None:
    batch: list[Entity] = []
    for r in rows:
        values = {k: v for k, v in r.items() if k not in ("row", "owner_unit")}
        for key in ("latitude", "longitude"):
            values[key] = Decimal(values[key]) if values[key] not in (None, "") else None
        batch.append(Entity(**values, owner_unit=units[r["owner_unit"]]))
        if len(batch) >= 1000:
            Entity.objects.bulk_create(batch)
            batch = []
    if batch:
        Entity.objects.bulk_create(batch)
