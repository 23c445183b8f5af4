"""Scopes of roles.md enforced in one place (R-ORG-2, R-ORG-3)."""

import pytest

from telephony_admin.errors import PermissionRefused
from telephony_admin.org.access import (
    CAPABILITIES,
    Scope,
    allows,
    filter_by_scope,
    require,
    roles_of,
    scope,
)
from telephony_admin.org.models import Employee, Role

pytestmark = pytest.mark.django_db


def test_head_role_is_derived_from_heading_a_department__R_ORG_2(company):
    c = company
    assert Role.DEPT_HEAD in roles_of(c.head_sales.user)
    assert Role.DEPT_HEAD not in roles_of(c.employee.user)
    assert Role.EMPLOYEE in roles_of(c.employee.user)


def test_roles_add_up(company):
    c = company
    roles = roles_of(c.head_cs.user)
    assert {Role.CS_HEAD, Role.DEPT_HEAD, Role.EMPLOYEE} <= roles


def test_head_sees_own_department_and_sub_departments__R_ORG_3(company):
    c = company
    qs = filter_by_scope(
        c.head_sales.user, "lines.view", Employee.objects.all(), owner="pk"
    )
    names = set(qs.values_list("name", flat=True))
    assert {"张三", "李四", "王经理"} <= names
    assert "周客服" not in names


def test_employee_sees_only_own_records(company):
    c = company
    qs = filter_by_scope(
        c.employee.user, "lines.view", Employee.objects.all(), owner="pk"
    )
    assert list(qs) == [c.employee]


def test_unlisted_role_sees_nothing(company):
    c = company
    assert scope(c.operator.user, "bills.import") == Scope.NONE
    qs = filter_by_scope(c.operator.user, "bills.import", Employee.objects.all())
    assert not qs.exists()


def test_allows_checks_department_and_owner__R_ORG_3(company):
    c = company
    head = c.head_sales.user
    assert allows(head, "lines.view", department_id=c.dept_sales_east.pk)
    assert not allows(head, "lines.view", department_id=c.dept_cs.pk)
    assert allows(c.employee.user, "lines.view", owner_id=c.employee.pk)
    assert not allows(c.employee.user, "lines.view", owner_id=c.employee_east.pk)
    with pytest.raises(PermissionRefused):
        require(c.head_cs.user, "lines.view", department_id=c.dept_sales.pk)


def test_private_mobiles_are_for_administration_and_oneself__R_SWB_6(company):
    c = company
    assert scope(c.admin.user, "directory.private_mobile") == Scope.ALL
    assert scope(c.operator.user, "directory.private_mobile") == Scope.OWN
    assert not allows(
        c.operator.user, "directory.private_mobile", owner_id=c.employee.pk
    )
    assert scope(c.gm.user, "directory.private_mobile") == Scope.OWN


def test_every_capability_names_known_roles():
    for table in CAPABILITIES.values():
        assert all(isinstance(role, Role) for role in table)


def test_setup_pages_refuse_non_administrators(client, company):
    c = company
    client.force_login(c.head_sales.user)
    assert client.get("/org/employees/").status_code == 403
    assert client.get("/settings/").status_code == 403
    client.force_login(c.admin.user)
    assert client.get("/org/employees/").status_code == 200


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/org/employees/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_administration_maintains_org_in_django_admin(client, company):
    client.force_login(company.admin.user)
    assert client.get("/admin/org/employee/").status_code == 200
    assert client.get("/admin/org/department/").status_code == 200
    client.force_login(company.head_sales.user)
    assert client.get("/admin/org/employee/").status_code == 302
