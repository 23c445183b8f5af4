"""The deduction workbook as an export job (R-PRV-4): a large month is built by the
worker into a file, followed on a progress page, downloaded by finance only; the
streamed sheets carry the same figures and order as the month's items; old files
are purged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse
from openpyxl import load_workbook

from billing.deductions.models import PeriodAction, PeriodEvent
from billing.deductions.selectors import deduction_items, deductions_by_employee
from billing.deductions.services import fines
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.deductions.sheet_rows import (
    deductions_by_employee_sql,
    detail_rows,
    item_count,
)
from billing.models import CallClass
from telephony_admin.core.exports import export_jobs_purge
from telephony_admin.core.models import AuditEvent, ExportJob, ExportStatus
from telephony_admin.core.money import to_money

from .factories import at, make_call
from .sheets import WORKBOOK_SHEETS, data_rows

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 5, 10)
EXPORT = "/deductions/closing/2026-10/export.xlsx"


@pytest.fixture
def month(company, lines):
    """October: two premium calls, a private call to a mobile, a shared fine."""
    make_call(
        lines["local"], "16812345", at(2026, 10, 8, 10), "1.23", CallClass.PREMIUM
    )
    make_call(lines["local"], "16012345", at(2026, 10, 8, 9), "2.00", CallClass.PREMIUM)
    call = make_call(
        lines["ld"], "16099999", at(2026, 10, 9, 9), "0.50", CallClass.PREMIUM
    )
    audit_run(period_id=call.period_id)
    fines.fine_record(
        actor=company.admin.user,
        employee=company.employee,
        fine_type="use",
        occurred_on=date(2026, 10, 8),
        reason="=cmd",
    )
    return call.period


def _queue(client, user, captured):
    client.force_login(user)
    with captured(execute=True):
        response = client.get(EXPORT)
    return response, ExportJob.objects.order_by("-pk").first()


def test_streamed_sheets_equal_the_months_items_and_sums__R_PRV_4(month):
    items = deduction_items(month)
    rows = list(detail_rows(month))
    assert [(r[0], r[2], to_money(r[9])) for r in rows] == [
        (i.employee.number, i.day, i.amount) for i in items
    ]
    assert [r[7] for r in rows] == [i.reason for i in items]
    assert item_count(month) == len(items) == 5  # 3 findings, a fine and its share
    expected = {r.employee.pk: r.amounts for r in deductions_by_employee(items)}
    assert {
        r.employee.pk: r.amounts for r in deductions_by_employee_sql(month)
    } == expected


@time_machine.travel(NOW, tick=False)
def test_a_large_month_is_built_by_a_job_then_downloaded__R_PRV_4(
    client, company, month, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    response, job = _queue(
        client, company.finance.user, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert response.url == reverse("core:export_detail", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.rows_total == 5
    status = client.get(reverse("core:export_status", args=[job.pk])).json()
    assert status["finished"] and status["progress"] == 100
    assert status["download_url"] == reverse("core:export_download", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert status["download_url"] in page and "deductions-2026-10.xlsx" in page
    download = client.get(status["download_url"])
    assert download["Content-Disposition"].endswith(
        'filename="deductions-2026-10.xlsx"'
    )
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert book.sheetnames == WORKBOOK_SHEETS
    premium = sum(Decimal(str(r[4] or 0)) for r in data_rows(book["扣款汇总"]))
    assert premium == (Decimal("1.23") + Decimal("2.00") + Decimal("0.50")) * 5
    assert len(data_rows(book["明细"])) == 5
    assert PeriodEvent.objects.filter(
        period=month, action=PeriodAction.EXPORTED, actor=company.finance.user
    ).exists()
    closing = client.get("/deductions/closing/").content.decode()
    assert reverse("core:export_detail", args=[job.pk]) in closing
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "core.export_requested",
        "core.export_built",
        "core.export_downloaded",
    } <= actions


def test_a_small_month_is_written_in_the_response(client, company, month):
    client.force_login(company.finance.user)
    response = client.get(EXPORT)
    assert response.status_code == 200 and not ExportJob.objects.exists()
    assert load_workbook(BytesIO(response.content)).sheetnames[3] == "明细"


@time_machine.travel(NOW, tick=False)
def test_only_finance_sees_a_deduction_export_job__R_PRV_4(
    client, company, month, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    _response, job = _queue(
        client, company.finance.user, django_capture_on_commit_callbacks
    )
    urls = [
        reverse(name, args=[job.pk])
        for name in ("core:export_detail", "core:export_status", "core:export_download")
    ]
    client.force_login(company.head_fin.user)  # finance as well: the whole company
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    for person in (company.admin, company.head_sales, company.employee, company.gm):
        client.force_login(person.user)
        assert [client.get(u).status_code for u in urls] == [404, 404, 404]
        assert client.get(EXPORT).status_code == 403
    client.logout()
    assert all(client.get(u).status_code == 302 for u in urls)  # to the login page


def test_export_deductions_streams_a_readable_file(company, month, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "october.xlsx"
    call_command("export_deductions", "--period", "2026-10", "--out", str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["october.xlsx"]
    book = load_workbook(out)
    cells = [c for row in book["明细"].iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert any("=cmd" in str(c.value) and c.data_type == "s" for c in cells)
    _data, total = deductions_export(actor=None, period=month)
    totals = [r[7] for r in data_rows(book["扣款汇总"])]
    assert sum(Decimal(str(t)) for t in totals) == total


def test_old_export_files_are_purged(
    client, company, month, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    with time_machine.travel(NOW, tick=False):
        _response, old = _queue(
            client, company.finance.user, django_capture_on_commit_callbacks
        )
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        _response, recent = _queue(
            client, company.finance.user, django_capture_on_commit_callbacks
        )
    media = Path(django_settings.MEDIA_ROOT)
    old_file, recent_file = media / old.file_path, media / recent.file_path
    assert old_file.is_file() and recent_file.is_file()
    with time_machine.travel(NOW + timedelta(days=7, hours=1), tick=False):
        assert export_jobs_purge() == 1
    assert not old_file.exists() and recent_file.is_file()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    client.force_login(company.finance.user)
    assert client.get(reverse("core:export_download", args=[old.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="core.exports_purged").exists()
