"""The starter catalog (data/starter_catalog.yaml) loaded as a unit's first published version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ecoenforce.audit.services import audit_record
from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import CatalogEntry, CatalogVersion, EntryAction, VersionStatus, today
from ecoenforce.catalog.services.validation import clean_entry_data, error_messages
from ecoenforce.catalog.services.versions import version_snapshot
from ecoenforce.org.models import Unit, User
from ecoenforce.org.permissions import authorize
from ecoenforce.penalty.engine.errors import CatalogError
from ecoenforce.penalty.engine.sanction import load_yaml

STARTER_CATALOG = Path(__file__).resolve().parent.parent / "data" / "starter_catalog.yaml"

STARTER_ITEM_KEYS = frozenset(
    {
        "code",
        "name",
        "power_type",
        "category",
        "legal_basis",
        "sanction",
        "implementing_subject",
        "first_level",
        "township_delegable",
        "notes",
    }
)


def _resolve_laws(item: Mapping[str, Any], laws: Mapping[str, Any]) -> dict[str, Any]:
    """Replace law codes (AIR) in the item's legal bases by the law's name and version from `laws:`."""
    bases = []
    for basis in item.get("legal_basis") or []:
        code = basis.get("law") if isinstance(basis, Mapping) else None
        if isinstance(code, str) and code.isascii() and code not in laws:
            raise ValidationError({"legal_basis": [f"未知的法律代码「{code}」（文件的 laws 中没有定义）"]})
        if isinstance(code, str) and code in laws:
            law = laws[code]
            basis = {
                **basis,
                "law": law["name"],
                "law_code": code,
                "law_version": str(law.get("version_date", "")),
            }
        bases.append(basis)
    return {**item, "legal_basis": bases}


def _starter_document(path: Path) -> tuple[Mapping[str, Any], list[Any], str]:
    try:
        doc = load_yaml(path)
    except CatalogError as exc:
        raise ValidationError(f"起步清单文件无法读取：{exc}") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list) or not doc["items"]:
        raise ValidationError(f"起步清单 {path.name} 格式错误：缺少 items 事项列表")
    laws = doc.get("laws") or {}
    bad = (
        [str(k) for k, v in laws.items() if not isinstance(v, Mapping) or not v.get("name")]
        if isinstance(laws, Mapping)
        else ["laws"]
    )
    if bad:
        raise ValidationError(f"起步清单 {path.name} 的 laws 格式错误（缺少 name）：{'、'.join(bad)}")
    meta = f"{doc.get('catalog', '')} {doc.get('version', '')}".strip()
    return laws, doc["items"], meta


def starter_items(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """Parse and validate every item of a starter catalog file; all errors at once, each naming its item."""
    laws, items, meta = _starter_document(path)
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        where = f"第{number}项" + (
            f"（{item.get('code')}）" if isinstance(item, Mapping) and item.get("code") else ""
        )
        try:
            if not isinstance(item, Mapping):
                raise ValidationError("应为映射（键值对）")
            if unknown := sorted(str(k) for k in item if k not in STARTER_ITEM_KEYS):
                raise ValidationError(f"未知字段：{'、'.join(unknown)}")
            clean = clean_entry_data(_resolve_laws(item, laws), action=EntryAction.ADD)
        except ValidationError as exc:
            errors.extend(f"{where} {message}" for message in error_messages(exc))
            continue
        if clean["code"] in seen:
            errors.append(f"{where} 事项编码：{clean['code']} 重复")
        seen.add(clean["code"])
        out.append(clean)
    if errors:
        raise ValidationError(
            [f"起步清单 {path.name} 有 {len(errors)} 处错误，整个文件未导入：", *errors[:100]]
        )
    return meta, out


def catalog_load_starter(
    *,
    unit: Unit,
    by: User | None = None,
    path: Path | None = None,
    effective_from: date | None = None,
    label: str = "起步清单",
) -> CatalogVersion:
    """Load the starter catalog as `unit`'s first published version (demo set-up, tests).

    Every item is validated first; one invalid item refuses the whole file, naming the item.
    `by=None` only from set-up commands and tests; a user needs catalog.publish on the unit.
    """
    if by is not None:
        authorize(by, "catalog.publish", unit, action="catalog.load_starter")
    path = path or STARTER_CATALOG
    meta, items = starter_items(path)
    effective_from = effective_from or today()
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        if CatalogVersion.objects.filter(unit=unit).exists():
            raise ValidationError(f"{unit.name}已有执法事项清单版本，起步清单只能作为第一版导入")
        if selectors.inherited_catalog(unit, effective_from).entries:
            raise ValidationError(
                f"{unit.name}的上级单位已发布执法事项清单，本单位清单继承上级清单，不能再导入起步清单"
            )
        version = _first_version(unit, by, effective_from, label, f"导入起步清单：{meta}")
        CatalogEntry.objects.bulk_create(
            [
                CatalogEntry(version=version, position=i, action=EntryAction.ADD, updated_by=by, **data)
                for i, data in enumerate(items, start=1)
            ]
        )
        after = version_snapshot(version) | {"source": path.name, "catalog": meta}
        audit_record(actor=by, action="catalog.load_starter", target=version, after=after)
    return version


def _first_version(
    unit: Unit, by: User | None, effective_from: date, label: str, reason: str
) -> CatalogVersion:
    now = timezone.now()
    return CatalogVersion.objects.create(
        unit=unit,
        number=1,
        label=label,
        status=VersionStatus.PUBLISHED,
        effective_from=effective_from,
        created_by=by,
        submitted_by=by,
        approved_by=by,
        published_by=by,
        submitted_at=now,
        approved_at=now,
        published_at=now,
        change_reason=reason,
    )
