"""Exporting the deduction workbook: the file plus the record finance closes after."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from billing.models import BillingPeriod
from telephony_admin.org.access import require

from ..workbook import workbook_bytes
from .audit_state import ensure_audit_current
from .periods import export_recorded


@transaction.atomic
def deductions_export(
    *, actor, period: BillingPeriod, lang: str = "zh-hans"
) -> tuple[bytes, Decimal]:
    """Build the month's workbook (R-PRV-4) and record the export (finance)."""
    if actor is not None:
        require(actor, "deductions.export")
    ensure_audit_current(period)
    data, total = workbook_bytes(period, lang=lang)
    export_recorded(actor=actor, period=period, total=total)
    return data, total
