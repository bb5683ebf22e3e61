"""Pages for officers: the task list, the phone inspection form (with its offline queue), records,
evidence, and the list of all inspections with Excel export. Thin: services write, selectors read."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ecoenforce.inspections import excel, onsite, selectors
from ecoenforce.inspections.defaults import refusal_article
from ecoenforce.inspections.models_work import Evidence, InspectionStatus, SignerRole
from ecoenforce.org.models import User
from ecoenforce.org.permissions import authorize

log = logging.getLogger(__name__)
INSPECTION_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "检查类型",
    "检查单位",
    "状态",
    "检查时间",
    "检查结果",
    "处理情况",
]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def inspection_rows(qs: Any) -> list[list[object]]:
    return [
        [
            i.entity.name,
            i.entity.uscc,
            i.get_kind_display(),
            i.unit.name,
            i.get_status_display(),
            i.inspected_at.strftime("%Y-%m-%d %H:%M") if i.inspected_at else "",
            i.get_result_display(),
            i.handling,
        ]
        for i in qs
    ]


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="inspection.tasks")
    return render(request, "inspections/tasks.html", {"tasks": selectors.my_tasks(request.user)})


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "inspections.view", action="inspection.list")
    qs = selectors.inspections_for(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("export") == "xlsx":
        authorize(request.user, "inspections.export", action="inspection.export")
        return excel.response("现场检查", INSPECTION_HEADERS, inspection_rows(qs[:50000]))
    return render(
        request,
        "inspections/list.html",
        {"inspections": qs[:200], "statuses": InspectionStatus.choices, "status": status},
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "inspections.view", action="inspection.view")
    inspection = selectors.get_or_404(
        selectors.inspections_for(request.user), pk, user=request.user, action="inspection.view"
    )
    officers = list(inspection.officers.all())
    can_fill = inspection.status == InspectionStatus.ASSIGNED and request.user in officers
    context = {
        "inspection": inspection,
        "officers": officers,
        "items": inspection.items.all(),
        "can_fill": can_fill,
        "article": refusal_article(),
        "evidence": inspection.evidence.defer("data"),
        "signatures": inspection.signatures.defer("png"),
    }
    return render(request, "inspections/form.html" if can_fill else "inspections/record.html", context)


def _b64(value: Any, what: str) -> bytes:
    text = str(value or "")
    if "," in text and text.startswith("data:"):
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(f"{what}数据无法读取，请重新拍摄或签名") from exc


def _submission(payload: dict[str, Any]) -> onsite.Submission:
    items = {
        str(code): (str(v[0] or ""), str(v[1] or "")) for code, v in dict(payload.get("items") or {}).items()
    }
    photos = [
        (
            str(p.get("name") or "photo")[:200],
            _b64(p.get("data"), "照片"),
            p.get("latitude"),
            p.get("longitude"),
        )
        for p in payload.get("photos") or []
    ]
    signatures = []
    for s in payload.get("signatures") or []:
        role = str(s.get("role") or "")
        officer = (
            int(s["officer"]) if role == SignerRole.OFFICER and str(s.get("officer", "")).isdigit() else None
        )
        signatures.append((role, str(s.get("name") or ""), officer, _b64(s.get("data"), "签名")))
    return onsite.Submission(
        idempotency_key=str(payload.get("key") or ""),
        certificate_shown=bool(payload.get("certificate_shown")),
        items=items,
        summary=str(payload.get("summary") or "")[:5000],
        refused=bool(payload.get("refused")),
        refusal_note=str(payload.get("refusal_note") or "")[:2000],
        latitude=payload.get("latitude"),
        longitude=payload.get("longitude"),
        photos=photos,
        signatures=signatures,
    )


@login_required
@require_POST
def inspection_submit(request: HttpRequest, pk: int) -> JsonResponse:
    """JSON in, JSON out (the offline queue replays it): 200 stored or replayed, 400 with errors, 403, 404."""
    inspection = selectors.get_or_404(
        selectors.inspections_for(request.user), pk, user=request.user, action="inspection.submit"
    )
    try:
        payload = json.loads(request.body.decode("utf-8"))
        if not isinstance(payload, dict):
            raise ValueError("payload is not an object")
        submission = _submission(payload)
        done, created = onsite.inspection_submit(
            inspection=inspection, submission=submission, by=_user(request)
        )
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("inspection %s: malformed submission: %s", pk, exc)
        return JsonResponse({"ok": False, "errors": ["提交的数据格式不正确，请刷新页面后重试"]}, status=400)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "errors": exc.messages}, status=400)
    except PermissionDenied as exc:
        return JsonResponse({"ok": False, "errors": [str(exc)]}, status=403)
    return JsonResponse(
        {
            "ok": True,
            "created": created,
            "result": done.get_result_display(),
            "url": reverse("inspections:detail", args=[done.pk]),
        }
    )


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    authorize(request.user, "inspections.view", action="evidence.view")
    inspection = selectors.get_or_404(
        selectors.inspections_for(request.user), pk, user=request.user, action="evidence.view"
    )
    evidence = selectors.get_or_404(
        Evidence.objects.filter(inspection=inspection), evidence_id, user=request.user, action="evidence.view"
    )
    response = HttpResponse(bytes(evidence.data), content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
