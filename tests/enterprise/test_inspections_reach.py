"""Inspections reach the enterprise: its application for the positive list enters the staff's
workflow and its result shows on its pages; its inspection results, the problems found with the law
behind each (linked to the statute library), the re-inspection date; evidence answering a finding."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecoenforce.audit.models import AuditEvent
from ecoenforce.enterprise.models import Application, Evidence
from ecoenforce.entities.services import monitoring_point_add
from ecoenforce.inspections import onsite, positive
from ecoenforce.inspections.models import PositiveListEntry, PositiveStatus
from ecoenforce.org.roles import Role
from ecoenforce.statutes.services import statutes_load
from tests.enterprise.conftest import PDF
from tests.inspections.conftest import leader, make_entity, officers  # noqa: F401 (fixtures)
from tests.inspections.helpers import full_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligible(make_entity: Any, leader: Any) -> Any:  # noqa: F811
    entity = make_entity(supervision_class="key")
    monitoring_point_add(by=leader, outlet=entity.outlets.get(), mn="MN131022000000000000077")
    return entity


def test_the_application_enters_the_staff_workflow_and_its_result_shows(
    world: Any, eligible: Any, bind: Any
) -> None:
    account, client = bind(eligible, "ent_pos")
    r = client.post("/enterprise/positive-list/", {"reason": "近三年无违法记录，自行监测数据完整。"})
    assert r.status_code == 302
    entry = PositiveListEntry.objects.get(entity=eligible)
    assert entry.how == "application" and entry.status == PositiveStatus.NOMINATED
    assert entry.nominated_by == account.user and all(c["met"] for c in entry.criteria)
    assert Application.objects.get(entity=eligible).handoff_ref == str(entry.pk)
    assert AuditEvent.objects.filter(action="positive_list.apply", outcome="ok").count() == 1
    # the staff see it on their positive-list page and take it through review and approval as today
    staff = world.user("county_a", Role.TEAM_LEADER)
    from django.test import Client

    sc = Client()
    sc.force_login(staff)
    assert eligible.name in sc.get("/inspections/positive/").content.decode()
    entry = positive.positive_list_review(
        entry=entry, approve=True, by=world.user("county_a", Role.LEGAL_REVIEWER)
    )
    entry = positive.positive_list_approve(
        entry=entry, approve=True, by=world.user("county_a", Role.BUREAU_HEAD)
    )
    positive.positive_list_publish(entry=entry, by=world.user("county_a", Role.BUREAU_HEAD))
    html = client.get("/enterprise/").content.decode()
    assert "监督执法正面清单" in html and "已公布（在清单内）" in html and "企业申请" in html
    # a second application while listed is refused, in Chinese, and the refusal is audited
    r = client.post("/enterprise/positive-list/", {"reason": "再次申请"})
    assert r.status_code == 400 and "不能重复申请" in r.content.decode()
    assert Application.objects.filter(entity=eligible).count() == 1
    assert AuditEvent.objects.filter(action="enterprise.positive_list", outcome="refused").count() == 1


def test_an_entity_short_of_the_criteria_is_told_which_and_nothing_is_filed(
    make_entity: Any,  # noqa: F811
    bind: Any,
) -> None:
    entity = make_entity(permit=False)
    _, client = bind(entity, "ent_nopermit")
    r = client.post("/enterprise/positive-list/", {"reason": "申请"})
    html = r.content.decode()
    assert r.status_code == 400 and "暂不符合纳入条件" in html and "排污许可" in html
    assert not PositiveListEntry.objects.filter(entity=entity).exists()
    assert not Application.objects.filter(entity=entity).exists()
    assert AuditEvent.objects.filter(action="enterprise.positive_list", outcome="refused").exists()


def test_inspection_results_problems_law_and_reinspection_date(
    world: Any,
    eligible: Any,
    bind: Any,
    officers: Any,  # noqa: F811
    leader: Any,  # noqa: F811
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    statutes_load()
    task = onsite.inspection_create(
        unit=world.units["county_a"], entity=eligible, kind="planned", officers=officers[:2], by=leader
    )
    problem = task.items.get(category="排放限值")
    done, _ = onsite.inspection_submit(
        inspection=task, submission=full_submission(task, problem_code=problem.code), by=officers[0]
    )
    due = date.today() + timedelta(days=30)
    onsite.inspection_create(
        unit=world.units["county_a"],
        entity=eligible,
        kind="reinspection",
        officers=officers[:2],
        by=leader,
        previous=done,
        due_on=due,
    )
    _, client = bind(eligible, "ent_insp")
    html = client.get("/enterprise/").content.decode()
    assert "现场检查结果" in html and "发现问题" in html
    assert problem.text in html and "现场发现超标排放" in html
    assert f"复查日期 {due:%Y-%m-%d}" in html
    # 普法: the basis names the Code's article, linked to its text in the public statute library
    article = problem.basis.split("：")[0].split("》")[1]
    assert article in html and "/public/laws/" in html and "#a" in html
    link = html.split('href="/public/laws/')[1].split('"')[0]
    page = client.get("/public/laws/" + link.replace("&amp;", "&"))
    assert page.status_code == 200 and article in page.content.decode()
    # rectification evidence answering this inspection's findings
    subject = f"inspections.inspection:{done.pk}"
    assert f'value="{subject}"' in html
    r = client.post(
        "/enterprise/evidence/",
        {"subject": subject, "note": "已更换在线监测探头", "file": SimpleUploadedFile("r.pdf", PDF)},
    )
    assert r.status_code == 302
    ev = Evidence.objects.get(entity=eligible)
    assert (ev.subject_type, ev.subject_id) == ("inspections.inspection", str(done.pk))
    assert "已更换在线监测探头" in client.get("/enterprise/").content.decode()
