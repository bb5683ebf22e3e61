"""Leads: the one door into a case — idempotent per source, audited, scoped, attachments checked."""

from __future__ import annotations

import threading
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from ecoenforce.audit.models import AuditEvent
from ecoenforce.cases import registry
from ecoenforce.cases.models import Lead, LeadStatus
from ecoenforce.cases.services import lead_decline, lead_open, lead_transfer
from ecoenforce.org.permissions import Refused
from ecoenforce.org.roles import Role
from tests.cases.helpers import PNG, make_entity

pytestmark = pytest.mark.django_db


def _open(world, ref="INS-1", **kw):
    args = dict(
        unit=world.units["county_a"],
        entity=None,
        source_kind="discovery",
        source_ref=ref,
        summary="现场检查发现雨水排口排放黄色废水",
        facts={"outlet": "DW001"},
    )
    args.update(kw)
    return lead_open(**args)


def test_registry_registers_a_source_with_label_and_link():
    registry.register_lead_source("test_src", label="测试来源", url_for=lambda ref: f"/x/{ref}/")
    src = registry.lead_source("test_src")
    assert src.label == "测试来源" and src.url("7") == "/x/7/"
    with pytest.raises(ValueError):
        registry.register_lead_source("Bad Kind", label="x", url_for=None)
    assert registry.source_label("discovery") == "执法人员自行发现"


def test_lead_open_is_idempotent_and_audited(world):
    officer = world.user("county_a", Role.OFFICER)
    before = AuditEvent.objects.filter(action="cases.lead_open").count()
    lead = _open(world, by=officer)
    again = _open(world, by=officer, summary="另一次提交")
    assert again.pk == lead.pk and Lead.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.lead_open").count() == before + 1
    assert lead.status == LeadStatus.OPEN and lead.triage_due > lead.received_on
    assert "生态环境行政处罚办法" in lead.triage_source


def test_system_source_without_user(world):
    lead = _open(world, by=None, ref="ALERT-9")
    event = AuditEvent.objects.filter(action="cases.lead_open", target_id=str(lead.pk)).get()
    assert event.actor_name == "system"


def test_unknown_source_kind_refused(world):
    with pytest.raises(ValidationError) as exc:
        _open(world, source_kind="nope")
    assert "未登记的线索来源" in str(exc.value)


def test_out_of_jurisdiction_unit_refused(world):
    officer = world.user("county_b", Role.OFFICER)
    with pytest.raises(Refused):
        _open(world, by=officer)
    assert not Lead.objects.exists()


def test_supervisor_cannot_open(world):
    with pytest.raises(Refused):
        _open(world, by=world.user("city", Role.SUPERVISOR))


def test_entity_of_another_county_refused(world):
    entity = make_entity(world.units["county_b"], 1)
    with pytest.raises(ValidationError) as exc:
        _open(world, entity=entity)
    assert "辖区" in str(exc.value)


def test_attachment_checked_and_digested(world):
    lead = _open(world, attachments=[("photo.png", PNG)])
    att = lead.attachments.get()
    assert att.content_type == "image/png" and len(att.sm3) == 64 and att.size == len(PNG)


def test_attachment_that_lies_about_its_type_refused(world):
    with pytest.raises(ValidationError) as exc:
        _open(world, attachments=[("photo.jpg", b"MZ\x90\x00 not a jpeg at all")])
    assert "不符" in str(exc.value)
    assert not Lead.objects.exists()


def test_attachment_over_size_limit_refused(world, settings):
    settings.CASE_FILE_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        _open(world, attachments=[("photo.png", PNG)])
    assert "大小上限" in str(exc.value)


def test_decline_needs_reason_and_role_and_happens_once(world):
    lead = _open(world)
    leader = world.user("county_a", Role.TEAM_LEADER)
    with pytest.raises(ValidationError):
        lead_decline(lead=lead, reason=" ", by=leader)
    with pytest.raises(Refused):
        lead_decline(lead=lead, reason="不属实", by=world.user("county_a", Role.OFFICER))
    with pytest.raises(Refused):
        lead_decline(lead=lead, reason="不属实", by=world.user("county_b", Role.TEAM_LEADER))
    done = lead_decline(lead=lead, reason="经核查不属实", by=leader)
    assert done.status == LeadStatus.NOT_FILED
    with pytest.raises(ValidationError) as exc:
        lead_transfer(lead=lead, to="固安县公安局", reason="涉嫌犯罪", by=leader)
    assert "不能重复研判" in str(exc.value)


# SQLite's in-memory test database (shared cache) locks whole tables between connections, so real
# concurrency is tested on PostgreSQL; a file SQLite serializes writers with BEGIN IMMEDIATE.
needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_of_one_source_make_one_lead():
    from tests.factories import make_world

    world = make_world()
    results, errors = [], []

    def run():
        try:
            results.append(_open(world, ref="CONC-1").pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1
    assert Lead.objects.filter(source_ref="CONC-1").count() == 1


def test_bytesio_upload_accepted(world):
    f = BytesIO(PNG)
    f.name = "a.png"
    lead = _open(world, attachments=[f])
    assert lead.attachments.count() == 1
