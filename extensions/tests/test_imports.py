from datetime import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from extensions.imports import line_list_import
from extensions.models import ClassChange, ClassOfService, Line
from extensions.tests.factories import SH, make_line
from telephony_admin.errors import PermissionRefused

pytestmark = pytest.mark.usefixtures("frozen_now")


def _xlsx(rows, header=("号码", "类型", "员工编号", "部门", "权限", "位置")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "lines.xlsx"
    return buffer


def test_dry_run_reports_row_errors_and_writes_nothing__R_EXT_1(company):
    file = _xlsx(
        [
            ("8001", "分机", company.employee.number, "SAL", "市话", "3F"),
            ("80x2", "分机", "", "SAL", "", ""),
            ("8003", "卫星", "", "NOPE", "国际长途", ""),
            ("8001", "分机", "E-missing", "SAL", "", ""),
        ]
    )
    report = line_list_import(file=file, actor=company.admin.user, dry_run=False)
    assert not report.applied
    errors = {(row, column) for row, column, _why in report.errors}
    assert errors == {
        (3, "number"),
        (4, "department"),
        (4, "kind"),
        (5, "number"),
        (5, "owner"),
    }
    assert not Line.objects.exists()


def test_apply_creates_and_updates_atomically__R_EXT_1(company):
    existing = make_line(
        "8005",
        company.dept_cs,
        company.cs_agent,
        starts_at=datetime(2026, 1, 1, tzinfo=SH),
    )
    file = _xlsx(
        [
            ("8001", "分机", company.employee.number, "SAL", "市话", "3F"),
            (8005, "直线", company.employee.number, "销售部", "国内长途", ""),
            ("4008001234", "400热线", "", "CS", "", ""),
        ]
    )
    dry = line_list_import(file=file, actor=company.admin.user, dry_run=True)
    assert dry.ok and not Line.objects.filter(number="8001").exists()
    assert [r.action for r in dry.rows] == ["create", "update", "create"]
    file.seek(0)
    report = line_list_import(file=file, actor=company.admin.user, dry_run=False)
    assert report.applied
    created = Line.objects.get(number="8001")
    assert created.class_of_service == ClassOfService.LOCAL
    assert created.owner == company.employee
    existing.refresh_from_db()
    assert existing.department == company.dept_sales
    assert existing.class_of_service == ClassOfService.DOMESTIC
    assert existing.assignments.count() == 2
    assert ClassChange.objects.filter(line=existing).exists()
    hotline = Line.objects.get(number="4008001234")
    assert hotline.owner == company.head_cs  # shared line: department head (R-EXT-1)


def test_import_needs_lines_edit__R_EXT_1(company):
    with pytest.raises(PermissionRefused):
        line_list_import(file=_xlsx([]), actor=company.head_sales.user)


def test_import_page_dry_run_then_apply__R_EXT_1(client, company):
    client.force_login(company.admin.user)
    url = reverse("extensions:import")
    file = _xlsx([("8101", "分机", company.employee.number, "SAL", "", "2F")])
    response = client.post(url, {"file": file})
    body = response.content.decode()
    assert 'data-testid="apply"' in body
    assert not Line.objects.exists()
    token = body.split('name="token" value="')[1].split('"')[0]
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Line.objects.get(number="8101").location == "2F"


def test_missing_column_is_reported__R_EXT_1(company):
    report = line_list_import(
        file=_xlsx([("8001",)], header=("号码",)), actor=company.admin.user
    )
    assert report.errors and report.errors[0][0] == 1


def test_import_page_refuses_other_files_and_keeps_nothing__R_EXT_1(client, company):
    client.force_login(company.admin.user)
    text = BytesIO(b"number,department\n8101,SAL\n")
    text.name = "lines.csv"
    response = client.post(reverse("extensions:import"), {"file": text})
    assert response.status_code == 200
    assert "xlsx" in response.context["form"].errors["file"][0]
    assert response.context["report"] is None
    assert not Line.objects.exists()


def test_import_upload_size_is_a_setting__R_EXT_1(client, company):
    from telephony_admin.core import config

    config.set_value("extensions.import_max_upload_mb", 0)
    client.force_login(company.admin.user)
    file = _xlsx([("8101", "分机", "", "SAL", "", "2F")])
    response = client.post(reverse("extensions:import"), {"file": file})
    assert "0 MB" in response.context["form"].errors["file"][0]
    assert not Line.objects.exists()


def test_dry_run_page_names_columns_kinds_and_classes__R_EXT_1(client, company):
    client.force_login(company.admin.user)
    file = _xlsx(
        [
            ("8101", "传真", "", "SAL", "国内长途", "2F"),
            ("8102", "分机", "", "NOPE", "", ""),
        ]
    )
    response = client.post(reverse("extensions:import"), {"file": file})
    rows = response.context["report"].rows
    assert [(r.kind_label, r.class_label) for r in rows] == [
        ("Fax", "Domestic long distance")
    ]
    assert response.context["report"].error_rows == [
        (3, "Department", "Unknown department.")
    ]
    assert 'data-testid="apply"' not in response.content.decode()
