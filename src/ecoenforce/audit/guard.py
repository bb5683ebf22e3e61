"""The append-only guard of the audit tables, as SQL for each database (migration audit/0004).

Events: UPDATE and DELETE are refused; on PostgreSQL also TRUNCATE unless the table is empty.

The head (one row, audit_audithead) is moved by every append, so it cannot simply refuse UPDATE.
It may only move *forward by one, onto an event that exists*: NEW.seq = OLD.seq + 1 and NEW.digest
= the digest of event NEW.seq. That is exactly what audit_record does under the head's row lock;
anything else — winding the head back to hide deleted events, pointing it at a recomputed digest,
jumping over events — is refused. It may be deleted (PostgreSQL: truncated) only while there are no
events, which is how an empty database is reset; it may be inserted only as the genesis head
(seq 0, the zero digest). Kept as SQL text so tests/conftest.py can re-create the SQLite triggers
after emptying the tables as their owner would.
"""

from __future__ import annotations

GENESIS = "0" * 64

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' OR TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM audit_auditevent) THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NULL END;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        IF NEW.seq = 0 AND NEW.digest = '{GENESIS}' THEN
            RETURN NEW;
        END IF;
    ELSIF NEW.id = OLD.id AND NEW.seq = OLD.seq + 1
          AND NEW.digest = (SELECT digest FROM audit_auditevent WHERE seq = NEW.seq) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_audithead only moves forward onto an existing event: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_head_guard
    BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate
    BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only();
""".replace("{GENESIS}", GENESIS)

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_head_guard ON audit_audithead;
DROP FUNCTION IF EXISTS audit_head_forward_only();
"""

SQLITE_TRIGGERS = {
    "audit_event_no_update": """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END""",
    "audit_event_no_delete": """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END""",
    "audit_head_forward_only": """
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_audithead
WHEN NOT (NEW.id = OLD.id AND NEW.seq = OLD.seq + 1
          AND NEW.digest IS (SELECT digest FROM audit_auditevent WHERE seq = NEW.seq))
BEGIN SELECT RAISE(ABORT, 'audit_audithead moves only forward onto an existing event: UPDATE refused');
END""",
    "audit_head_no_delete": """
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
WHEN EXISTS (SELECT 1 FROM audit_auditevent)
BEGIN SELECT RAISE(ABORT, 'audit_audithead: DELETE refused while events exist'); END""",
    "audit_head_genesis_insert": f"""
CREATE TRIGGER audit_head_genesis_insert BEFORE INSERT ON audit_audithead
WHEN NOT (NEW.seq = 0 AND NEW.digest = '{GENESIS}')
BEGIN SELECT RAISE(ABORT, 'audit_audithead: only the genesis head may be inserted'); END""",
}


def sqlite_create(cursor: object) -> None:
    for sql in SQLITE_TRIGGERS.values():
        cursor.execute(sql)  # type: ignore[attr-defined]


def sqlite_drop(cursor: object) -> None:
    for name in SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # type: ignore[attr-defined]
