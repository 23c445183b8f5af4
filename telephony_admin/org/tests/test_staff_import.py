"""Excel import of the staff list with row-level errors (R-ORG-1)."""

import io

import pytest
from openpyxl import Workbook

from telephony_admin.org.models import Employee
from telephony_admin.org.services import staff_import

pytestmark = pytest.mark.django_db


def workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "工号", "部门", "职务", "上级工号"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_creates_employees_with_supervisors(company):
    c = company
    report = staff_import(
        file=workbook(
            [
                ["林一", "N001", "销售部", "组长", c.head_sales.number],
                ["林二", "N002", "SAL", "专员", "N001"],
            ]
        ),
        dry_run=False,
    )
    assert report.ok and report.created == 2
    second = Employee.objects.get(number="N002")
    assert second.supervisor.number == "N001"
    assert second.pinyin_initials == "le"


def test_bad_rows_refuse_the_whole_import_with_row_and_reason(company):
    report = staff_import(
        file=workbook(
            [
                ["林一", "N001", "销售部", "", ""],
                ["林二", "N002", "不存在部", "", ""],
                ["", "N003", "销售部", "", "X999"],
            ]
        ),
        dry_run=False,
    )
    assert not report.ok
    rows = {(e["row"], e["column"]) for e in report.errors}
    assert (3, "部门") in rows and (4, "姓名") in rows and (4, "上级工号") in rows
    assert not Employee.objects.filter(number="N001").exists()


def test_dry_run_saves_nothing(company):
    report = staff_import(
        file=workbook([["林一", "N001", "销售部", "", ""]]), dry_run=True
    )
    assert report.ok and report.created == 1
    assert not Employee.objects.filter(number="N001").exists()


def test_staff_import_page_shows_errors(client, company):
    client.force_login(company.admin.user)
    upload = workbook([["林二", "N002", "不存在部", "", ""]])
    upload.name = "staff.xlsx"
    response = client.post("/org/employees/import/", {"file": upload})
    assert response.status_code == 200
    assert "不存在部" in response.content.decode()
