"""The demo month's workbook re-read with openpyxl matches the database (R-PRV-4)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from billing.deductions.models import (
    FindingStatus,
    Fine,
    PrivateCallRegistration,
    Violation,
)
from billing.deductions.services.export import deductions_export
from billing.models import BillingPeriod
from telephony_admin.org.models import Employee

from .sheets import WORKBOOK_SHEETS, data_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_month(db):
    import importlib

    from django.core.management import call_command  # noqa: F401

    out = StringIO()
    for name in (
        "telephony_admin.org.demo",
        "telephony_admin.workcal.demo",
        "extensions.demo",
        "billing.demo",
        "billing.deductions.demo",
    ):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        module.seed(stdout=out)
    return BillingPeriod.objects.get(month="2026-10-01")


def database_totals(period) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for pk, amount in (
        Violation.objects.filter(period=period, status=FindingStatus.CHARGED)
        .exclude(employee=None)
        .values_list("employee_id")
        .annotate(s=Sum("amount"))
    ):
        totals[pk] += amount
    for pk, amount in (
        PrivateCallRegistration.objects.filter(period=period, call__isnull=False)
        .values_list("employee_id")
        .annotate(s=Sum("charge"))
    ):
        totals[pk] += amount
    for fine in Fine.objects.filter(period=period):
        totals[fine.employee_id] += fine.amount
        if fine.supervisor_id:
            totals[fine.supervisor_id] += fine.supervisor_amount
    numbers = dict(Employee.objects.values_list("pk", "number"))
    return {numbers[pk]: v for pk, v in totals.items() if v}


def test_demo_month_workbook_matches_the_database__R_PRV_4(demo_month):
    assert Fine.objects.filter(period=demo_month).exists()
    assert PrivateCallRegistration.objects.filter(
        period=demo_month, call__isnull=False
    ).exists()
    data, total = deductions_export(actor=None, period=demo_month)
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == WORKBOOK_SHEETS
    assert [c.value for c in book["部门话费"][1]] == [
        "部门",
        "限额",
        "实际话费",
        "节约",
        "超支",
    ]
    assert [c.value for c in book["明细"][1]][:3] == ["工号", "姓名", "日期"]
    sheet = {
        row[0]: Decimal(str(row[7])).quantize(Decimal("0.01"))
        for row in data_rows(book["扣款汇总"])
    }
    expected = database_totals(demo_month)
    assert sheet == expected
    assert sum(sheet.values()) == total
    for row in data_rows(book["扣款汇总"]):
        parts = sum(Decimal(str(v)) for v in row[3:7])
        assert parts.quantize(Decimal("0.01")) == Decimal(str(row[7])).quantize(
            Decimal("0.01")
        )
