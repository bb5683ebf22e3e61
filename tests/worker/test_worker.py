"""The background worker runs queued tasks for real (django-tasks-db), with progress and periodic jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecoenforce.worker.inline import run_queued
from ecoenforce.worker.jobs import job_start, job_url
from ecoenforce.worker.models import Job, JobStatus, PeriodicRun
from ecoenforce.worker.periodic import _REGISTRY, enqueue_due, register_periodic
from tests.worker import tasks_for_tests

pytestmark = pytest.mark.django_db


def _run_queue() -> None:
    run_queued()


def test_a_queued_job_runs_in_the_worker_and_reports_its_result(world):
    job = job_start(kind="test.count", title="计数", by=world.user("county_a", "officer"))
    tasks_for_tests.count_to.enqueue(str(job.pk), 7)
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED  # nothing runs inside the request
    _run_queue()
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.DONE, 7, 7, 100)
    assert job.result == {"counted": 7} and job.finished_at is not None


def test_a_failing_job_shows_its_chinese_reason(world):
    job = job_start(kind="test.fail", title="失败", by=world.user("county_a", "officer"))
    tasks_for_tests.fail_in_chinese.enqueue(str(job.pk))
    _run_queue()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "文件超过行数上限（10000 行）"


def test_only_the_owner_sees_a_job(client, world):
    job = job_start(kind="test.count", title="计数", by=world.user("county_a", "officer"))
    client.force_login(world.user("county_a", "officer"))
    page = client.get(job_url(job))
    assert page.status_code == 200 and "排队中" in page.content.decode()
    assert client.get(f"/jobs/{job.pk}/status.json").json()["status"] == "queued"
    client.force_login(world.user("county_a", "team_leader"))
    assert client.get(job_url(job)).status_code == 404
    assert client.get(f"/jobs/{job.pk}/status.json").status_code == 404


def test_progress_fragment_stops_polling_when_done(client, world):
    job = job_start(kind="test.count", title="计数", by=world.user("county_a", "officer"))
    tasks_for_tests.count_to.enqueue(str(job.pk), 3)
    client.force_login(world.user("county_a", "officer"))
    assert "hx-trigger" in client.get(job_url(job), HTTP_HX_REQUEST="true").content.decode()
    _run_queue()
    fragment = client.get(job_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "已完成" in fragment and "查看结果" in fragment


def test_periodic_job_is_enqueued_once_per_interval(monkeypatch):
    monkeypatch.setattr("ecoenforce.worker.periodic._REGISTRY", {})
    register_periodic("test.tick", every=dt.timedelta(minutes=10), task=tasks_for_tests.tick)
    now = timezone.now()
    assert enqueue_due(now) == ["test.tick"]
    assert enqueue_due(now + dt.timedelta(minutes=5)) == []
    assert enqueue_due(now + dt.timedelta(minutes=11)) == ["test.tick"]
    assert PeriodicRun.objects.get(name="test.tick").last_enqueued_at == now + dt.timedelta(minutes=11)
    tasks_for_tests.RUNS.clear()
    _run_queue()
    assert tasks_for_tests.RUNS == ["tick", "tick"]


def test_an_interval_must_be_positive():
    with pytest.raises(ValueError):
        register_periodic("bad", every=dt.timedelta(0), task=tasks_for_tests.tick)
    assert "bad" not in _REGISTRY


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_the_queue_and_exits_in_batch_mode(world):
    job = job_start(kind="test.count", title="计数", by=world.user("county_a", "officer"))
    tasks_for_tests.count_to.enqueue(str(job.pk), 2)
    call_command("worker", "--batch", "--no-periodic")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
