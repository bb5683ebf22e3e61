"""The head moves only forward (PostgreSQL and SQLite); SQLite refuses UPDATE/DELETE of events.

See audit/guard.py for the rules and why the head is guarded this way.
"""

from django.db import migrations

from ecoenforce.audit import guard


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(guard.POSTGRESQL, params=None)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            guard.sqlite_create(cur)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(guard.POSTGRESQL_BACKWARD, params=None)
    elif vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            guard.sqlite_drop(cur)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_indexes_and_head")]
    operations = [migrations.RunPython(forward, backward)]
