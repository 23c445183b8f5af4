"""A month's findings partition (PostgreSQL; migration 0004).

A month's first audit inserts some 450,000 findings for a million calls. Into an
indexed table each row updates four B-trees, most of the cost; so the first audit
writes them into a new table of the month's own without indexes, and attaching it
as the month's partition builds each index in one sort. Findings the ORM wrote for
the month before (they went to the default partition) move in first. Later audits of
the month insert into the attached partition.

Attaching locks the default partition until the audit commits: only queries that
could read the default partition (this month's, planned before the attach) wait.
"""

from __future__ import annotations

from django.conf import settings

from ..models import Violation

FINDINGS = Violation._meta.db_table
DEFAULT = f"{FINDINGS}_default"


def month_table(period_id: int) -> str:
    return f"{FINDINGS}_m{int(period_id)}"


def month_table_open(cursor, period_id: int) -> str | None:
    """The month's new, unindexed table to insert its first findings into, or
    ``None`` when the month has its partition already (insert into the parent)."""
    table = month_table(period_id)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    if cursor.fetchone()[0]:
        return None
    cursor.execute(
        f"CREATE TABLE {table} (LIKE {FINDINGS} INCLUDING DEFAULTS "
        f"INCLUDING CONSTRAINTS, CONSTRAINT {table}_month "
        f"CHECK (period_id = {int(period_id)}))"
    )
    cursor.execute(
        f"WITH moved AS (DELETE FROM {DEFAULT} WHERE period_id = %s RETURNING *) "
        f"INSERT INTO {table} SELECT * FROM moved",
        [period_id],
    )
    return table


def month_table_attach(cursor, table: str, period_id: int) -> None:
    """Attach the month's table: PostgreSQL builds the parent's indexes on it (the
    month check spares it the scan that proves the rows belong)."""
    cursor.execute(
        "SELECT set_config('maintenance_work_mem', %s, true)",
        [settings.BILL_IMPORT_INDEX_MEMORY],
    )
    cursor.execute(
        f"ALTER TABLE {FINDINGS} ATTACH PARTITION {table} "
        f"FOR VALUES IN ({int(period_id)})"
    )
