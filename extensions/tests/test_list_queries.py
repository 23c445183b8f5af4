"""List pages do a fixed number of queries, however many rows they show."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from extensions.models import ClassOfService
from extensions.services import (
    equipment_request_file,
    fault_report,
    ld_request_file,
    permission_application_file,
)
from extensions.tests.factories import NOW, make_line

LISTS = [
    "extensions:list",
    "extensions:applications",
    "extensions:equipment",
    "extensions:faults",
    "extensions:ld_list",
    "extensions:limits",
    "extensions:directory_print",
]


pytestmark = pytest.mark.usefixtures("frozen_now")


def _add_rows(c, start: int, count: int) -> None:
    """``count`` lines of the sales employee, each with an application, a fault, a
    long-distance request and an equipment request."""
    for n in range(start, start + count):
        line = make_line(
            f"80{n:02d}",
            c.dept_sales,
            c.employee,
            starts_at=NOW,
            features=["caller_id"],
        )
        permission_application_file(
            line=line,
            user=c.employee.user,
            requested_class=ClassOfService.LOCAL,
            reason="Customers",
        )
        fault_report(line=line, user=c.employee.user, reported_at=NOW, symptom="Hum")
        ld_request_file(
            user=c.employee.user,
            caller=c.employee,
            line=line,
            region="domestic",
            destination_region="北京",
            destination_org="客户",
            reason="Contract",
            expected_minutes=5,
            call_on=date(2026, 10, 12),
            urgent=n % 2 == 0,
        )
        equipment_request_file(
            user=c.employee.user,
            department=c.dept_sales,
            kind="extension",
            quantity=1,
            needed_by=date(2026, 11, 1),
            reason="New hire",
        )


def _lists(user) -> list[str]:
    return [n for n in LISTS if n != "extensions:limits" or user.username == "admin"]


def _query_counts(client, user) -> dict[str, int]:
    client.force_login(user)
    counts = {}
    for name in _lists(user):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("username", ["admin", "employee", "head_sales"])
def test_list_pages_do_not_query_per_row__R_EXT_1(
    client, company, username, django_assert_max_num_queries
):
    user = getattr(company, username).user
    _add_rows(company, 1, 2)
    few = _query_counts(client, user)
    _add_rows(company, 3, 4)
    many = _query_counts(client, user)
    assert many == few
    client.force_login(user)
    for name in _lists(user):
        with django_assert_max_num_queries(20):
            client.get(reverse(name))


def test_limits_page_queries_do_not_grow_with_departments__R_EXT_3(client, company):
    from telephony_admin.org.tests.factories import DepartmentFactory

    client.force_login(company.admin.user)
    url = reverse("extensions:limits")
    client.get(url)  # warm the session and settings caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(6):
        department = DepartmentFactory(code=f"X{n}", name=f"部门{n}")
        make_line(f"90{n}", department, None, starts_at=NOW, class_of_service=1)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert len(after) == len(before)
    assert "部门5" in page
