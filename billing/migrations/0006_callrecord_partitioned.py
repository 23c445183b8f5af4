"""Calls partitioned by bill import on PostgreSQL (issue 4, import speed).

A million-row bill spent most of its database time maintaining the call table's five
B-trees row by row. Partitioned by ``bill_import_id``, each import is COPYed into a
table of its own without indexes, its indexes are built in one sort each, and the
table is attached as a partition (``billing.importers.writers.PostgresWriter``); a
corrected bill drops the old import's partition instead of deleting its rows.

PostgreSQL requires the partition key in every unique index of a partitioned table:
the primary key becomes ``(id, bill_import_id)`` (ids still come from one sequence
and stay unique) and the natural key gains ``bill_import`` (the importer removes a
call another import already holds); the natural key now starts with the call time,
which halves the time its index takes to build. A partitioned table cannot have an identity
column before PostgreSQL 17, so ``id`` takes its default from a plain sequence owned
by the column (cached 10,000 ids per session, as in 0005). Rows written through the
ORM go to the default partition. Existing calls move into one partition per import.

SQLite keeps a plain table; only the natural key changes there.
"""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

TABLE = "billing_callrecord"
COLUMNS = (
    "id, row_number, line_number, called_number, started_at, duration_seconds, "
    "charge, carrier_call_type, call_class, ip_prefix, flags, raw, bill_import_id, "
    "department_id, owner_id, period_id, carrier_id"
)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    new = f"{TABLE}_p"
    run(
        f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY LIST (bill_import_id)"
    )
    run(f"CREATE SEQUENCE {new}_id_seq CACHE 10000 OWNED BY {new}.id")
    run(f"ALTER TABLE {new} ALTER COLUMN id SET DEFAULT nextval('{new}_id_seq')")
    run(f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY (id, bill_import_id)")
    run(
        f"ALTER TABLE {new} ADD CONSTRAINT {new}_natural_key UNIQUE (started_at, "
        "line_number, called_number, duration_seconds, carrier_id, bill_import_id)"
    )
    run(f"CREATE INDEX {new}_period_start ON {new} (period_id, started_at)")
    run(f"CREATE INDEX {new}_dept_start ON {new} (department_id, started_at)")
    run(f"CREATE INDEX {new}_owner_start ON {new} (owner_id, started_at)")
    run(f"CREATE TABLE {TABLE}_default PARTITION OF {new} DEFAULT")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT bill_import_id FROM {TABLE}")
        imports = [row[0] for row in cursor.fetchall()]
    for import_id in imports:
        run(
            f"CREATE TABLE {TABLE}_i{int(import_id)} PARTITION OF {new} "
            f"FOR VALUES IN ({int(import_id)})"
        )
    run(f"INSERT INTO {new} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}")
    run(
        f"SELECT setval('{new}_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM {TABLE}), "
        "false)"
    )
    run(f"DROP TABLE {TABLE}")
    run(f"ALTER TABLE {new} RENAME TO {TABLE}")
    run(f"ALTER SEQUENCE {new}_id_seq RENAME TO {TABLE}_id_seq")
    run(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {new}_pkey TO {TABLE}_pkey")
    run(
        f"ALTER TABLE {TABLE} RENAME CONSTRAINT {new}_natural_key "
        "TO callrecord_natural_key"
    )
    for name in ("period_start", "dept_start", "owner_start"):
        run(f"ALTER INDEX {new}_{name} RENAME TO call_{name}")


def refuse_unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raise IrreversibleError(
            "The partitioned call table is not turned back into a plain one."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0005_callrecord_id_cache"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="callrecord",
            name="callrecord_natural_key",
        ),
        migrations.AddConstraint(
            model_name="callrecord",
            constraint=models.UniqueConstraint(
                fields=(
                    "started_at",
                    "line_number",
                    "called_number",
                    "duration_seconds",
                    "carrier",
                    "bill_import",
                ),
                name="callrecord_natural_key",
            ),
        ),
        migrations.RunPython(partition, refuse_unpartition, elidable=False),
    ]
