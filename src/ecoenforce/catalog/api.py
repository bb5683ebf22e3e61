"""Catalog API (read-only): the effective catalog, one item, a unit's versions, the diff of two versions.

A user reads the catalog of his unit, of units below it (his jurisdiction) and of the superiors his
unit inherits from; anything else is refused (403, recorded in the audit trail). Versions in
progress are visible only to the catalog's legal staff within their jurisdiction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from ecoenforce.catalog import selectors
from ecoenforce.catalog.models import CatalogVersion, FirstLevel, PowerType
from ecoenforce.org.permissions import authorize

router = Router()


class LegalBasisOut(Schema):
    law: str
    article: str
    paragraph: str = ""
    clause: str = ""
    kind: str = ""
    text: str = ""
    law_code: str = ""
    law_version: str = ""


class ItemOut(Schema):
    code: str
    name: str
    power_type: str
    power_type_label: str
    category: str
    legal_basis: list[LegalBasisOut]
    sanction: dict[str, Any]
    sanction_text: list[str]
    implementing_subject: str
    first_level: str
    first_level_label: str
    township_delegable: bool
    notes: str
    origin_unit_id: int
    origin_unit: str
    origin_version_id: int
    origin_version: str
    refined_by: list[str]


class LayerOut(Schema):
    unit_id: int
    unit: str
    version_id: int | None
    version: str | None


class EffectiveOut(Schema):
    unit_id: int
    unit: str
    on: date
    total: int
    count: int
    layers: list[LayerOut]
    items: list[ItemOut]


class VersionOut(Schema):
    id: int
    unit_id: int
    number: int
    label: str
    status: str
    state: str
    state_label: str
    based_on_id: int | None
    effective_from: date | None
    effective_to: date | None
    change_reason: str
    filing_authority: str
    filing_number: str
    filing_date: date | None
    created_at: datetime
    published_at: datetime | None


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class DiffItemOut(Schema):
    code: str
    name: str
    reason: str
    changes: list[FieldChangeOut]


class DiffOut(Schema):
    a_id: int
    b_id: int
    added: list[DiffItemOut]
    removed: list[DiffItemOut]
    changed: list[DiffItemOut]
    unchanged: int
    version_reasons: list[str]


class CatalogQuery(Schema):
    unit_id: int | None = None
    on: date | None = None
    q: str = ""
    power_type: PowerType | None = None
    first_level: FirstLevel | None = None
    category: str = ""


def item_out(e: selectors.EffectiveEntry) -> dict[str, Any]:
    return {
        "code": e.code,
        "name": e.name,
        "power_type": e.power_type,
        "power_type_label": e.power_type_label,
        "category": e.category,
        "legal_basis": e.legal_basis,
        "sanction": e.sanction,
        "sanction_text": e.sanction_lines,
        "implementing_subject": e.implementing_subject,
        "first_level": e.first_level,
        "first_level_label": e.first_level_label,
        "township_delegable": e.township_delegable,
        "notes": e.notes,
        "origin_unit_id": e.origin_unit.pk,
        "origin_unit": e.origin_unit.name,
        "origin_version_id": e.origin_version.pk,
        "origin_version": e.origin_version.title,
        "refined_by": e.refined_by,
    }


def version_out(info: selectors.VersionInfo) -> dict[str, Any]:
    v = info.version
    return {
        "id": v.pk,
        "unit_id": v.unit_id,
        "number": v.number,
        "label": v.label,
        "status": v.status,
        "state": info.state,
        "state_label": info.state_label,
        "based_on_id": v.based_on_id,
        "effective_from": v.effective_from,
        "effective_to": info.effective_to,
        "change_reason": v.change_reason,
        "filing_authority": v.filing_authority,
        "filing_number": v.filing_number,
        "filing_date": v.filing_date,
        "created_at": v.created_at,
        "published_at": v.published_at,
    }


@router.get("/effective", response=EffectiveOut, summary="某单位某日有效的执法事项清单")
def effective(request: HttpRequest, filters: Query[CatalogQuery]) -> dict[str, Any]:
    unit = selectors.readable_unit(request.user, filters.unit_id)
    catalog = selectors.effective_catalog(unit, filters.on)
    items = selectors.filter_entries(
        catalog.entries,
        q=filters.q,
        power_type=filters.power_type or "",
        first_level=filters.first_level or "",
        category=filters.category,
    )
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "on": catalog.on,
        "total": len(catalog.entries),
        "count": len(items),
        "layers": [
            {
                "unit_id": u.pk,
                "unit": u.name,
                "version_id": v.pk if v else None,
                "version": v.title if v else None,
            }
            for u, v in catalog.layers
        ],
        "items": [item_out(e) for e in items],
    }


@router.get("/items/{code}", response=ItemOut, summary="执法事项详情（实施依据条文、法定罚则）")
def item(
    request: HttpRequest, code: str, unit_id: int | None = None, on: date | None = None
) -> dict[str, Any]:
    unit = selectors.readable_unit(request.user, unit_id)
    found = selectors.effective_item(unit, code, on)
    if found is None:
        raise Http404
    return item_out(found)


@router.get("/versions", response=list[VersionOut], summary="某单位的清单版本（在办版本仅法制人员可见）")
def versions(request: HttpRequest, unit_id: int | None = None) -> list[dict[str, Any]]:
    unit = selectors.readable_unit(request.user, unit_id)
    return [version_out(info) for info in selectors.versions_for(unit, request.user)]


def _version(request: HttpRequest, pk: int) -> CatalogVersion:
    authorize(request.user, "catalog.view", action="catalog.view")
    return selectors.visible_version(request.user, pk)


@router.get("/diff", response=DiffOut, summary="两个版本之间新增、删除、修改的事项及理由")
def diff(request: HttpRequest, b: int, a: int | None = None) -> dict[str, Any]:
    new = _version(request, b)
    old = _version(request, a) if a is not None else (new.based_on or selectors.previous_published(new))
    if old is None:
        raise Http404
    result = selectors.diff(old, new)
    return {
        "a_id": old.pk,
        "b_id": new.pk,
        "added": result.added,
        "removed": result.removed,
        "changed": result.changed,
        "unchanged": result.unchanged,
        "version_reasons": [f"{v.title}：{r}" for v, r in result.version_reasons],
    }
