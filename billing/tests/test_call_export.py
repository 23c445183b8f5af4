"""The call list's export: small at once, large as a job built with the requester's
filter and scope; only the requester or a whole-company reader downloads it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import CallRecord
from telephony_admin.core.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(company, lines, write_bill, run_import):
    return run_import(write_bill())


def _rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_large_call_export_is_a_job_with_the_requesters_scope(
    client, company, imported, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(company.employee.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("billing:call_export"), {"month": "2026-10"})
    job = ExportJob.objects.get()
    assert response.url == reverse("core:export_detail", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.rows_done == job.rows_total == 2
    assert job.params["month"] == "2026-10" and job.file_name == "calls-2026-10.xlsx"
    rows = _rows(client.get(reverse("core:export_download", args=[job.pk])))
    assert len(rows) == 3  # header + the employee's two calls, as on the page
    assert {r[1] for r in rows[1:]} == {"057187000001"}
    download = reverse("core:export_download", args=[job.pk])
    client.force_login(company.head_cs.user)  # sees calls of their department only
    assert client.get(download).status_code == 404
    client.force_login(company.finance.user)  # sees every call
    assert client.get(download).status_code == 200


def test_a_small_call_export_streams_at_once_with_typed_cells(
    client, company, imported
):
    CallRecord.objects.filter(called_number="82215279").update(carrier_call_type="@x")
    client.force_login(company.admin.user)
    response = client.get(reverse("billing:call_export"), {"month": "2026-10"})
    assert not ExportJob.objects.exists()
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet["A2"].is_date and sheet["E2"].number_format == "#,##0.00"
    assert "'@x" in {c.value for c in sheet["G"]}
