"""PostgreSQL: GIN index on the jieba tokens (to_tsvector('simple', search_text)) for full-text search;
and a partial index for the open clocks. SQLite searches the same tokens with LIKE (cases/search.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_search_gin ON cases_case USING gin (to_tsvector('simple', search_text))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS deadline_open_case_due ON cases_deadline (case_id, due_on) WHERE done_on IS NULL"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_search_gin")
    schema_editor.execute("DROP INDEX IF EXISTS deadline_open_case_due")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_cases")]
    operations = [migrations.RunPython(forward, backward)]
