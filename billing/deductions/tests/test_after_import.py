"""Audits run automatically after each import (issue 5, R-BIL-5)."""

import io

import pytest

from billing.deductions.models import Rule, Violation
from billing.services import bill_import_create, bill_import_run, parse_month

BILL = (
    "主叫号码,被叫号码,通话起始时间,通话时长(秒),通话类型,费用(元)\n"
    "057187000001,16800123,2026-10-08 10:15:00,120,本地,2.40\n"
    "057187000001,82215279,2026-10-08 11:00:00,60,本地,0.20\n"
)


@pytest.mark.django_db
def test_import_runs_the_audit_after_commit__R_BIL_5(
    lines, company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = bill_import_create(
            actor=company.admin.user,
            source=io.BytesIO(BILL.encode("utf-8")),
            original_name="bill.csv",
            month=parse_month("2026-10"),
            enqueue=False,
        )
    with django_capture_on_commit_callbacks(execute=True):
        bill_import_run(bill_import_id=queued.pk, progress=False)
    premium = Violation.objects.get(rule=Rule.PREMIUM)
    assert premium.employee == company.employee
    assert str(premium.amount) == "12.00"
