"""The audit trail's background work: the periodic signed checkpoint."""

from __future__ import annotations

from django_tasks import task

from ecoenforce.audit.anchoring import checkpoint_write


@task()
def checkpoint_task() -> int | None:
    """Sign and append a checkpoint when one is due (audit/anchoring.py); returns its seq."""
    cp = checkpoint_write()
    return cp.seq if cp else None


@task()
def verify_task(job_id: str, user_id: int) -> None:
    """立即校验审计链 from the audit page: the whole chain and the signed checkpoints."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse

    from ecoenforce.audit import anchoring
    from ecoenforce.audit.models import Outcome
    from ecoenforce.audit.services import audit_record
    from ecoenforce.audit.verify import verify_chain
    from ecoenforce.worker.jobs import job_progress, job_running

    user = get_user_model().objects.get(pk=user_id)
    with job_running(job_id) as job:
        job_progress(job_id, done=0, message="正在逐一重新计算摘要并核对链接…")
        report = verify_chain()
        brk: object = report.first_break
        if brk is None:
            checkpoints = anchoring.read_checkpoints()
            brk = anchoring.check_checkpoints(checkpoints, anchoring.public_keys(), report.head_seq)
        summary = {
            "checked": report.checked,
            "head_seq": report.head_seq,
            "head_digest": report.head_digest,
            "seconds": round(report.seconds, 3),
            "rate": round(report.rate),
        }
        outcome, reason = Outcome.OK, ""
        if brk is not None:
            seq, problem = brk.seq, brk.problem  # type: ignore[attr-defined]
            summary |= {"broken_seq": seq, "problem": problem}
            outcome, reason = Outcome.FAILED, f"审计链在第 {seq} 号事件处断裂"
        with transaction.atomic():
            audit_record(action="audit.verify", after=summary, outcome=outcome, reason=reason, actor=user)
        job.result = summary
        job.result_url = reverse("audit:verify-result", args=[job_id])
