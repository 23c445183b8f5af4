"""Call records written directly (the importer is billing's, tested there)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from django.db.models import Q

from billing.models import (
    BillImport,
    BillingPeriod,
    CallClass,
    CallFlag,
    CallRecord,
    Carrier,
    ImportStatus,
)
from billing.summaries import call_summaries_rebuild

SH = ZoneInfo("Asia/Shanghai")
_rows = count(1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def bill_import_for(month: str = "2026-10") -> BillImport:
    year, mon = (int(x) for x in month.split("-"))
    period, _ = BillingPeriod.objects.get_or_create(month=datetime(year, mon, 1).date())
    carrier, _ = Carrier.objects.get_or_create(name="中国电信")
    found = BillImport.objects.filter(period=period, carrier=carrier).first()
    return found or BillImport.objects.create(
        period=period,
        carrier=carrier,
        file="billing/imports/test.csv",
        original_name="test.csv",
        sha256="0" * 64,
        status=ImportStatus.SUCCEEDED,
    )


def make_call(
    line,
    called: str,
    started_at: datetime,
    charge: str,
    call_class: str = CallClass.LOCAL,
    *,
    seconds: int = 60,
    ip_prefix: str = "",
    owner=None,
    department=None,
    flags: int = 0,
) -> CallRecord:
    """A call from ``line`` (a Line or a number), attributed like the importer does."""
    number = getattr(line, "number", line)
    if hasattr(line, "owner") and owner is None and department is None:
        owner, department = line.owner, line.department
    long_distance = (CallClass.DOMESTIC, CallClass.HK_MO_TW, CallClass.INTERNATIONAL)
    if call_class in long_distance and not ip_prefix:
        flags |= CallFlag.NO_IP_PREFIX
    if call_class == CallClass.PREMIUM:
        flags |= CallFlag.PREMIUM
    bill = bill_import_for(f"{started_at:%Y-%m}")
    call = CallRecord.objects.create(
        period=bill.period,
        carrier=bill.carrier,
        bill_import=bill,
        row_number=next(_rows),
        line_number=number,
        called_number=ip_prefix + called,
        started_at=started_at,
        duration_seconds=seconds,
        charge=Decimal(charge),
        call_class=call_class,
        ip_prefix=ip_prefix,
        flags=flags,
        department=department,
        owner=owner,
    )
    # Kept as the importer keeps it: the month's summaries include the call.
    call_summaries_rebuild(
        match=Q(period_id=bill.period_id, carrier_id=bill.carrier_id)
    )
    return call
