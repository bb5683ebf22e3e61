"""/api/entities: list (paginated, the page's filters), detail (permits, outlets, points), create.

The same selectors and services as the pages, so the same scoping and validation. Every string
input has a max_length and a pattern that refuses NUL characters (PostgreSQL refuses \\x00 in text
and an over-long value would be a 500): such input is a 422 before it reaches the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ecoenforce.entities.industries import industry_name
from ecoenforce.entities.models import Entity, EntityStatus, SupervisionClass
from ecoenforce.entities.selectors import EntityFilters, EntityPaginator, entities_page, entity_get_for
from ecoenforce.entities.services import entity_create
from ecoenforce.org.divisions import division_full_name
from ecoenforce.org.models import Unit
from ecoenforce.org.permissions import authorize

router = Router()

NO_NUL = r"^[^\x00]*$"
CODE = r"^[0-9A-Za-z]*$"


def text(max_length: int, *, required: bool = True, pattern: str = NO_NUL, desc: str = "") -> Any:
    if required:
        return Field(..., min_length=1, max_length=max_length, pattern=pattern, description=desc)
    return Field("", max_length=max_length, pattern=pattern, description=desc)


class UnitRef(Schema):
    id: int
    name: str


class EntityOut(Schema):
    id: int
    name: str
    uscc: str
    legal_representative: str
    address: str
    division_code: str
    division_name: str
    industry_code: str
    industry_name: str
    supervision_class: str = Field(
        description="key 重点排污单位 / general 一般排污单位 / special 特殊监管对象"
    )
    supervision_class_display: str
    status: str
    status_display: str
    latitude: Decimal | None
    longitude: Decimal | None
    owner_unit: UnitRef


class PermitOut(Schema):
    id: int
    number: str
    management_class: str
    management_class_display: str
    valid_from: date
    valid_to: date


class LimitOut(Schema):
    pollutant_code: str
    pollutant_name: str
    limit_value: Decimal
    unit: str
    averaging_period: str


class PointOut(Schema):
    mn: str
    active: bool


class OutletOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    permit_id: int | None
    limits: list[LimitOut]
    monitoring_points: list[PointOut]


class EntityDetailOut(EntityOut):
    permits: list[PermitOut]
    outlets: list[OutletOut]


class EntityPage(Schema):
    count: int = Field(description="总数；名称搜索时最多计到 2001（count_truncated 为真表示超过 2000）")
    count_truncated: bool
    count_estimated: bool = Field(description="为真时 count 为数据库估算值（超过1万条时不做精确计数）")
    page: int
    page_size: int
    num_pages: int
    items: list[EntityOut]


class EntityListParams(Schema):
    q: str = text(100, required=False, desc="单位名称（包含）或统一社会信用代码（前缀）")
    supervision_class: SupervisionClass | None = None
    status: EntityStatus | None = None
    unit: int | None = Field(None, ge=1, le=2**62, description="属地执法机构编号（含下级）")
    industry: str = text(5, required=False, pattern=CODE, desc="行业代码前缀，如 C26")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(25, ge=1, le=100)


class EntityIn(Schema):
    name: str = text(200)
    uscc: str = text(18, pattern=r"^[0-9A-Za-z]+$", desc="18位统一社会信用代码")
    legal_representative: str = text(50)
    address: str = text(300)
    division_code: str = text(12, pattern=r"^[0-9]+$", desc="GB/T 2260 6位或乡镇9位")
    industry_code: str = text(5, pattern=CODE, desc="GB/T 4754-2017，如 C2611")
    supervision_class: SupervisionClass = SupervisionClass.GENERAL
    status: EntityStatus = EntityStatus.OPERATING
    latitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, max_digits=9, decimal_places=6)
    owner_unit: int | None = Field(
        None, ge=1, le=2**62, description="属地执法机构编号；不填按行政区划自动确定"
    )


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def entity_out(e: Entity) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.name,
        "uscc": e.uscc,
        "legal_representative": e.legal_representative,
        "address": e.address,
        "division_code": e.division_code,
        "division_name": division_full_name(e.division_code) or "",
        "industry_code": e.industry_code,
        "industry_name": industry_name(e.industry_code),
        "supervision_class": e.supervision_class,
        "supervision_class_display": e.get_supervision_class_display(),
        "status": e.status,
        "status_display": e.get_status_display(),
        "latitude": e.latitude,
        "longitude": e.longitude,
        "owner_unit": {"id": e.owner_unit_id, "name": e.owner_unit.name},
    }


def entity_detail_out(e: Entity) -> dict[str, Any]:
    out = entity_out(e)
    out["permits"] = [
        {
            "id": p.pk,
            "number": p.number,
            "management_class": p.management_class,
            "management_class_display": p.get_management_class_display(),
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
        }
        for p in e.permits.all()
    ]
    out["outlets"] = [
        {
            "id": o.pk,
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "permit_id": o.permit_id,
            "limits": [
                {
                    "pollutant_code": lim.pollutant_code,
                    "pollutant_name": lim.pollutant_name,
                    "limit_value": lim.limit_value,
                    "unit": lim.unit,
                    "averaging_period": lim.averaging_period,
                }
                for lim in o.limits.all()
            ],
            "monitoring_points": [{"mn": m.mn, "active": m.active} for m in o.monitoring_points.all()],
        }
        for o in e.outlets.all()
    ]
    return out


@router.get("/", response={200: EntityPage, 403: ErrorOut}, summary="监管对象列表（按辖区）")
def list_entities(request: HttpRequest, params: Query[EntityListParams]) -> dict[str, Any]:
    authorize(request.user, "entities.view", action="entity.list")
    filters = EntityFilters(
        q=params.q.strip(),
        supervision_class=params.supervision_class or "",
        status=params.status or "",
        unit=params.unit,
        industry=params.industry.upper(),
    )
    page = entities_page(request.user, filters, params.page, params.page_size)
    paginator = page.paginator
    assert isinstance(paginator, EntityPaginator)
    return {
        "count": paginator.count,
        "count_truncated": paginator.count_truncated,
        "count_estimated": paginator.count_estimated,
        "page": page.number,
        "page_size": params.page_size,
        "num_pages": paginator.num_pages,
        "items": [entity_out(e) for e in page.object_list],
    }


@router.get(
    "/{int:entity_id}",
    response={200: EntityDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="监管对象详情（许可证、排放口、监测点）",
)
def get_entity(request: HttpRequest, entity_id: int) -> dict[str, Any]:
    authorize(request.user, "entities.view", action="entity.view")
    return entity_detail_out(entity_get_for(request.user, entity_id))


@router.post("/", response={201: EntityDetailOut, 403: ErrorOut, 422: ErrorOut}, summary="登记监管对象")
def create_entity(request: HttpRequest, payload: EntityIn) -> Status[dict[str, Any]]:
    fields = payload.model_dump()
    owner_id = fields.pop("owner_unit")
    owner = None
    if owner_id is not None:
        owner = Unit.objects.filter(pk=owner_id, is_active=True).first()
        if owner is None:
            raise ValidationError({"owner_unit": "属地执法机构不存在"})
    entity = entity_create(by=request.user, owner_unit=owner, **fields)  # type: ignore[arg-type]
    return Status(201, entity_detail_out(entity_get_for(request.user, entity.pk)))
