"""Demo: a month of calls (October 2026) from the carrier's sample bill, once."""

from __future__ import annotations

from pathlib import Path

from .models import BillImport, ImportStatus
from .services import bill_import_create, bill_import_run, parse_month

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "bill-2026-10.csv"
MONTH = "2026-10"


def seed(*, stdout) -> None:
    if BillImport.objects.filter(
        original_name=FIXTURE.name, status=ImportStatus.SUCCEEDED
    ).exists():
        return
    with open(FIXTURE, "rb") as source:
        bill_import = bill_import_create(
            actor=None,
            source=source,
            original_name=FIXTURE.name,
            month=parse_month(MONTH),
            enqueue=False,
        )
    bill_import = bill_import_run(bill_import_id=bill_import.pk, progress=False)
    stdout.write(
        f"billing: {bill_import.rows_imported} calls of {MONTH} imported "
        f"({bill_import.rows_unattributed} unattributed)"
    )
