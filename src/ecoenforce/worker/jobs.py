"""Long work with progress: start a Job, enqueue its task, let the task report progress and the result.

Usage in an app:

    @task()
    def import_preview_task(job_id: str, ...) -> None:
        with job_running(job_id) as job:
            for i, row in enumerate(rows):
                ...
                job_progress(job_id, done=i + 1, total=len(rows))
            job.result = {...}

    job = job_start(kind="entities.import", title="导入预览", by=user)
    import_preview_task.enqueue(str(job.id), ...)
    return redirect(job_url(job))
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ecoenforce.worker.models import Job, JobStatus

logger = logging.getLogger(__name__)


def job_start(*, kind: str, title: str, by: Any, total: int = 0) -> Job:
    owner = by if getattr(by, "pk", None) else None
    return Job.objects.create(kind=kind, title=title, owner=owner, total=total)


def job_url(job: Job) -> str:
    return reverse("worker:job", args=[job.pk])


def job_progress(job_id: Any, *, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress outside the task's own transaction, so the page sees it while the work goes on."""
    fields: dict[str, Any] = {"done": done}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


@contextmanager
def job_running(job_id: Any) -> Iterator[Job]:
    """Mark the job running; on exit store result and status. An exception marks it failed (with a Chinese
    message when the exception carries one) and is re-raised so the worker logs it."""
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    try:
        yield job
    except Exception as exc:
        message = getattr(exc, "message", None) or (exc.args[0] if exc.args else "")
        user_text = message if isinstance(message, str) and message else "任务执行失败，请联系系统管理员。"
        logger.exception("job %s (%s) failed", job_id, job.kind)
        with transaction.atomic():
            Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=user_text[:2000],
                                                 finished_at=timezone.now())
        raise
    Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=job.result, result_url=job.result_url,
                                         message=job.message, finished_at=timezone.now())
    Job.objects.filter(pk=job_id, done__lt=F("total")).update(done=F("total"))
