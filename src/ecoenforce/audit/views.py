"""The audit administrator's pages: search, event detail, Excel export, verify the chain now.

Only `audit.view` (role auditadmin) opens them; a refusal raises Refused, which the audit
middleware records. Every search, view, export and verification is itself recorded.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ecoenforce.audit import selectors
from ecoenforce.audit.chain import sm3_hex
from ecoenforce.audit.excel import EXPORT_CAP, export_name, write_events
from ecoenforce.audit.forms import EventFilterForm
from ecoenforce.audit.models import AuditEvent, AuditHead, Outcome
from ecoenforce.audit.services import audit_record, canonical_of
from ecoenforce.audit.tasks import verify_task
from ecoenforce.org.permissions import authorize
from ecoenforce.worker.jobs import job_start, job_url
from ecoenforce.worker.models import Job, JobStatus

PAGE_SIZE = 50
# What a break means, for people (the command prints the English problem).
BREAK_KINDS = (  # most specific first
    ("checkpoint refused", "签名检查点的签名无效或来自未知密钥：该检查点不可信"),
    ("differs from the checkpoint", "与已签名的检查点不符：审计链在该检查点之前被整体改写"),
    ("lies beyond the chain head (seq", "签名检查点超出当前链头：最新的事件被删除"),
    ("time runs backwards", "事件时间倒流：事件时间早于前一事件，超出允许的时钟误差"),
    ("expected seq", "序号不连续：有事件被删除、插入或调换了顺序"),
    ("prev_digest", "与前一事件的摘要链接不符：前一事件被删除、插入或调换了顺序"),
    ("digest does not match", "事件内容与其摘要不符：事件内容被修改"),
    ("event is missing", "链尾事件缺失：最新的事件被删除"),
    ("beyond the chain head", "存在链头之外的事件：有事件绕过平台被插入"),
    ("chain head", "链头记录与最后一个事件不符"),
)


def _filter_form(request: HttpRequest) -> EventFilterForm:
    form = EventFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    return form


def _record(
    action: str, *, target: Any = None, after: Any = None, outcome: str = Outcome.OK, reason: str = ""
) -> None:
    with transaction.atomic():
        audit_record(action=action, target=target, after=after, outcome=outcome, reason=reason)


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    authorize(request.user, "audit.view", action="audit.search")
    form = _filter_form(request)
    flt = form.to_filter()
    qs = selectors.events_for(request.user, flt)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    units = selectors.unit_names(e.unit_id for e in rows)
    _record(
        "audit.search", after={"filter": flt.summary(), "page": page.number, "found": page.paginator.count}
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_cap": EXPORT_CAP,
            "rows": [_display(e, units) for e in rows],
            "head": AuditHead.objects.filter(id=1).first(),
        },
    )


def _display(event: AuditEvent, units: dict[int, str]) -> dict[str, Any]:
    return {
        "event": event,
        "unit": units.get(event.unit_id, "") if event.unit_id is not None else "",
        "action_label": selectors.action_label(event.action),
        "target_label": selectors.target_label(event.target_type) if event.target_type else "",
    }


@login_required
@require_GET
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    authorize(request.user, "audit.view", action="audit.view_event")
    event = selectors.event_for(request.user, seq)
    canonical = canonical_of(event)

    _record("audit.view_event", target=("audit.auditevent", str(event.seq), str(event)))
    return render(
        request,
        "audit/event_detail.html",
        {
            "e": _display(event, selectors.unit_names([event.unit_id])),
            "canonical": canonical.decode("utf-8", "replace"),
            "canonical_length": len(canonical),
            "digest_holds": sm3_hex(canonical) == event.digest,
            "prev_seq": selectors.neighbour(request.user, event.seq, before=True),
            "next_seq": selectors.neighbour(request.user, event.seq, before=False),
        },
    )


@login_required
@require_GET
def export(request: HttpRequest) -> FileResponse:
    authorize(request.user, "audit.view", action="audit.export")
    flt = _filter_form(request).to_filter()
    qs = selectors.events_for(request.user, flt)
    total = qs.count()
    head = AuditHead.objects.filter(id=1).first()
    notes = [
        ("筛选条件", "；".join(f"{k}={v}" for k, v in flt.summary().items()) or "（无）"),
        ("导出人", request.user.get_username()),
    ]
    if head is not None:
        notes.append(("导出时审计链头", f"序号 {head.seq}，摘要 {head.digest}"))
    _record("audit.export", after={"filter": flt.summary(), "found": total, "rows": min(total, EXPORT_CAP)})
    out = write_events(qs, total=total, notes=notes)
    return FileResponse(
        out,
        as_attachment=True,
        filename=export_name(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def break_text(problem: str) -> str:
    for marker, text in BREAK_KINDS:
        if marker in problem:
            return text
    return "审计链断裂"


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Start the verification in the background worker; its progress page links to the result."""
    authorize(request.user, "audit.view", action="audit.verify")
    job = job_start(kind="audit.verify", title="校验审计链", by=request.user)
    verify_task.enqueue(str(job.pk), request.user.pk or 0)
    return redirect(job_url(job))


@login_required
@require_GET
def verify_result(request: HttpRequest, job_id: Any) -> HttpResponse:
    authorize(request.user, "audit.view", action="audit.verify")
    mine = Job.objects.filter(pk=job_id, owner_id=request.user.pk, kind="audit.verify")
    job = mine.filter(status=JobStatus.DONE).first()
    if job is None:
        raise Http404("没有找到该校验结果")
    result = dict(job.result)
    result["ok"] = "broken_seq" not in result
    result["break_text"] = break_text(result.get("problem", ""))
    return render(request, "audit/verify_result.html", {"r": result})
