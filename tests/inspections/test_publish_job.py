"""Publishing a draw's result runs in the worker with progress; the job page links back to the plan,
also when the job fails; a result that does not verify is never published."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from ecoenforce.audit.models import AuditEvent
from ecoenforce.inspections import services
from ecoenforce.inspections.models import DrawPlan, DrawStatus
from ecoenforce.worker.inline import run_queued
from ecoenforce.worker.models import Job, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(published_plan: Any, leader: Any) -> Any:
    with time_machine.travel(published_plan.draw_time + timedelta(minutes=1), tick=False):
        return services.draw_run(plan=published_plan, seed_values=["11"], by=leader)


def test_publish_result_runs_as_job_and_reaches_the_portal(drawn: Any, leader: Any, client_for: Any) -> None:
    client = client_for(leader)
    url = f"/inspections/draws/{drawn.pk}/"
    job_page = client.post(url, {"action": "publish_result"})["Location"]
    client.post(url, {"action": "publish_result"})  # a second click before the worker ran
    assert job_page.startswith("/jobs/")
    assert DrawPlan.objects.get(pk=drawn.pk).status == DrawStatus.DRAWN  # nothing yet: queued
    assert drawn.result_digest not in Client().get(f"/public/draws/{drawn.pk}/").content.decode()
    assert run_queued() == 2
    jobs = list(Job.objects.filter(kind="inspections.draw_publish_result").order_by("created_at"))
    assert [j.status for j in jobs] == [JobStatus.DONE, JobStatus.FAILED]
    assert jobs[0].done == jobs[0].total == 3 and "已在门户网站公示" in jobs[0].message
    assert DrawPlan.objects.get(pk=drawn.pk).status == DrawStatus.RESULT_PUBLISHED
    assert AuditEvent.objects.filter(action="draw.publish_result", outcome="ok").count() == 1
    assert AuditEvent.objects.filter(action="draw.publish_result", outcome="refused").count() == 1
    failed = client.get(f"/jobs/{jobs[1].pk}/").content.decode()
    assert "只有已抽取、尚未公示结果的计划可以公示结果" in failed and f'href="{url}"' in failed
    assert drawn.result_digest in Client().get(f"/public/draws/{drawn.pk}/").content.decode()  # no login


def test_a_result_that_does_not_verify_is_not_published(drawn: Any, leader: Any) -> None:
    document = dict(drawn.document)
    document["result"] = dict(document["result"], selected=document["result"]["selected"][:-1])
    DrawPlan.objects.filter(pk=drawn.pk).update(document=document)
    with pytest.raises(ValidationError, match="校验未通过"):
        services.draw_result_publish(plan=drawn, by=leader)
    assert DrawPlan.objects.get(pk=drawn.pk).status == DrawStatus.DRAWN
    assert AuditEvent.objects.filter(action="draw.publish_result", outcome="refused").exists()
