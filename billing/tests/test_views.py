"""Pages: upload with progress, calls by scope, export, unattributed, number plan."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import BillImport, CallRecord, ImportStatus, NumberRule


@pytest.fixture
def imported(company, lines, write_bill, run_import):
    return run_import(write_bill())


def test_upload_runs_the_import_in_celery_and_reports_status__R_BIL_2(
    client, company, lines, write_bill, django_capture_on_commit_callbacks
):
    client.force_login(company.admin.user)
    data = write_bill().read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("billing:import_upload"),
            {
                "file": SimpleUploadedFile("bill.csv", data),
                "period": "2026-10",
                "carrier": "中国电信",
            },
        )
    bill_import = BillImport.objects.get()
    assert response.url == reverse("billing:import_detail", args=[bill_import.pk])
    status = client.get(reverse("billing:import_status", args=[bill_import.pk])).json()
    assert status["status"] == ImportStatus.SUCCEEDED and status["progress"] == 100
    assert status["rows_imported"] == 4
    page = client.get(response.url)
    assert b"Calls imported" in page.content
    assert bill_import.file.name.startswith("billing/imports/2026-10/")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bill.pdf", b"%PDF", "Unsupported file type"),
        ("bill.csv", b"a,b\n" + b"\x80\xff\xff" * 8, "neither UTF-8"),
        ("bill.xlsx", b"not a zip", "not a readable Excel"),
    ],
)
def test_upload_validates_the_file(client, company, name, content, reason):
    client.force_login(company.admin.user)
    response = client.post(
        reverse("billing:import_upload"),
        {"file": SimpleUploadedFile(name, content), "period": "2026-10"},
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not BillImport.objects.exists()


@pytest.mark.parametrize("username", ["employee", "head_sales", "finance", "gm"])
def test_only_administration_imports_bills(client, company, username):
    client.force_login(getattr(company, username).user)
    assert client.get(reverse("billing:import_upload")).status_code == 403
    assert client.get(reverse("billing:unattributed")).status_code == 403


def _lines_seen(client, **params):
    response = client.get(reverse("billing:calls"), {"month": "2026-10", **params})
    assert response.status_code == 200
    return {c.line_number for c in response.context["calls"]}


def test_call_records_by_scope(client, company, imported):
    client.force_login(company.employee.user)  # own line 01
    assert _lines_seen(client) == {"057187000001"}
    client.force_login(company.employee_east.user)
    assert _lines_seen(client) == {"057187000002"}
    client.force_login(company.head_sales.user)  # sales and sales east
    assert _lines_seen(client) == {"057187000001", "057187000002"}
    client.force_login(company.head_cs.user)
    assert _lines_seen(client) == set()
    for username in ("admin", "finance", "gm"):
        client.force_login(getattr(company, username).user)
        assert _lines_seen(client) == {"057187000001", "057187000002"}


def test_an_operator_sees_only_own_calls(client, company, imported):
    client.force_login(company.operator.user)
    assert _lines_seen(client) == set()


def test_anonymous_is_sent_to_login(client, imported):
    response = client.get(reverse("billing:calls"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_filters_totals_and_keyset_pages(client, company, imported, settings):
    from telephony_admin.core import config

    config.set_value("billing.calls_page_size", "3")
    client.force_login(company.admin.user)
    response = client.get(reverse("billing:calls"), {"month": "2026-10"})
    assert response.context["totals"]["count"] == 4
    assert str(response.context["totals"]["charge"]) == "1.10"
    first = [c.pk for c in response.context["calls"]]
    assert len(first) == 3 and response.context["next_url"]
    older = client.get(reverse("billing:calls") + response.context["next_url"])
    second = [c.pk for c in older.context["calls"]]
    assert len(second) == 1 and not set(first) & set(second)
    premium = client.get(reverse("billing:calls"), {"month": "2026-10", "flag": "8"})
    assert [c.called_number for c in premium.context["calls"]] == ["16812345"]
    dept = client.get(
        reverse("billing:calls"),
        {"month": "2026-10", "department": company.dept_sales_east.pk},
    )
    assert dept.context["totals"]["count"] == 2
    assert (
        client.get(reverse("billing:calls"), {"month": "2026-09"}).context["totals"][
            "count"
        ]
        == 0
    )


def test_excel_export_of_the_filtered_calls(client, company, imported):
    CallRecord.objects.filter(called_number="82215279").update(
        carrier_call_type="=HYPERLINK(1)"
    )
    client.force_login(company.employee.user)
    response = client.get(reverse("billing:call_export"), {"month": "2026-10"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3  # header + the employee's two calls
    assert {r[1] for r in rows[1:]} == {"057187000001"}
    assert "'=HYPERLINK(1)" in {r[6] for r in rows[1:]}


def test_unattributed_page_and_assign_the_line(client, company, write_bill, run_import):
    run_import(write_bill())
    client.force_login(company.admin.user)
    page = client.get(reverse("billing:unattributed"))
    assert {r["line_number"] for r in page.context["rows"]} == {
        "057187000001",
        "057187000002",
    }
    url = reverse("billing:unattributed_resolve", args=["057187000001"])
    response = client.post(
        url, {"department": company.dept_sales.pk, "owner": company.employee.pk}
    )
    assert response.status_code == 302
    assert CallRecord.objects.filter(owner=company.employee).count() == 2


def test_number_plan_page_classifies_and_adds_rules(client, company):
    client.force_login(company.admin.user)
    page = client.get(reverse("billing:number_plan"), {"number": "16812345"})
    assert page.context["result"]["label"] == "Premium voice information"
    response = client.post(
        reverse("billing:rule_add"),
        {
            "kind": "class",
            "prefix": "95105",
            "call_class": "premium",
            "min_length": 8,
            "max_length": 8,
            "valid_from": "2026-11-01",
            "note": "声讯",
        },
    )
    assert response.status_code == 302
    assert NumberRule.objects.filter(prefix="95105").exists()
    client.force_login(company.head_sales.user)
    assert client.get(reverse("billing:number_plan")).status_code == 403


def test_home_panel_shows_my_calls(client, company, imported, time_machine):
    time_machine.move_to("2026-10-20 10:00 +0800")
    client.force_login(company.employee.user)
    response = client.get(reverse("home"))
    assert "My calls this month" in response.content.decode()
    assert "2 calls" in response.content.decode()
