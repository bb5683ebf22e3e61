"""/api/inspections: my tasks, inspections (scoped), draw plans and their published JSON, the
positive list, and draw verification. Reads use the pages' selectors, so the same scoping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from ecoenforce.inspections import draw, selectors
from ecoenforce.org.permissions import authorize

router = Router()


class InspectionOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    kind: str
    kind_display: str
    status: str
    unit: str
    result: str
    inspected_at: datetime | None
    handling: str


def _inspection(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "entity_id": i.entity_id,
        "entity_name": i.entity.name,
        "kind": i.kind,
        "kind_display": i.get_kind_display(),
        "status": i.status,
        "unit": i.unit.name,
        "result": i.result,
        "inspected_at": i.inspected_at,
        "handling": i.handling,
    }


class DrawPlanOut(Schema):
    id: int
    title: str
    unit: str
    period: str
    status: str
    draw_time: datetime
    commitment: str
    result_digest: str


class PositiveOut(Schema):
    id: int
    entity_id: int
    entity_name: str
    status: str
    removal_trigger: str
    removal_notice: str


class VerifyIn(Schema):
    document: dict[str, Any] = Field(..., description="公开的抽查结果（docs/draw.md 第6节）")


class VerifyOut(Schema):
    holds: bool
    differences: list[str]


@router.get("/tasks", response=list[InspectionOut], summary="我的待检查任务")
def tasks(request: HttpRequest) -> list[dict[str, Any]]:
    authorize(request.user, "inspections.view", action="inspection.tasks")
    return [_inspection(i) for i in selectors.my_tasks(request.user)]


@router.get("/", response=list[InspectionOut], summary="现场检查（辖区内，最近500条）")
def inspections(request: HttpRequest) -> list[dict[str, Any]]:
    authorize(request.user, "inspections.view", action="inspection.list")
    return [_inspection(i) for i in selectors.inspections_for(request.user).order_by("-id")[:500]]


@router.get("/draws", response=list[DrawPlanOut], summary="抽查计划")
def draws(request: HttpRequest) -> list[dict[str, Any]]:
    authorize(request.user, "inspections.view", action="draw_plan.list")
    return [
        {
            "id": p.pk,
            "title": p.title,
            "unit": p.unit.name,
            "period": p.period,
            "status": p.status,
            "draw_time": p.draw_time,
            "commitment": p.commitment,
            "result_digest": p.result_digest,
        }
        for p in selectors.draw_plans_for(request.user)[:500]
    ]


@router.get("/draws/{plan_id}/document", summary="抽查结果（公开格式JSON）")
def draw_document(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    authorize(request.user, "inspections.view", action="draw_plan.view")
    plan = selectors.get_or_404(
        selectors.draw_plans_for(request.user), plan_id, user=request.user, action="draw_plan.view"
    )
    if not plan.document:
        raise Http404
    return dict(plan.document)


@router.get("/positive", response=list[PositiveOut], summary="正面清单")
def positive_list(request: HttpRequest) -> list[dict[str, Any]]:
    authorize(request.user, "inspections.view", action="positive_list.list")
    return [
        {
            "id": e.pk,
            "entity_id": e.entity_id,
            "entity_name": e.entity.name,
            "status": e.status,
            "removal_trigger": e.removal_trigger,
            "removal_notice": e.removal_notice,
        }
        for e in selectors.positive_entries_for(request.user)[:1000]
    ]


@router.post(
    "/draws/verify", response=VerifyOut, summary="验证公开的抽查结果（公众请用 /public/draws/verify/ 页面）"
)
def verify(request: HttpRequest, body: VerifyIn) -> dict[str, Any]:
    differences = draw.verify(body.document)
    return {"holds": not differences, "differences": differences}
