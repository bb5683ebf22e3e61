"""Items of a draft: add, refine (lower units), update, remove, and an Excel import plan applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, EntryAction, entry_snapshot
from ecoenforce.catalog.services.validation import clean_entry_data
from ecoenforce.catalog.services.versions import ENTRY_FIELDS, _lock, _touch
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize


def _reason(version: CatalogVersion, reason: str) -> str:
    reason = reason.strip()
    if version.based_on is not None and not reason:
        raise ValidationError({"change_reason": "请填写调整理由（动态调整须说明理由）"})
    if len(reason) > 500:
        raise ValidationError({"change_reason": "调整理由不能超过500字"})
    return reason


def _next_position(version: CatalogVersion) -> int:
    return (version.entries.aggregate(p=Max("position"))["p"] or 0) + 1


def _check_new_code(
    version: CatalogVersion, code: str, action: str, catalog: selectors.EffectiveCatalog | None = None
) -> None:
    if version.entries.filter(code=code).exists():
        raise ValidationError({"code": f"本版本已有编码为 {code} 的事项"})
    inherited = (catalog or selectors.inherited_catalog(version.unit)).get(code)
    if action == EntryAction.ADD and inherited is not None:
        raise ValidationError(
            {
                "code": f"事项 {code} 已在上级清单中（{inherited.origin_unit.name} "
                f"{inherited.origin_version.title}），请使用“细化”而不是新增"
            }
        )
    if action == EntryAction.REFINE and inherited is None:
        raise ValidationError({"code": f"上级清单中没有编码为 {code} 的事项，无法细化"})


def _save_new_entry(
    version: CatalogVersion, by: User, data: dict[str, Any], action: str, reason: str
) -> CatalogEntry:
    entry = CatalogEntry(
        version=version,
        position=_next_position(version),
        action=action,
        local=version.unit.parent_id is not None,
        change_reason=reason,
        updated_by=by,
        **data,
    )
    entry.full_clean()
    entry.save()
    if entry.code in (version.removal_reasons or {}):
        version.removal_reasons.pop(entry.code)
        version.save(update_fields=["removal_reasons"])
    return entry


def entry_add(
    *, version: CatalogVersion, by: User, data: Mapping[str, Any], reason: str = ""
) -> CatalogEntry:
    """Add a new item to a draft (for a lower unit: a local item its superiors do not have)."""
    authorize(by, "catalog.draft", version, action="catalog.entry_add")
    with transaction.atomic():
        version = _lock(version)
        _touch(version)
        reason = _reason(version, reason)
        clean = clean_entry_data(data, action=EntryAction.ADD)
        _check_new_code(version, clean["code"], EntryAction.ADD)
        entry = _save_new_entry(version, by, clean, EntryAction.ADD, reason)
        audit_record(
            actor=by, action="catalog.entry_add", target=entry, after=entry_snapshot(entry), reason=reason
        )
    return entry


def entry_refine(
    *, version: CatalogVersion, by: User, data: Mapping[str, Any], reason: str = ""
) -> CatalogEntry:
    """Refine an inherited item in a lower unit's draft (subject, level, delegation, notes, local bases)."""
    authorize(by, "catalog.draft", version, action="catalog.entry_refine")
    with transaction.atomic():
        version = _lock(version)
        _touch(version)
        if version.unit.parent_id is None:
            raise ValidationError("最上级单位的清单没有可细化的上级事项，请直接修改事项")
        reason = _reason(version, reason)
        clean = clean_entry_data(data, action=EntryAction.REFINE)
        _check_new_code(version, clean["code"], EntryAction.REFINE)
        entry = _save_new_entry(version, by, clean, EntryAction.REFINE, reason)
        audit_record(
            actor=by, action="catalog.entry_refine", target=entry, after=entry_snapshot(entry), reason=reason
        )
    return entry


def _apply(entry: CatalogEntry, clean: Mapping[str, Any]) -> bool:
    changed = False
    for name in ENTRY_FIELDS:
        if name in clean and getattr(entry, name) != clean[name]:
            setattr(entry, name, clean[name])
            changed = True
    return changed


def entry_update(*, entry: CatalogEntry, by: User, data: Mapping[str, Any], reason: str = "") -> CatalogEntry:
    """Change an item of a draft. The code is its identity: to change it, remove and add."""
    authorize(by, "catalog.draft", entry.version, action="catalog.entry_update")
    with transaction.atomic():
        version = _lock(entry.version)
        _touch(version)
        entry = CatalogEntry.objects.select_for_update().get(pk=entry.pk)
        clean = clean_entry_data({**data, "code": data.get("code") or entry.code}, action=entry.action)
        if clean["code"] != entry.code:
            raise ValidationError({"code": "事项编码不能修改；如需更换编码，请删除后重新新增"})
        before = entry_snapshot(entry)
        if not _apply(entry, clean):
            return entry
        entry.change_reason = _reason(version, reason)
        entry.updated_by, entry.updated_at = by, timezone.now()
        entry.full_clean()
        entry.save()
        audit_record(
            actor=by,
            action="catalog.entry_update",
            target=entry,
            before=before,
            after=entry_snapshot(entry),
            reason=entry.change_reason,
        )
    return entry


def entry_remove(*, entry: CatalogEntry, by: User, reason: str = "") -> None:
    """Remove an item from a draft; the reason is kept on the version for the diff (动态调整)."""
    authorize(by, "catalog.draft", entry.version, action="catalog.entry_remove")
    with transaction.atomic():
        version = _lock(entry.version)
        _touch(version)
        entry = CatalogEntry.objects.get(pk=entry.pk)
        in_previous = (
            version.based_on is not None and version.based_on.entries.filter(code=entry.code).exists()
        )
        reason = _reason(version, reason) if in_previous else reason.strip()[:500]
        before = entry_snapshot(entry)
        if in_previous:
            version.removal_reasons = {
                **(version.removal_reasons or {}),
                entry.code: {"name": entry.name, "reason": reason},
            }
            version.save(update_fields=["removal_reasons"])
        entry.delete()
        audit_record(
            actor=by,
            action="catalog.entry_remove",
            target=("catalog.catalogentry", entry.code, str(entry)),
            before=before,
            reason=reason,
        )


def entries_import(
    *, version: CatalogVersion, by: User, plan: list[tuple[str, dict[str, Any]]], source: str, reason: str
) -> dict[str, list[str]]:
    """Apply an import plan built and validated by catalog.excel: ("add"|"refine"|"update", clean data)."""
    authorize(by, "catalog.draft", version, action="catalog.entries_import")
    done: dict[str, list[str]] = {"add": [], "refine": [], "update": []}
    with transaction.atomic():
        version = _lock(version)
        _touch(version)
        reason = _reason(version, reason)
        current = {e.code: e for e in version.entries.select_for_update()}
        inherited = selectors.inherited_catalog(version.unit)
        for op, clean in plan:
            if op == "update":
                entry = current[clean["code"]]
                if _apply(entry, clean):
                    entry.change_reason, entry.updated_by, entry.updated_at = reason, by, timezone.now()
                    entry.full_clean()
                    entry.save()
                    done["update"].append(entry.code)
            else:
                _check_new_code(version, clean["code"], op, inherited)
                _save_new_entry(version, by, clean, op, reason)
                done[op].append(clean["code"])
        audit_record(
            actor=by,
            action="catalog.entries_import",
            target=version,
            after=done,
            reason=f"{reason}（{source}）",
        )
    return done
