"""audit_record and what is recorded without code in the views: refusals, sign-in and sign-out."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client

from ecoenforce.audit.context import AuditContext, reset_context, set_context
from ecoenforce.audit.models import AuditEvent, AuditHead, Outcome
from ecoenforce.audit.services import audit_record
from ecoenforce.audit.verify import verify_chain
from ecoenforce.org.models import Unit
from tests.factories import PASSWORD


def head() -> int:
    found = AuditHead.objects.filter(id=1).first()
    return found.seq if found else 0


def test_an_event_in_a_rolled_back_transaction_leaves_no_event_and_no_gap(events):
    before = head()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back")
        raise RuntimeError("the write failed")
    assert head() == before
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
    after = audit_record(action="test.next")
    assert after.seq == before + 1
    assert verify_chain().ok


def test_the_request_context_and_the_actor_are_recorded(world):
    officer = world.user("county_a", "officer")
    token = set_context(AuditContext(actor=officer, ip="192.0.2.7", user_agent="Mozilla/5.0 测试"))
    try:
        event = audit_record(action="entity.change", target=officer.unit, before={"a": 1}, after={"a": 2})
    finally:
        reset_context(token)
    event.refresh_from_db()
    assert (event.actor_id, event.actor_name, event.unit_id) == (
        officer.pk,
        officer.username,
        officer.unit_id,
    )
    assert (event.ip, event.user_agent) == ("192.0.2.7", "Mozilla/5.0 测试")
    assert (event.target_type, event.target_id, event.target_repr) == (
        "org.unit",
        str(officer.unit_id),
        officer.unit.name,
    )
    assert (event.before, event.after) == ('{"a":1}', '{"a":2}')


def test_values_are_stored_as_hashed_nul_removed_and_cut_to_width(db):
    """PostgreSQL refuses NUL and over-long values; the digest must cover exactly what is stored."""
    event = audit_record(
        action="x" * 100 + "\x00",
        target=("t\x00ype", "1" * 100, "对象" * 200),
        reason="a\x00b",
        actor_name="n" * 300,
        after={"k": "v\x00"},
    )
    event.refresh_from_db()
    assert event.action == "x" * 64
    assert (event.target_type, len(event.target_id), len(event.target_repr)) == ("type", 64, 200)
    assert event.reason == "ab" and len(event.actor_name) == 150 and "\x00" not in event.after
    assert verify_chain().ok


def test_a_refused_action_is_recorded_and_its_write_rolled_back(world, settings):
    settings.ROOT_URLCONF = "tests.audit.urls_refusal"
    officer = world.user("county_a", "officer")
    client = Client(HTTP_USER_AGENT="pytest-browser")
    client.force_login(officer)
    before = head()
    response = client.post("/refuse/")
    assert response.status_code == 403
    assert not Unit.objects.filter(name="不应存在的单位").exists()
    assert not AuditEvent.objects.filter(action="unit.create", seq__gt=before, outcome=Outcome.OK).exists()
    refused = AuditEvent.objects.get(seq=before + 1)  # no gap: the rolled-back event left none
    assert (refused.action, refused.outcome, refused.actor_id) == ("unit.create", Outcome.REFUSED, officer.pk)
    assert refused.user_agent == "pytest-browser" and refused.ip == "127.0.0.1"
    assert "您的角色无权执行此操作" in refused.reason and "/refuse/" in refused.reason
    assert head() == before + 1
    assert verify_chain().ok


def test_login_failed_login_and_logout_are_recorded(world):
    user = world.user("county_b", "team_leader")
    client = Client(HTTP_USER_AGENT="pytest-login")
    before = head()
    response = client.post("/accounts/login/", {"username": user.username, "password": "wrong-Passw0rd"})
    assert response.status_code == 200  # the form again
    failed = AuditEvent.objects.filter(seq__gt=before, action="auth.login_failed").get()
    assert (failed.outcome, failed.actor_name, failed.actor_id) == (Outcome.FAILED, user.username, None)
    assert failed.user_agent == "pytest-login"

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    login = AuditEvent.objects.filter(seq__gt=before, action="auth.login").get()
    assert (login.outcome, login.actor_id, login.unit_id) == (Outcome.OK, user.pk, user.unit_id)
    assert login.ip == "127.0.0.1"

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    logout = AuditEvent.objects.filter(seq__gt=before, action="auth.logout").get()
    assert (logout.actor_id, logout.actor_name) == (user.pk, user.username)
    assert logout.seq > login.seq > failed.seq
    assert verify_chain().ok


def test_a_failed_login_for_an_unknown_name_is_recorded(db):
    Client().post("/accounts/login/", {"username": "nobody", "password": "whatever-1A"})
    event = AuditEvent.objects.filter(action="auth.login_failed").get()
    assert event.actor_name == "nobody" and event.unit_id is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
class TestAppendOnlyTrigger:
    """PostgreSQL refuses UPDATE, DELETE and TRUNCATE of audit events."""

    @pytest.fixture(autouse=True)
    def _as_owner(self, db):
        """The trigger holds for the owner too (the application role is refused earlier, by grants)."""
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")

    def _refused(self, statement: str) -> None:
        from django.db.utils import DatabaseError

        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(statement)

    def test_update_is_refused(self, events):
        self._refused("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 3")
        assert AuditEvent.objects.get(seq=3).reason == events[2].reason

    def test_update_through_the_orm_is_refused(self, events):
        from django.db.utils import DatabaseError

        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(seq=1).update(reason="x")

    def test_delete_is_refused(self, events):
        self._refused("DELETE FROM audit_auditevent WHERE seq = 3")
        assert AuditEvent.objects.filter(seq=3).exists()

    def test_truncate_is_refused(self, events):
        self._refused("TRUNCATE audit_auditevent")
        assert AuditEvent.objects.count() == len(events)

    def test_truncate_of_an_empty_table_changes_nothing_and_passes(self, db):
        assert not AuditEvent.objects.exists()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE audit_auditevent")

    def test_inserting_goes_on(self, events):
        assert audit_record(action="test.more").seq == len(events) + 1
