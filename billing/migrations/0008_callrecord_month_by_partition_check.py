"""Each import's partition says which month it holds (a CHECK constraint, which
constraint exclusion uses) instead of a (period, started_at) index built on every
import."""

from django.db import migrations


def check_months(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.period_id FROM pg_inherits h "
            "JOIN pg_class c ON c.oid = h.inhrelid "
            "JOIN billing_billimport i ON c.relname = 'billing_callrecord_i' || i.id "
            "WHERE h.inhparent = 'billing_callrecord'::regclass"
        )
        for table, period_id in cursor.fetchall():
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_period "
                f"CHECK (period_id = {int(period_id)})"
            )


def uncheck_months(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid "
            "WHERE h.inhparent = 'billing_callrecord'::regclass"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_period"
            )


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_callrecord_single_column_scope_indexes")]

    operations = [
        migrations.RunPython(check_months, uncheck_months),
        migrations.RemoveIndex(model_name="callrecord", name="call_period_start"),
    ]
