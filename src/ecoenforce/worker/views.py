"""A job's progress page (polled by htmx) and its JSON; only the user who started a job sees it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ecoenforce.worker.models import Job


def _own_job(request: HttpRequest, pk: Any) -> Job:
    job = Job.objects.filter(pk=pk, owner_id=request.user.pk).first()
    if job is None:
        raise Http404("没有找到该任务")
    return job


@login_required
def job_page(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _own_job(request, pk)
    template = "worker/_progress.html" if request.headers.get("HX-Request") else "worker/job.html"
    return render(request, template, {"job": job})


@login_required
def job_json(request: HttpRequest, pk: Any) -> JsonResponse:
    job = _own_job(request, pk)
    return JsonResponse({"status": job.status, "status_label": job.get_status_display(), "done": job.done,
                         "total": job.total, "percent": job.percent, "message": job.message,
                         "error": job.error, "result_url": job.result_url})
