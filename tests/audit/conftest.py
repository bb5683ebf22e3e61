"""Audit test helpers: a chain of varied events, and tampering as the database owner would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction

from ecoenforce.audit import chain, guard
from ecoenforce.audit.context import AuditContext, reset_context, set_context
from ecoenforce.audit.models import AuditEvent, AuditHead, Outcome
from ecoenforce.audit.services import audit_record

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only behaviour")

# Values that test the canonical form: quotes, backslashes, control characters, separators of a
# length-prefixed or JSON form, Chinese, an emoji (4-byte UTF-8), a line separator, the empty string.
TRICKY = [
    "",
    "plain",
    'quote " and \\ backslash',
    "tab\tnewline\ncr\r",
    "\x01\x1f\x7f",
    "12:34,56",
    "3:abc,",
    "廊坊市生态环境局",
    "😀 emoji",
    "line\u2028separator",
    "中文，标点：（）",
    " leading and trailing ",
]


def make_events(count: int, *, start: int = 0) -> list[AuditEvent]:
    """`count` events with varied content through audit_record (the only write path)."""
    events = []
    for i in range(start, start + count):
        text = TRICKY[i % len(TRICKY)]
        token = set_context(AuditContext(ip=f"10.0.0.{i % 250}", user_agent=f"pytest/{i} {text}"))
        try:
            with transaction.atomic():
                events.append(
                    audit_record(
                        action=f"test.action_{i % 3}",
                        target=("test.thing", str(i), f"对象 {text}"),
                        before={"n": i, "text": text} if i % 2 else None,
                        after={"n": i + 1, "名称": text},
                        outcome=[Outcome.OK, Outcome.REFUSED, Outcome.FAILED][i % 3],
                        reason=text,
                        actor_name=f"tester{i % 4}",
                    )
                )
        finally:
            reset_context(token)
    return events


@pytest.fixture
def events(db: Any) -> list[AuditEvent]:
    return make_events(30)


@dataclass
class Tamper:
    """Direct SQL on audit_auditevent, as someone holding the database would do it."""

    def sql(self, statement: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cur:
            cur.execute(statement, params or [])

    def change(self, seq: int) -> None:
        self.sql("UPDATE audit_auditevent SET reason = reason || '（改）' WHERE seq = %s", [seq])

    def delete(self, seq: int) -> None:
        self.sql("DELETE FROM audit_auditevent WHERE seq = %s", [seq])

    def renumber_from(self, seq: int, by: int) -> None:
        self.sql("UPDATE audit_auditevent SET seq = -seq WHERE seq >= %s", [seq])
        self.sql("UPDATE audit_auditevent SET seq = %s - seq WHERE seq < 0", [by])

    def insert(self, seq: int) -> AuditEvent:
        """A forged event at `seq` (later ones moved up by one), digest computed correctly."""
        self.renumber_from(seq, 1)
        prev = AuditEvent.objects.get(seq=seq - 1)
        forged = AuditEvent(
            seq=seq,
            occurred_at=prev.occurred_at,
            actor_name="intruder",
            action="case.delete",
            outcome=Outcome.OK,
            target_type="cases.case",
            target_id="1",
            prev_digest=prev.digest,
        )
        from ecoenforce.audit.services import row_of

        forged.digest = chain.event_digest(row_of(forged))
        forged.save(force_insert=True)
        return forged

    def swap(self, seq: int) -> None:
        """Reorder: events seq and seq + 1 trade places."""
        self.sql("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", [seq])
        self.sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq, seq + 1])
        self.sql("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [seq + 1])

    def append_beyond_head(self) -> AuditEvent:
        """An event inserted after the last one without going through audit_record (head unchanged)."""
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        extra = AuditEvent(
            seq=last.seq + 1,
            occurred_at=last.occurred_at,
            actor_name="intruder",
            action="case.delete",
            prev_digest=last.digest,
        )
        from ecoenforce.audit.services import row_of

        extra.digest = chain.event_digest(row_of(extra))
        extra.save(force_insert=True)
        return extra

    def head(self, **values: Any) -> None:
        AuditHead.objects.filter(id=1).update(**values)


@pytest.fixture
def tamper(db: Any) -> Tamper:
    """The append-only guard is switched off first, as the tables' owner could (rolled back with
    the test's transaction)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("RESET ROLE")  # the owner, not the application role
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_audithead DISABLE TRIGGER USER")
        else:
            guard.sqlite_drop(cur)  # DDL is transactional in SQLite: rolled back with the test
    return Tamper()


@pytest.fixture
def committed(transactional_db: Any) -> None:
    """Committed data, which worker processes can see. tests/conftest.py's _audit_flushable empties
    the audit table before Django's flush (the trigger refuses TRUNCATE while events exist)."""


# --- on PostgreSQL the audit tests run as the application role (manage.py db_roles) -----------------


def role_names() -> tuple[str, str]:
    """Roles are cluster-wide: named after this test database (one per xdist worker)."""
    base = connection.settings_dict["NAME"].lower()
    return f"{base}_owner", f"{base}_app"


@pytest.fixture(scope="session")
def app_role(django_db_setup: Any, django_db_blocker: Any) -> str | None:
    if connection.vendor != "postgresql":
        return None
    from django.core.management import call_command

    owner, app = role_names()
    with django_db_blocker.unblock():
        call_command("db_roles", owner=owner, app=app, stdout=__import__("io").StringIO())
    return app


@pytest.fixture(autouse=True)
def _as_app_role(request: pytest.FixtureRequest, app_role: str | None, django_db_blocker: Any) -> Any:
    """Every database test here runs as the application role: it owns nothing, so what the tests do
    is what the platform can do with those grants. Tampering fixtures RESET ROLE (the owner's power)."""
    names = set(request.fixturenames)
    if app_role is None or not names & {"db", "transactional_db"}:
        yield
        return
    with django_db_blocker.unblock(), connection.cursor() as cur:
        cur.execute(f"SET ROLE {connection.ops.quote_name(app_role)}")
    yield
    with django_db_blocker.unblock(), connection.cursor() as cur:
        cur.execute("RESET ROLE")
