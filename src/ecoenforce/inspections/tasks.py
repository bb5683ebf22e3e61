"""Background work of inspections: committing, running and publishing the result of a draw over a
large pool, with progress.

The draw page starts a Job (ecoenforce.worker.jobs) and enqueues one of these; the job page polls
its progress and links back to the plan. A refusal (stale pool, second run…) is audited by the
service and shown on the job page in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

from ecoenforce.inspections import services
from ecoenforce.inspections.models import DrawPlan
from ecoenforce.worker.jobs import job_progress, job_running


def _reporter(job_id: str) -> services.Progress:
    def report(done: int, total: int, message: str) -> None:
        job_progress(job_id, done=done, total=total, message=message)

    return report


def _finish(job: Any, plan: DrawPlan, message: str) -> None:
    job.result = {"plan": plan.pk, "status": plan.status}
    job.result_url = reverse("inspections:draw", args=[plan.pk])
    job.message = message


@task()
def draw_commit_task(job_id: str, plan_id: int, user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    with job_running(job_id) as job:
        plan = services.draw_plan_commit(
            plan=DrawPlan.objects.get(pk=plan_id), by=user, progress=_reporter(job_id)
        )
        _finish(job, plan, f"已承诺，承诺摘要 {plan.commitment}")


@task()
def draw_run_task(job_id: str, plan_id: int, seed_values: list[str], user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    with job_running(job_id) as job:
        plan = services.draw_run(
            plan=DrawPlan.objects.get(pk=plan_id),
            seed_values=seed_values,
            by=user,
            progress=_reporter(job_id),
        )
        selected = len((plan.document or {}).get("result", {}).get("selected", []))
        _finish(job, plan, f"抽取完成：抽中{selected}个监管对象，结果摘要 {plan.result_digest}")


@task()
def draw_publish_result_task(job_id: str, plan_id: int, user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    with job_running(job_id) as job:
        plan = services.draw_result_publish(
            plan=DrawPlan.objects.get(pk=plan_id), by=user, progress=_reporter(job_id)
        )
        _finish(job, plan, f"抽取结果已在门户网站公示，结果摘要 {plan.result_digest}")
