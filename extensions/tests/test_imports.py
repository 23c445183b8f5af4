from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook

from extensions.imports import line_list_import
from extensions.models import ClassChange, ClassOfService, Line
from extensions.tests.factories import make_line
from telephony_admin.errors import PermissionRefused

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 12, 10, tzinfo=SH)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


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


def test_dry_run_reports_row_errors_and_writes_nothing(company):
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


def test_apply_creates_and_updates_atomically(company):
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


def test_import_needs_lines_edit(company):
    with pytest.raises(PermissionRefused):
        line_list_import(file=_xlsx([]), actor=company.head_sales.user)


def test_import_page_dry_run_then_apply(client, company):
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


def test_missing_column_is_reported(company):
    report = line_list_import(
        file=_xlsx([("8001",)], header=("号码",)), actor=company.admin.user
    )
    assert report.errors and report.errors[0][0] == 1
