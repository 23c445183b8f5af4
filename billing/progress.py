"""Progress of a running import, visible to the polling page while it runs.

The import writes inside one transaction, so progress written through that
connection would only appear at the end. On PostgreSQL a second, autocommit
connection updates the ``BillImport`` row; on SQLite (one writer at a time) the
progress goes to the cache, which the status endpoint reads as well.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, connections

CACHE_KEY = "billing.import.%s.progress"
WAITING_KEY = "billing.import.%s.waiting"


def cached_progress(pk: int) -> tuple[int, int] | None:
    value = cache.get(CACHE_KEY % pk)
    return tuple(value) if value else None


def waiting_for_month(pk: int) -> bool:
    """Whether the import waits for its month (an audit or another import)."""
    return bool(cache.get(WAITING_KEY % pk))


class ProgressReporter:
    def __init__(self, pk: int):
        self.pk = pk
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection("default")

    def __call__(self, fraction: float, rows: int) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        cache.set(CACHE_KEY % self.pk, (percent, rows), 3600)
        if self.side is not None:
            with self.side.cursor() as cursor:
                cursor.execute(
                    "UPDATE billing_billimport SET progress = %s, rows_read = %s "
                    "WHERE id = %s",
                    [percent, rows, self.pk],
                )

    def waiting(self, flag: bool) -> None:
        if flag:
            cache.set(WAITING_KEY % self.pk, True, 3600)
        else:
            cache.delete(WAITING_KEY % self.pk)

    def close(self) -> None:
        cache.delete(CACHE_KEY % self.pk)
        cache.delete(WAITING_KEY % self.pk)
        if self.side is not None:
            self.side.close()
