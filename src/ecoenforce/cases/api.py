"""Cases API: list (filters, full-text search), detail with timeline and clocks, to-do, transitions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from ecoenforce.cases import clocks, selectors
from ecoenforce.cases.transitions import case_transition
from ecoenforce.org.permissions import authorize

router = Router()
NO_NUL = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


class CaseOut(Schema):
    id: int
    number: str
    title: str
    state: str
    state_label: str
    entity: str
    unit: str
    act_date: str
    decided_amount: str | None


class CasePage(Schema):
    count: int
    results: list[CaseOut]


class EventOut(Schema):
    seq: int
    action: str
    label: str
    at: str
    actor: str
    reason: str


class DeadlineOut(Schema):
    clock: str
    label: str
    source: str
    due_on: str
    state: str


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    deadlines: list[DeadlineOut]


class ListParams(Schema):
    q: str = Field("", max_length=100, pattern=NO_NUL)
    state: str = Field("", max_length=24, pattern=NO_NUL)
    year: str = Field("", max_length=4, pattern=r"^\d{0,4}$")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TransitionIn(Schema):
    action: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z_]+$")
    data: dict[str, Any] = Field(default_factory=dict)
    reason: str = Field("", max_length=2000, pattern=NO_NUL)
    idempotency_key: str = Field("", max_length=64, pattern=NO_NUL)


def _case(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "state": c.state,
        "state_label": c.state_label,
        "entity": c.entity.name,
        "unit": c.unit.name,
        "act_date": c.act_date.isoformat(),
        "decided_amount": str(c.decided_amount) if c.decided_amount is not None else None,
    }


def _detail(c: Any) -> dict[str, Any]:
    events = [
        {
            "seq": e.seq,
            "action": e.action,
            "label": e.label,
            "at": e.at.isoformat(),
            "actor": e.actor.display_name if e.actor else "系统",
            "reason": e.reason,
        }
        for e in c.events.select_related("actor").order_by("seq")
    ]
    deadlines = [
        {
            "clock": d.clock,
            "label": d.label,
            "source": d.source,
            "due_on": d.due_on.isoformat(),
            "state": clocks.state_of(d).value,
        }
        for d in c.deadlines.order_by("due_on")
    ]
    return _case(c) | {"events": events, "deadlines": deadlines}


@router.get("/", response={200: CasePage, 403: ErrorOut}, summary="案件列表（按辖区，支持中文全文检索）")
def list_cases(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    authorize(request.user, "cases.view", action="cases.list")
    qs = selectors.filter_cases(
        selectors.cases_for(request.user), q=params.q, state=params.state, year=params.year, user=request.user
    )
    rows = list(qs[params.offset : params.offset + params.limit])
    return {"count": qs.count(), "results": [_case(c) for c in rows]}


@router.get("/todo", response={200: list[CaseOut], 403: ErrorOut}, summary="我的待办案件")
def todo(request: HttpRequest) -> list[dict[str, Any]]:
    authorize(request.user, "cases.view", action="cases.todo")
    ctx = selectors.todo_for(request.user)
    return [_case(c) for c in ctx["mine"] + ctx["waiting"]]


@router.get("/{int:case_id}", response={200: CaseDetailOut, 403: ErrorOut, 404: ErrorOut}, summary="案件详情")
def get_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    authorize(request.user, "cases.view", action="cases.view")
    return _detail(selectors.case_for(request.user, case_id))


@router.post(
    "/{int:case_id}/transitions",
    response={200: CaseDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="办理一个步骤（按办案流程表校验）",
)
def transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> dict[str, Any]:
    case = selectors.case_for(request.user, case_id)
    case = case_transition(
        case=case,
        action=payload.action,
        by=request.user,
        data=payload.data,
        reason=payload.reason,
        idempotency_key=payload.idempotency_key or None,
    )
    return _detail(case)


# The measures' endpoints live in their own module (same prefix /api/cases/).
from ecoenforce.cases.api_measures import router as _measures_router  # noqa: E402

router.add_router("", _measures_router)
