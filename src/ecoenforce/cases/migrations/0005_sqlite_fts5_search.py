"""SQLite: an FTS5 index over Case.search_text (the jieba tokens, space-separated), kept in step by
triggers, so SQLite does real full-text search like PostgreSQL's GIN index (0003). No-op elsewhere.
The statements live in cases/search.py (ensure_sqlite_fts), which also runs after every migrate."""

from django.db import migrations


def forward(apps, schema_editor):
    from ecoenforce.cases.search import ensure_sqlite_fts

    ensure_sqlite_fts(schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("cases_case_fts_ai", "cases_case_fts_ad", "cases_case_fts_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS cases_case_fts")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_criminal_facts")]
    operations = [migrations.RunPython(forward, backward)]
