"""Factories for the organisation, and ``make_company`` for tests across apps."""

from __future__ import annotations

from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model

from telephony_admin.org.models import Department, Employee, Role
from telephony_admin.org.services import roles_ensure_groups, user_set_roles

PASSWORD = "pass-1234-word"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Iterator(
        ["张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十"]
    )
    department = factory.SubFactory(DepartmentFactory)
    user = factory.SubFactory(UserFactory)


def employee(
    username: str, name: str, department: Department, *roles: Role, **kw
) -> Employee:
    person = EmployeeFactory(
        name=name, department=department, user=UserFactory(username=username), **kw
    )
    if roles:
        user_set_roles(user=person.user, roles=list(roles))
    return person


def make_company() -> SimpleNamespace:
    """Two departments with heads (one with a sub-department) and a user per role.

    Usernames equal the attribute names (``c.admin.user.username == "admin"``) and all
    share the password ``PASSWORD``.
    """
    roles_ensure_groups()
    c = SimpleNamespace()
    c.dept_admin = DepartmentFactory(code="ADM", name="综合管理部")
    c.dept_sales = DepartmentFactory(code="SAL", name="销售部")
    c.dept_sales_east = DepartmentFactory(
        code="SAL-E", name="华东销售组", parent=c.dept_sales
    )
    c.dept_cs = DepartmentFactory(code="CS", name="客服部")
    c.dept_fin = DepartmentFactory(code="FIN", name="财务部")
    c.dept_mgmt = DepartmentFactory(code="GMO", name="总经理办公室")

    c.gm = employee("gm", "陈总", c.dept_mgmt, Role.GM, is_manager=True)
    c.admin = employee("admin", "刘管理", c.dept_admin, Role.ADMIN, supervisor=c.gm)
    c.admin2 = employee(
        "admin2", "马行政", c.dept_admin, Role.ADMIN, supervisor=c.admin
    )
    c.head_sales = employee(
        "head_sales", "王经理", c.dept_sales, supervisor=c.gm, is_manager=True
    )
    c.head_cs = employee(
        "head_cs", "赵主管", c.dept_cs, Role.CS_HEAD, supervisor=c.gm, is_manager=True
    )
    c.head_fin = employee(
        "head_fin", "钱会计", c.dept_fin, Role.FINANCE, supervisor=c.gm
    )
    c.employee = employee("employee", "张三", c.dept_sales, supervisor=c.head_sales)
    c.employee_east = employee(
        "employee_east", "李四", c.dept_sales_east, supervisor=c.head_sales
    )
    c.operator = employee(
        "operator", "孙话务", c.dept_admin, Role.OPERATOR, supervisor=c.admin
    )
    c.cs_agent = employee(
        "cs_agent", "周客服", c.dept_cs, Role.CS_AGENT, supervisor=c.head_cs
    )
    c.handler = employee(
        "handler", "吴处理", c.dept_sales, Role.HANDLER, supervisor=c.head_sales
    )
    c.finance = employee(
        "finance", "郑财务", c.dept_fin, Role.FINANCE, supervisor=c.head_fin
    )
    c.dept_mgmt.head = c.gm
    c.dept_admin.head = c.admin
    c.dept_sales.head = c.head_sales
    c.dept_cs.head = c.head_cs
    c.dept_fin.head = c.head_fin
    for dept in (c.dept_mgmt, c.dept_admin, c.dept_sales, c.dept_cs, c.dept_fin):
        dept.save(update_fields=["head"])
    return c
