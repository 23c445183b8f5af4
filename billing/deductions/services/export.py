"""Exporting the deduction workbook: the file plus the record finance closes after.

One service for the page, the export task and ``manage.py export_deductions``: it
refuses (``DomainError`` with the audit state's message) while the month's audit is
pending, running or stale, before anything is queued or written (R-PRV-4, R-BIL-5),
then streams the workbook (``workbook.write_workbook``) inside one transaction that
reads a single snapshot on PostgreSQL, so the three sheets agree with each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction

from billing.models import BillingPeriod
from telephony_admin.core.exports import export_job_request, inline_limit
from telephony_admin.core.models import ExportJob
from telephony_admin.org.access import require

from ..sheet_rows import item_count
from ..workbook import LANGUAGES, write_workbook
from .audit_state import ensure_audit_current
from .periods import export_recorded

EXPORT_KIND = "deductions"


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction; on PostgreSQL a repeatable-read snapshot (when it is the
    outermost one) with room to sort the month's findings in memory."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true)",
                    [settings.AUDIT_WORK_MEM],
                )
        yield


def deductions_export_check(*, actor, period: BillingPeriod) -> None:
    """What refuses an export up front: the role, then the audit gate."""
    if actor is not None:
        require(actor, "deductions.export")
    ensure_audit_current(period)


def deductions_export_write(
    *,
    actor,
    period: BillingPeriod,
    target: str | Path | IO[bytes],
    lang: str = "zh-hans",
    progress: Callable[[int], None] | None = None,
) -> Decimal:
    """Stream the month's workbook (R-PRV-4) into ``target`` and record the export."""
    with _snapshot():
        deductions_export_check(actor=actor, period=period)
        target = str(target) if isinstance(target, Path) else target
        figures = write_workbook(target, period, lang=lang, progress=progress)
        export_recorded(
            actor=actor,
            period=period,
            total=figures.total,
            fingerprint=figures.fingerprint,
        )
    return figures.total


def deductions_export(
    *, actor, period: BillingPeriod, lang: str = "zh-hans"
) -> tuple[bytes, Decimal]:
    """The workbook in memory (small months: the page's inline download, tests)."""
    buffer = BytesIO()
    total = deductions_export_write(
        actor=actor, period=period, target=buffer, lang=lang
    )
    return buffer.getvalue(), total


def deductions_export_request(
    *, actor, period: BillingPeriod, lang: str = "zh-hans"
) -> ExportJob | None:
    """The page's export: refused up front, then None when the month is small
    enough to write in the response, else a queued job (progress, then download)."""
    deductions_export_check(actor=actor, period=period)
    rows = item_count(period)
    if rows <= inline_limit():
        return None
    return export_job_request(
        actor=actor,
        kind=EXPORT_KIND,
        params={"period": period.pk, "lang": lang if lang in LANGUAGES else "zh-hans"},
        file_name=f"deductions-{period}.xlsx",
        rows_total=rows,
    )


def deductions_export_job_write(
    job: ExportJob, path: Path, progress: Callable[[int], Any]
) -> int:
    """The export task's writer: the same service, as the job's requester."""
    period = BillingPeriod.objects.get(pk=job.params["period"])
    deductions_export_write(
        actor=job.requested_by,
        period=period,
        target=path,
        lang=job.params.get("lang", "zh-hans"),
        progress=progress,
    )
    return job.rows_total
