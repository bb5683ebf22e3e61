"""The entity Excel import preview runs in the background worker (issue 10 §3, §4): the request only
checks the cheap budgets and spools the file; parsing and validating every row happens here."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from ecoenforce.entities.excel import ExcelError, import_preview
from ecoenforce.org.models import User
from ecoenforce.org.uploads import spool_take
from ecoenforce.worker.jobs import job_progress, job_running


@task()
def import_preview_task(job_id: str, user_id: int, file_name: str) -> None:
    with job_running(job_id) as job:
        data = spool_take(job_id)  # gone from the spool from here on, whatever happens
        if data is None:
            raise ExcelError("上传的文件已不存在，请重新上传")
        job_progress(job_id, done=0, total=1, message="正在读取文件并逐行校验…")
        preview = import_preview(by=User.objects.get(pk=user_id), data=data, file_name=file_name)
        job.result = {"total_rows": preview.total_rows, "bad_rows": preview.bad_row_count}
        job.message = f"共 {preview.total_rows} 行数据，其中 {preview.bad_row_count} 行有错误"
        job.result_url = reverse("entities:import_preview", args=[preview.pk])
