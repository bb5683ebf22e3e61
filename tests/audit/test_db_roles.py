"""PostgreSQL: the application role (manage.py db_roles) appends audit events but cannot UPDATE,
DELETE, TRUNCATE, ALTER or disable the triggers; it owns nothing. SQLite refuses UPDATE/DELETE too."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ecoenforce.audit.models import AuditEvent, AuditHead
from tests.audit.conftest import make_events, on_postgres, role_names

REFUSED = [
    "UPDATE audit_auditevent SET reason = 'x' WHERE seq = 2",
    "DELETE FROM audit_auditevent WHERE seq = 3",
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
    "ALTER TABLE audit_auditevent ADD COLUMN note text",
    "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
    "ALTER TABLE audit_audithead DISABLE TRIGGER USER",
    "UPDATE audit_audithead SET seq = 1",
    "UPDATE audit_audithead SET digest = repeat('f', 64)",
    "DELETE FROM audit_audithead",
    "TRUNCATE audit_audithead",
    "DROP TABLE audit_auditevent",
]


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    except DatabaseError:
        return True
    return False


@on_postgres
def test_the_application_role_appends_but_cannot_change_history(db):
    with connection.cursor() as cur:
        cur.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        user, is_super = cur.fetchone()
    assert user == role_names()[1] and not is_super  # this test runs as the application role
    make_events(5)  # the platform's own writes work with these grants
    assert AuditHead.objects.get().seq == AuditEvent.objects.count() == 5
    allowed = [sql for sql in REFUSED if not _refused(sql)]
    assert allowed == []
    assert AuditEvent.objects.count() == 5
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE r.rolname = current_user"
        )
        assert cur.fetchone()[0] == 0  # owns nothing


@on_postgres
def test_the_head_moves_only_forward_onto_an_existing_event(db):
    events = make_events(3)
    with connection.cursor() as cur:
        cur.execute("RESET ROLE")  # even the superuser is held by the trigger while it is on
    assert _refused("UPDATE audit_audithead SET seq = 4, digest = repeat('a', 64)")  # no such event
    assert _refused(f"UPDATE audit_audithead SET seq = 2, digest = '{events[1].digest}'")  # backwards
    assert _refused("INSERT INTO audit_audithead (id, seq, digest) VALUES (2, 9, repeat('b', 64))")
    assert AuditHead.objects.get().seq == 3


@on_postgres
def test_db_roles_dry_run_lists_the_grants(db):
    from io import StringIO

    with connection.cursor() as cur:
        cur.execute("RESET ROLE")
    out = StringIO()
    owner, app = role_names()
    call_command("db_roles", owner=owner, app=app, dry_run=True, app_password="secret", stdout=out)
    text = out.getvalue()
    assert f'GRANT SELECT, INSERT ON audit_auditevent TO "{app}"' in text
    assert "ALTER TABLE audit_auditevent OWNER TO" in text
    assert "secret" not in text
    with pytest.raises(CommandError):
        call_command("db_roles", owner="same", app="same")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")
def test_sqlite_refuses_update_and_delete_of_events_and_head(db):
    events = make_events(3)
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE seq = 2",
        "DELETE FROM audit_auditevent WHERE seq = 3",
        "UPDATE audit_audithead SET seq = 2",
        f"UPDATE audit_audithead SET seq = 4, digest = '{events[0].digest}'",
        "DELETE FROM audit_audithead",
        "INSERT INTO audit_audithead (id, seq, digest) VALUES (2, 9, 'x')",
    ):
        assert _refused(sql), sql
    assert AuditEvent.objects.count() == 3 and AuditHead.objects.get().seq == 3
