"""The catalog's Excel import runs in the background worker (issue 10 §3, §4): the request checks the
cheap budgets and spools the file; reading, checking every row and applying them happen here."""

from __future__ import annotations

from io import BytesIO

from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tasks import task

from ecoenforce.catalog import excel
from ecoenforce.catalog.models import CatalogVersion
from ecoenforce.org.models import User
from ecoenforce.org.uploads import spool_take
from ecoenforce.worker.jobs import job_progress, job_running

MAX_ERRORS_SHOWN = 2000


class ImportFailed(Exception):
    """A refusal of the whole file, for the job page (Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@task()
def import_task(job_id: str, version_id: int, user_id: int, filename: str, reason: str) -> None:
    with job_running(job_id) as job:
        data = spool_take(job_id)  # gone from the spool from here on, whatever happens
        if data is None:
            raise ImportFailed("上传的文件已不存在，请重新上传")
        job_progress(job_id, done=0, total=1, message="正在读取文件并逐行检查…")
        version = CatalogVersion.objects.get(pk=version_id)
        try:
            report = excel.import_into_draft(version=version, by=User.objects.get(pk=user_id),
                                             upload=BytesIO(data), filename=filename, reason=reason)
        except ValidationError as exc:
            raise ImportFailed("；".join(exc.messages)) from exc
        job.result = {
            "rows": report.rows,
            "errors": [[e.row, e.column, e.reason] for e in report.errors[:MAX_ERRORS_SHOWN]],
            "error_count": len(report.errors),
            "done": report.done,
        }
        if report.ok:
            done = report.done
            unchanged = report.rows - sum(map(len, done.values()))
            job.message = (f"导入完成：新增{len(done['add'])}项，细化{len(done['refine'])}项，"
                           f"修改{len(done['update'])}项，其余{unchanged}行无变化。")
            job.result_url = reverse("catalog:version", args=[version_id])
        else:
            job.message = f"共 {report.rows} 行，发现 {len(report.errors)} 处错误，文件未导入。"
            job.result_url = reverse("catalog:import", args=[version_id]) + f"?job={job_id}"
