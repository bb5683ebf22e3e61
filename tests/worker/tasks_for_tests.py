"""Tasks the worker tests enqueue (a task must be importable by its module path)."""

from __future__ import annotations

from django_tasks import task

from ecoenforce.worker.jobs import job_progress, job_running

RUNS: list[str] = []


@task()
def count_to(job_id: str, n: int) -> None:
    with job_running(job_id) as job:
        for i in range(n):
            job_progress(job_id, done=i + 1, total=n, message=f"已处理 {i + 1} 条")
        job.result = {"counted": n}
        job.result_url = "/"


@task()
def fail_in_chinese(job_id: str) -> None:
    with job_running(job_id):
        raise ValueError("文件超过行数上限（10000 行）")


@task()
def tick() -> None:
    RUNS.append("tick")
