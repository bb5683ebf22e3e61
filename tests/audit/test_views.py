"""The audit administrator's pages: who may open them, filters, detail, Excel export, verify now."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from ecoenforce.audit.context import AuditContext, reset_context, set_context
from ecoenforce.audit.excel import COLUMNS
from ecoenforce.audit.models import AuditEvent, Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.org.roles import Role

LIST, EXPORT, VERIFY = "/audit/", "/audit/export/", "/audit/verify/"


def detail(seq: int) -> str:
    return f"/audit/events/{seq}/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(user: Any, action: str, *, target: Any = None, outcome: str = Outcome.OK, **kw: Any) -> AuditEvent:
    token = set_context(AuditContext(actor=user, ip="10.9.8.7", user_agent="pytest"))
    try:
        with transaction.atomic():
            return audit_record(action=action, target=target, outcome=outcome, **kw)
    finally:
        reset_context(token)


@pytest.fixture
def acts(world: Any) -> dict[str, AuditEvent]:
    """Some business events by users of several units."""
    return {
        "a_officer": act(
            world.user("county_a", "officer"),
            "entity.change",
            target=("entities.entity", "17", "甲厂"),
            before={"status": "在产"},
            after={"status": "停产"},
        ),
        "a_town": act(
            world.user("town_a", "officer"), "case.transition", target=("cases.case", "5", "案件5")
        ),
        "b_officer": act(
            world.user("county_b", "officer"), "entity.change", target=("entities.entity", "18", "乙厂")
        ),
        "b_refused": act(
            world.user("county_b", "team_leader"),
            "catalog.publish",
            outcome=Outcome.REFUSED,
            reason="您的角色无权执行此操作",
        ),
        "formula": act(
            world.user("county_a", "team_leader"),
            "entity.change",
            target=("entities.entity", "19", '=HYPERLINK("http://evil.example","点我")'),
        ),
    }


# --- who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_the_audit_administrator_opens_the_audit_pages(world, acts, role):
    user = world.user("city", role)
    client = client_for(user)
    seq = acts["a_officer"].seq
    pages = [
        ("get", LIST, "audit.search"),
        ("get", detail(seq), "audit.view_event"),
        ("get", EXPORT, "audit.export"),
        ("post", VERIFY, "audit.verify"),
    ]
    for method, url, action in pages:
        before = AuditEvent.objects.order_by("-seq").first().seq
        response = getattr(client, method)(url)
        if role == Role.AUDITADMIN:
            if url == VERIFY:  # the verification itself runs in the worker
                from ecoenforce.worker.inline import run_queued

                assert response.status_code == 302 and run_queued() == 1
            else:
                assert response.status_code == 200, url
            assert AuditEvent.objects.filter(
                seq__gt=before, action=action, actor_id=user.pk, outcome__in=[Outcome.OK, Outcome.FAILED]
            ).exists(), url
        else:
            assert response.status_code == 403, (role, url)
            refusal = AuditEvent.objects.get(seq=before + 1)  # the refusal itself is recorded
            assert (refusal.action, refusal.outcome, refusal.actor_id) == (action, Outcome.REFUSED, user.pk)


def test_the_system_administrator_cannot_read_the_audit_trail(world, acts):
    """三员分立: sysadmin and secadmin run the system; only the audit administrator reads its trail."""
    for role in (Role.SYSADMIN, Role.SECADMIN):
        client = client_for(world.user("city", role))
        for response in (
            client.get(LIST),
            client.get(detail(acts["a_officer"].seq)),
            client.get(EXPORT),
            client.post(VERIFY),
        ):
            assert response.status_code == 403
            assert acts["a_officer"].digest.encode() not in response.content
            assert b"county_a_officer" not in response.content
        assert "审计记录" not in client.get("/").content.decode()  # not in the menu either


@pytest.mark.parametrize("url", [LIST, detail(1), EXPORT])
def test_anonymous_visitors_are_sent_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_verify_wants_post(world):
    assert client_for(world.user("city", "auditadmin")).get(VERIFY).status_code == 405


# --- the list and its filters -------------------------------------------------------------------


def listed(client: Client, **params: Any) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [row["event"].seq for row in response.context["rows"]]


def test_the_list_is_newest_first_and_in_chinese(world, acts):
    client = client_for(world.user("city", "auditadmin"))
    response = client.get(LIST)
    page = response.content.decode()
    assert "审计记录" in page and "立即校验审计链" in page and "导出 Excel" in page
    seqs = [row["event"].seq for row in response.context["rows"]]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 50  # the world made more than a page


def test_filters(world, acts):
    client = client_for(world.user("city", "auditadmin"))
    a, b = acts["a_officer"], acts["b_officer"]
    assert listed(client, actor="county_a_officer") == [a.seq]
    assert set(listed(client, unit=world.units["county_a"].pk)) == {
        a.seq,
        acts["a_town"].seq,
        acts["formula"].seq,
    }
    assert listed(client, action="case.") == [acts["a_town"].seq]
    assert listed(client, outcome="refused", action="catalog") == [acts["b_refused"].seq]
    assert listed(client, target_type="entities.entity", target_id="18") == [b.seq]
    today = timezone.localdate()
    assert a.seq in listed(client, since=today.isoformat(), until=today.isoformat(), action="entity.")
    assert listed(client, since=(today + timedelta(days=1)).isoformat()) == []
    assert listed(client, until=(today - timedelta(days=1)).isoformat()) == []


def test_a_bad_filter_value_is_shown_not_fatal(world, acts):
    client = client_for(world.user("city", "auditadmin"))
    response = client.get(LIST, {"since": "not-a-date", "actor": "county_b_officer"})
    assert response.status_code == 200
    assert [r["event"].seq for r in response.context["rows"]] == [acts["b_officer"].seq]
    assert response.context["form"].errors["since"]


def test_the_audit_administrator_of_a_county_sees_his_county_only(world, acts):
    client = client_for(world.user("county_a", "auditadmin"))
    seqs = set(listed(client, action="entity.")) | set(listed(client, action="case."))
    assert seqs == {acts["a_officer"].seq, acts["formula"].seq, acts["a_town"].seq}
    assert client.get(detail(acts["b_officer"].seq)).status_code == 404
    system_event = AuditEvent.objects.filter(unit_id__isnull=True).first()  # world set-up, no unit
    assert client.get(detail(system_event.seq)).status_code == 404
    assert client_for(world.user("city", "auditadmin")).get(detail(system_event.seq)).status_code == 200


def test_searching_is_recorded_with_the_filter(world, acts):
    auditor = world.user("city", "auditadmin")
    client_for(auditor).get(LIST, {"actor": "county_a_officer"})
    event = AuditEvent.objects.filter(action="audit.search").latest("seq")
    assert event.actor_id == auditor.pk and '"actor":"county_a_officer"' in event.after


# --- an event's page ----------------------------------------------------------------------------


def test_the_detail_shows_everything_and_that_the_digest_holds(world, acts):
    event = acts["a_officer"]
    response = client_for(world.user("city", "auditadmin")).get(detail(event.seq))
    page = response.content.decode()
    assert response.status_code == 200 and response.context["digest_holds"]
    for text in (
        event.digest,
        event.prev_digest,
        "在产",
        "停产",
        "county_a_officer",
        "10.9.8.7",
        "entity.change",
    ):
        assert text in page
    assert AuditEvent.objects.filter(action="audit.view_event", target_id=str(event.seq)).exists()


def test_the_detail_of_a_missing_event_is_404(world):
    assert client_for(world.user("city", "auditadmin")).get(detail(99999)).status_code == 404


# --- Excel export -------------------------------------------------------------------------------


def workbook(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_the_filtered_rows(world, acts):
    auditor = world.user("city", "auditadmin")
    wb = workbook(client_for(auditor).get(EXPORT, {"action": "entity.change"}))
    sheet = wb["审计记录"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(header for header, _ in COLUMNS)
    expected = sorted((acts[k].seq for k in ("a_officer", "b_officer", "formula")), reverse=True)
    assert [r[0] for r in rows[1:]] == expected
    by_seq = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    a = by_seq[acts["a_officer"].seq]
    assert (a["操作人"], a["单位"], a["结果"], a["摘要"]) == (
        "county_a_officer",
        "固安县生态环境综合执法大队"[-6:],
        "成功",
        acts["a_officer"].digest,
    )
    formula = by_seq[acts["formula"].seq]["对象"]
    assert formula.startswith("=HYPERLINK")  # kept as text ...
    assert sheet.cell(row=[r[0] for r in rows].index(acts["formula"].seq) + 1, column=12).data_type == "s"
    info = dict(wb["说明"].iter_rows(values_only=True))
    assert info["符合条件的事件数"] == "3" and "action=entity.change" in info["筛选条件"]
    export = AuditEvent.objects.filter(action="audit.export").latest("seq")
    assert export.actor_id == auditor.pk and '"found":3' in export.after


def test_a_large_export_is_capped_with_a_note(world, acts, monkeypatch):
    monkeypatch.setattr("ecoenforce.audit.excel.EXPORT_CAP", 4)
    wb = workbook(client_for(world.user("city", "auditadmin")).get(EXPORT))
    assert wb["审计记录"].max_row == 5  # header + 4
    info = dict(wb["说明"].iter_rows(values_only=True))
    assert info["本文件包含的事件数"] == "4" and "请缩小时间范围" in info["提示"]


# --- verify now ---------------------------------------------------------------------------------


def _verify_in_the_worker(client):
    """POST starts a job (a redirect to its progress page); the worker runs it; the result page."""
    from ecoenforce.worker.inline import run_queued
    from ecoenforce.worker.models import Job

    started = client.post(VERIFY)
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    assert run_queued() >= 1
    job = Job.objects.get(kind="audit.verify")
    assert job.status == "done", job.error
    progress = client.get(started["Location"]).content.decode()
    assert job.result_url in progress
    return client.get(job.result_url)


def test_verify_now_runs_in_the_worker_reports_a_holding_chain_and_records_it(world, acts):
    client = client_for(world.user("city", "auditadmin"))
    response = _verify_in_the_worker(client)
    page = response.content.decode()
    assert response.status_code == 200 and "校验通过" in page and response.context["r"]["ok"]
    event = AuditEvent.objects.filter(action="audit.verify").latest("seq")
    assert event.outcome == Outcome.OK and '"checked":' in event.after
    assert event.actor_name == world.user("city", "auditadmin").username


def test_verify_now_names_the_broken_event(world, acts, tamper):
    tamper.change(acts["b_officer"].seq)
    response = _verify_in_the_worker(client_for(world.user("city", "auditadmin")))
    page = response.content.decode()
    assert f"第 {acts['b_officer'].seq} 号事件处断裂" in page and "事件内容被修改" in page
    event = AuditEvent.objects.filter(action="audit.verify").latest("seq")
    assert event.outcome == Outcome.FAILED and f'"broken_seq":{acts["b_officer"].seq}' in event.after


def test_a_verify_result_is_only_for_its_auditor(world, acts):
    from ecoenforce.worker.models import Job

    _verify_in_the_worker(client_for(world.user("city", "auditadmin")))
    url = Job.objects.get(kind="audit.verify").result_url
    assert client_for(world.user("county_a", "auditadmin")).get(url).status_code == 404
    assert client_for(world.user("city", "officer")).get(url).status_code == 403


def test_the_pages_carry_no_inline_script_or_style(world, acts):
    client = client_for(world.user("city", "auditadmin"))
    for response in (
        client.get(LIST),
        client.get(detail(acts["a_officer"].seq)),
        _verify_in_the_worker(client),
    ):
        page = response.content.decode()
        assert "<script>" not in page and "style=" not in page and "onclick" not in page


def test_the_detail_links_to_the_neighbours_in_the_jurisdiction(world, acts):
    client = client_for(world.user("county_a", "auditadmin"))
    response = client.get(detail(acts["a_town"].seq))
    # b_officer and b_refused (county B) lie between a_town and formula: skipped.
    assert response.context["next_seq"] == acts["formula"].seq
    assert response.context["prev_seq"] == acts["a_officer"].seq
    after = client.get(detail(acts["formula"].seq)).context["next_seq"]  # the auditor's own sign-in
    assert AuditEvent.objects.get(seq=after).actor_id == world.user("county_a", "auditadmin").pk
