"""Pages, the JSON submission endpoint, exports and the public side, as users and as an attacker."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from ecoenforce.audit.models import AuditEvent
from ecoenforce.inspections import services
from ecoenforce.inspections.models_work import Inspection
from ecoenforce.org.roles import Role
from tests.inspections.helpers import jpeg_with_gps, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(published_plan: Any, leader: Any) -> Any:
    with time_machine.travel(published_plan.draw_time + timedelta(minutes=1), tick=False):
        return services.draw_run(plan=published_plan, seed_values=["11"], by=leader)


def payload(task: Inspection, key: str = "a" * 32, **over: Any) -> dict[str, Any]:
    b64 = base64.b64encode(png()).decode()
    officers = list(task.officers.all())
    body: dict[str, Any] = {
        "key": key,
        "certificate_shown": True,
        "summary": "正常",
        "latitude": "39.4",
        "longitude": "116.3",
        "items": {i.code: ["compliant", ""] for i in task.items.all()},
        "photos": [
            {"name": "p.jpg", "data": "data:image/jpeg;base64," + base64.b64encode(jpeg_with_gps()).decode()}
        ],
        "signatures": [
            {"role": "officer", "officer": o.pk, "name": o.display_name, "data": b64} for o in officers
        ]
        + [{"role": "party", "name": "张三", "data": b64}],
    }
    body.update(over)
    return body


def test_officer_pages(drawn: Any, client_for: Any) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    officer = task.officers.first()
    client = client_for(officer)
    page = client.get("/inspections/").content.decode()
    assert task.entity.name in page
    form = client.get(f"/inspections/{task.pk}/").content.decode()
    assert "检查清单（按排污许可证）" in form and "化学需氧量" in form and "亮证" in form
    assert "第一千二百二十九条" in form


def test_submit_endpoint_is_idempotent(drawn: Any, client_for: Any) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    client = client_for(task.officers.first())
    body = json.dumps(payload(task))
    first = client.post(f"/inspections/{task.pk}/submit/", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["created"] is True
    again = client.post(f"/inspections/{task.pk}/submit/", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["created"] is False
    assert task.evidence.count() == 1 and task.signatures.count() == 3
    record = client.get(f"/inspections/{task.pk}/").content.decode()
    assert "未发现问题" in record
    evidence = task.evidence.get()
    assert client.get(f"/inspections/{task.pk}/evidence/{evidence.pk}/")["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "格式不正确"),
        ("[1, 2]", "格式不正确"),
        (None, "纬度不是有效的坐标"),
    ],
)
def test_submit_endpoint_bad_input(drawn: Any, client_for: Any, body: Any, message: str) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    client = client_for(task.officers.first())
    data = body if body is not None else json.dumps(payload(task, latitude="abc"))
    response = client.post(f"/inspections/{task.pk}/submit/", data, content_type="application/json")
    assert response.status_code == 400
    assert any(message in e for e in response.json()["errors"])


def test_out_of_scope_is_404_and_recorded(drawn: Any, client_for: Any, world: Any) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    outsider = client_for(world.user("county_b", Role.TEAM_LEADER))
    assert outsider.get(f"/inspections/{task.pk}/").status_code == 404
    assert outsider.get(f"/inspections/draws/{drawn.pk}/").status_code == 404
    response = outsider.post(
        f"/inspections/{task.pk}/submit/", json.dumps(payload(task)), content_type="application/json"
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="inspection.view", outcome="refused").exists()
    assert not task.evidence.exists()


def test_exports_write_text_cells(drawn: Any, client_for: Any, leader: Any) -> None:
    client = client_for(leader)
    for url in (
        "/inspections/all/?export=xlsx",
        "/inspections/draws/?export=xlsx",
        "/inspections/positive/?export=xlsx",
        "/inspections/plans/?export=xlsx",
        "/inspections/campaigns/?export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        ws = load_workbook(io.BytesIO(response.content)).active
        assert ws.max_row >= 1
    ws = load_workbook(io.BytesIO(client.get("/inspections/all/?export=xlsx").content)).active
    assert ws.max_row == 1 + Inspection.objects.count()


def test_management_pages_render(drawn: Any, client_for: Any, leader: Any) -> None:
    client = client_for(leader)
    for url in (
        "/inspections/draws/",
        f"/inspections/draws/{drawn.pk}/",
        "/inspections/positive/",
        "/inspections/plans/",
        "/inspections/campaigns/",
        "/inspections/all/",
    ):
        assert client.get(url).status_code == 200, url
    doc = client.get(f"/inspections/draws/{drawn.pk}/?format=json").json()
    assert doc["result_digest"] == drawn.result_digest


def test_draw_lifecycle_through_pages(
    world: Any, officers: Any, make_entity: Any, client_for: Any, leader: Any
) -> None:
    make_entity()
    client = client_for(leader)
    response = client.post(
        "/inspections/draws/",
        {
            "title": "页面抽查",
            "period": "2026Q4",
            "draw_time": "2099-01-01T10:00",
            "seed_kind": "public",
            "seed_description": "某日某指数收盘值",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    client.post(url, {"action": "commit"})
    from ecoenforce.worker.inline import run_queued

    assert run_queued() == 1  # the commitment runs in the worker
    client.post(url, {"action": "publish"})
    page = client.post(url, {"action": "run", "values": "1"}, follow=True).content.decode()
    assert "未到计划公示的抽取时间" in page


def test_public_pages(drawn: Any, client_for: Any, leader: Any) -> None:
    from django.test import Client

    anonymous = Client()
    assert drawn.title in anonymous.get("/public/draws/").content.decode()
    page = anonymous.get(f"/public/draws/{drawn.pk}/").content.decode()
    assert drawn.commitment in page and "抽中的监管对象" not in page  # result not yet published
    services.draw_result_publish(plan=drawn, by=leader)
    page = anonymous.get(f"/public/draws/{drawn.pk}/").content.decode()
    assert "抽中的监管对象" in page
    officer_names = {o.display_name for i in drawn.inspections.all() for o in i.officers.all()}
    assert not any(name in page for name in officer_names)  # names hidden until the inspection
    doc = anonymous.get(f"/public/draws/{drawn.pk}/?format=json").content
    ok = anonymous.post("/public/draws/verify/", {"text": doc.decode()}).content.decode()
    assert "验证通过" in ok
    tampered = json.loads(doc)
    tampered["seed"]["values"] = ["12"]
    bad = anonymous.post("/public/draws/verify/", {"text": json.dumps(tampered)}).content.decode()
    assert "验证未通过" in bad and "随机种子不符" in bad
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("draw.json", doc, content_type="application/json")
    assert "验证通过" in anonymous.post("/public/draws/verify/", {"file": upload}).content.decode()
    assert "请粘贴或上传" in anonymous.post("/public/draws/verify/", {"text": ""}).content.decode()


def test_entity_page_lists_its_inspections(drawn: Any, client_for: Any, leader: Any) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    page = client_for(leader).get(f"/entities/{task.entity.pk}/").content.decode()
    assert "现场检查" in page and "双随机抽查" in page


def test_api(drawn: Any, client_for: Any, world: Any) -> None:
    task = Inspection.objects.filter(draw_plan=drawn).first()
    officer = client_for(task.officers.first())
    assert [t["id"] for t in officer.get("/api/inspections/tasks").json()] == [
        i.pk
        for i in Inspection.objects.filter(officers=task.officers.first(), status="assigned").order_by(
            "due_on", "id"
        )
    ]
    leader = client_for(world.user("county_a", Role.TEAM_LEADER))
    doc = leader.get(f"/api/inspections/draws/{drawn.pk}/document").json()
    assert doc["result_digest"] == drawn.result_digest
    verdict = leader.post(
        "/api/inspections/draws/verify", json.dumps({"document": doc}), content_type="application/json"
    ).json()
    assert verdict == {"holds": True, "differences": []}
    outsider = client_for(world.user("county_b", Role.TEAM_LEADER))
    assert outsider.get(f"/api/inspections/draws/{drawn.pk}/document").status_code == 404
    assert outsider.get("/api/inspections/").json() == []


def test_settings_page_shows_sources_and_refuses_bad_values(client_for: Any, world: Any, leader: Any) -> None:
    page = client_for(leader).get("/inspections/settings/").content.decode()
    assert "每季度抽查比例不低于25%" in page and "行政处罚法》第四十二条" in page
    bad = client_for(leader).post(
        "/inspections/settings/",
        {"action": "rule", "stratum": "key", "mode": "ratio", "value": "1.5", "source": "本局规定"},
        follow=True,
    )
    assert "抽查比例应大于0且不大于1" in bad.content.decode()
    ok = client_for(leader).post(
        "/inspections/settings/",
        {
            "action": "rule",
            "stratum": "key",
            "mode": "ratio",
            "value": "0.3",
            "source": "固安县2026年实施方案",
        },
        follow=True,
    )
    assert "固安县2026年实施方案" in ok.content.decode()
    officer = client_for(world.user("county_a", Role.OFFICER))
    officer.post("/inspections/settings/", {"action": "rule", "stratum": "key", "mode": "all", "source": "x"})
    assert AuditEvent.objects.filter(action="sampling_rule.set", outcome="refused").exists()


def test_commit_and_run_go_to_the_worker_with_progress(
    world: Any, officers: Any, make_entity: Any, client_for: Any, leader: Any
) -> None:
    """A large draw runs in the background: the page hands over to a job whose progress page polls,
    reports each step and links back to the plan; nothing is drawn twice."""
    from django.utils import timezone

    from ecoenforce.inspections.models import DrawPlan, DrawStatus
    from ecoenforce.worker.inline import run_queued
    from ecoenforce.worker.models import Job, JobStatus

    for i in range(5):
        make_entity(supervision_class="key" if i < 2 else "general")
    client = client_for(leader)
    response = client.post(
        "/inspections/draws/",
        {
            "title": "后台抽查",
            "period": "2026Q4",
            "draw_time": (timezone.localtime() + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M"),
            "seed_kind": "public",
            "seed_description": "某日某指数收盘值",
        },
    )
    url = response["Location"]
    plan = DrawPlan.objects.get(title="后台抽查")
    job_page = client.post(url, {"action": "commit"})["Location"]
    assert job_page.startswith("/jobs/")
    assert run_queued() == 1
    job = Job.objects.get(kind="inspections.draw_commit")
    assert job.status == JobStatus.DONE and job.done == job.total == 3
    assert job.result_url.endswith(f"/{plan.pk}/") and "已承诺" in job.message
    page = client.get(job_page).content.decode()
    assert "已承诺" in page and job.result_url in page
    client.post(url, {"action": "publish"})
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        client.post(url, {"action": "run", "values": "3391.27"})
        client.post(url, {"action": "run", "values": "3391.28"})  # a second click before the first ran
        assert run_queued() == 2
    plan.refresh_from_db()
    assert plan.status == DrawStatus.DRAWN and plan.document["seed"]["values"] == ["3391.27"]
    runs = list(Job.objects.filter(kind="inspections.draw_run").order_by("created_at"))
    assert [j.status for j in runs] == [JobStatus.DONE, JobStatus.FAILED]
    assert runs[0].done == runs[0].total == 4 and "抽取完成" in runs[0].message
    assert "只能抽取一次" in runs[1].error
    assert plan.inspections.count() == len(plan.document["result"]["selected"])  # nothing duplicated
