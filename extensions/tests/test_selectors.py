from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from extensions.models import ClassOfService
from extensions.selectors import (
    assignment_at,
    assignments_for_numbers,
    class_of_service_at,
    classes_for_numbers,
    line_by_number,
)
from extensions.services import class_change_apply, employee_transfer, line_assign
from extensions.tests.factories import make_line

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def line(company):
    return make_line(
        "02160001001", company.dept_sales, company.employee, starts_at=at(2026, 1, 1)
    )


def test_assignment_at_follows_owner_change__R_EXT_1(company, line):
    line_assign(line=line, owner=company.handler, when=at(2026, 10, 15, 9))
    before = assignment_at("021-6000 1001", at(2026, 10, 5, 10))
    after = assignment_at("02160001001", at(2026, 10, 20, 10))
    assert before.owner == company.employee
    assert after.owner == company.handler
    assert assignment_at("02160001001", at(2025, 12, 31, 23)) is None
    assert assignment_at("999", at(2026, 10, 5)) is None


def test_assignment_at_across_transfer__R_EXT_6(company, line):
    employee_transfer(
        employee=company.employee,
        department=company.dept_cs,
        actor=company.admin.user,
        when=at(2026, 10, 15, 0),
    )
    assert assignment_at(line.number, at(2026, 10, 14, 23)).department == (
        company.dept_sales
    )
    after = assignment_at(line.number, at(2026, 10, 15, 0))
    assert after.department == company.dept_cs
    assert after.owner == company.employee
    line.refresh_from_db()
    assert line.department == company.dept_cs


def test_transfer_with_reassignment_keeps_line_in_old_department__R_EXT_6(
    company, line
):
    employee_transfer(
        employee=company.employee,
        department=company.dept_cs,
        actor=company.admin.user,
        reassign_lines={line.pk: company.handler},
        when=at(2026, 10, 15),
    )
    now = assignment_at(line.number, at(2026, 10, 16))
    assert now.owner == company.handler
    assert now.department == company.dept_sales


def test_transfer_refused_to_head__R_EXT_6(company, line):
    from telephony_admin.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        employee_transfer(
            employee=company.employee,
            department=company.dept_cs,
            actor=company.head_sales.user,
        )


def test_bulk_assignments_bisect_periods__R_BIL_3(company, line):
    other = make_line(
        "8001", company.dept_cs, company.cs_agent, starts_at=at(2026, 1, 1)
    )
    line_assign(line=line, owner=company.handler, when=at(2026, 10, 15, 9))
    periods = assignments_for_numbers(
        [line.number, other.number, "404"], at(2026, 10, 1), at(2026, 11, 1)
    )
    assert set(periods) == {line.number, other.number}
    assert len(periods[line.number]) == 2
    assert periods[line.number].at(at(2026, 10, 15, 8, 59)).owner == company.employee
    assert periods[line.number].at(at(2026, 10, 15, 9)).owner == company.handler
    assert periods[other.number].at(at(2026, 10, 2)).owner == company.cs_agent


def test_bulk_assignments_constant_queries__R_BIL_3(
    company, line, django_assert_num_queries
):
    with django_assert_num_queries(1):
        periods = assignments_for_numbers([line.number], at(2026, 1, 1), at(2026, 2, 1))
        periods[line.number].at(at(2026, 1, 5)).owner.name  # noqa: B018


def test_class_of_service_at_uses_effective_date__R_EXT_4(company, line):
    class_change_apply(
        line=line,
        to_class=ClassOfService.DOMESTIC,
        features=["caller_id"],
        reason="sales calls",
        changed_by=company.admin,
        effective_at=at(2026, 10, 10),
    )
    assert class_of_service_at(line.number, at(2026, 10, 9)) == (
        ClassOfService.INTERNAL,
        [],
    )
    assert class_of_service_at(line.number, at(2026, 10, 10)) == (
        ClassOfService.DOMESTIC,
        ["caller_id"],
    )
    timeline = classes_for_numbers([line.number])[line.number]
    assert timeline.at(at(2026, 10, 11))[0] == ClassOfService.DOMESTIC
    assert class_of_service_at("000", at(2026, 10, 11))[0] == ClassOfService.INTERNAL


def test_line_by_number_normalises__R_EXT_1(company, line):
    assert line_by_number("021 6000-1001") == line
    assert line_by_number("nope") is None


def test_one_open_assignment_per_line_in_database__R_EXT_1(company, line):
    from django.db import IntegrityError, transaction

    from extensions.models import LineAssignment

    with pytest.raises(IntegrityError), transaction.atomic():
        LineAssignment.objects.create(
            line=line, department=company.dept_sales, starts_at=at(2026, 2, 1)
        )


def test_admin_may_only_lower_class_directly__R_EXT_4(company, line):
    from extensions.errors import ExtensionsError
    from extensions.services import line_class_reduce
    from telephony_admin.errors import PermissionRefused

    with pytest.raises(ExtensionsError):
        line_class_reduce(
            line=line,
            to_class=ClassOfService.LOCAL,
            features=[],
            reason="x",
            actor=company.admin.user,
        )
    class_change_apply(
        line=line,
        to_class=ClassOfService.DOMESTIC,
        reason="approved",
        changed_by=company.admin,
        effective_at=at(2026, 2, 1),
    )
    line.refresh_from_db()
    with pytest.raises(PermissionRefused):
        line_class_reduce(
            line=line,
            to_class=ClassOfService.LOCAL,
            features=[],
            reason="x",
            actor=company.head_sales.user,
        )
    change = line_class_reduce(
        line=line,
        to_class=ClassOfService.LOCAL,
        features=[],
        reason="Project over",
        actor=company.admin.user,
    )
    line.refresh_from_db()
    assert line.class_of_service == ClassOfService.LOCAL
    assert change.changed_by == company.admin
