"""PostgreSQL: full-text search by jurisdiction. A composite GIN index over (unit_id, the jieba tokens)
with the btree_gin extension, so a search names the jurisdiction's unit ids (selectors.whole_units)
and the index yields only that jurisdiction's matches; it also serves searches without unit ids (a
GIN index answers any subset of its columns), so it replaces case_search_gin of 0003.
Without btree_gin on the server, 0003's index stays and searches keep working, only slower.
SQLite: nothing (its FTS5 table, 0005, is unchanged)."""

import logging

from django.db import migrations

log = logging.getLogger(__name__)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin'")
        if cur.fetchone() is None:
            log.warning("btree_gin not available: case search keeps case_search_gin (slower by county)")
            return
    # btree_gin is a trusted extension (PostgreSQL 13+): the database owner may create it
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_unit_search_gin ON cases_case "
        "USING gin (unit_id, to_tsvector('simple', search_text))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS case_search_gin")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_search_gin ON cases_case USING gin (to_tsvector('simple', search_text))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS case_unit_search_gin")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_measure_referral_keys")]
    operations = [migrations.RunPython(forward, backward)]
