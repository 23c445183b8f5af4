from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from extensions.directory import directory_search
from extensions.tests.factories import make_line

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 1, 1, tzinfo=SH)


@pytest.fixture
def world(company):
    company.employee.private_mobile = "13900001111"
    company.employee.title = "销售代表"
    company.employee.save()
    make_line("02160001001", company.dept_sales, company.employee, starts_at=START)
    make_line("8001", company.dept_sales, company.employee, starts_at=START)
    make_line("8501", company.dept_cs, company.cs_agent, starts_at=START)
    return company


def _names(entries):
    return [e.name for e in entries]


def test_search_by_pinyin_initials__R_EXT_8(world):
    assert "张三" in _names(directory_search("zs", user=world.operator.user))
    assert "张三" in _names(directory_search("zhang", user=world.operator.user))


def test_search_by_name_department_number__R_EXT_8(world):
    user = world.operator.user
    assert _names(directory_search("张三", user=user)) == ["张三"]
    assert "周客服" in _names(directory_search("客服部", user=user))
    found = directory_search("8001", user=user)
    assert _names(found) == ["张三"]
    assert found[0].as_json()["numbers"] == ["02160001001", "8001"]
    assert _names(directory_search("6000", user=user)) == ["张三"]


def test_search_constant_queries__R_EXT_8(world, django_assert_max_num_queries):
    user = world.admin.user
    user._ta_roles = None
    directory_search("z", user=user)  # warm the role cache
    with django_assert_max_num_queries(3):
        directory_search("z", user=user)


def test_private_mobiles_hidden_from_non_admin__R_SWB_6(client, world):
    for person in (world.operator, world.head_sales, world.gm, world.cs_agent):
        client.force_login(person.user)
        data = client.get(reverse("extensions:directory_search"), {"q": "zs"}).json()
        assert data and all("private_mobile" not in row for row in data)
        assert (
            "13900001111"
            not in client.get(
                reverse("extensions:directory"), {"q": "zs"}
            ).content.decode()
        )
    client.force_login(world.admin.user)
    data = client.get(reverse("extensions:directory_search"), {"q": "zs"}).json()
    assert data[0]["private_mobile"] == "13900001111"
    assert {"name", "department", "numbers", "title", "employee_id"} <= set(data[0])


def test_json_requires_login__R_EXT_8(client, world):
    response = client.get(reverse("extensions:directory_search"), {"q": "zs"})
    assert response.status_code == 302


def test_excel_export_and_print_per_department__R_EXT_8(client, world):
    client.force_login(world.operator.user)
    response = client.get(
        reverse("extensions:directory_export"), {"department": world.dept_sales.pk}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Department", "Name", "Title", "Numbers")
    assert ("销售部", "张三", "销售代表", "02160001001, 8001") in rows
    assert all(r[1] != "周客服" for r in rows)
    page = client.get(
        reverse("extensions:directory_print"), {"department": world.dept_cs.pk}
    ).content.decode()
    assert "周客服" in page and "张三" not in page


QUERIES = 4


@pytest.mark.postgres
def test_directory_search_on_10000_lines_is_a_few_indexed_queries__R_EXT_8(
    world, django_assert_max_num_queries
):
    """The switchboard transfers calls with it: on 10,000 lines each search is the
    same few queries, the employee one answered from indexes (no sequential scan of
    the staff). Its speed is measured by bench/directory_search.py, not here."""
    from django.db import connection

    from extensions.models import Line
    from telephony_admin.org.models import Employee

    surnames = [("张", "zhang"), ("王", "wang"), ("李", "li"), ("赵", "zhao")]
    given = [
        ("伟", "wei"),
        ("芳", "fang"),
        ("敏", "min"),
        ("静", "jing"),
        ("强", "qiang"),
    ]
    people = []
    for n in range(10_000):
        (s, sp), (g, gp) = surnames[n % 4], given[(n // 4) % 5]
        people.append(
            Employee(
                number=f"P{n:05d}",
                name=f"{s}{g}{n % 97}",
                pinyin=f"{sp}{gp}",
                pinyin_initials=f"{sp[0]}{gp[0]}",
                department=world.dept_sales if n % 2 else world.dept_cs,
                private_mobile=f"139{n:08d}",
            )
        )
    people = Employee.objects.bulk_create(people)
    Line.objects.bulk_create(
        Line(number=f"0571880{n:05d}", department=p.department, owner=p)
        for n, p in enumerate(people)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = world.operator.user
    directory_search("zs", user=user)  # the user's roles, cached after the first
    for q in ("zs", "zhangwei", "张伟1", "88001", "客服部", "0571880099"):
        with django_assert_max_num_queries(QUERIES) as captured:
            entries = directory_search(q, user=user)
        assert entries, q
        assert all(entry.private_mobile is None for entry in entries)
        if q in ("zs", "zhangwei"):  # pinyin prefixes: a bitmap OR of indexes
            employees = next(
                query["sql"]
                for query in captured.captured_queries
                if 'FROM "org_employee"' in query["sql"]
            )
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + employees)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on org_employee" not in plan, (q, plan)


def test_office_extension_in_page_print_and_export__R_EXT_8(client, world):
    """People without a line of their own are still reachable on their extension."""
    world.head_fin.office_phone = "8600"
    world.head_fin.save()
    client.force_login(world.operator.user)
    params = {"department": world.dept_fin.pk}
    response = client.get(reverse("extensions:directory_export"), params)
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert any(r[1] == world.head_fin.name and r[3] == "8600" for r in rows)
    printed = client.get(reverse("extensions:directory_print"), params)
    assert "8600" in printed.content.decode()
    page = client.get(reverse("extensions:directory"), {"q": world.head_fin.name})
    assert "8600" in page.content.decode()


def test_department_print_includes_sub_departments__R_EXT_8(client, world):
    client.force_login(world.operator.user)
    params = {"department": world.dept_sales.pk}
    page = client.get(reverse("extensions:directory_print"), params).content.decode()
    assert world.employee.name in page
    assert world.employee_east.name in page  # 华东销售组 belongs to 销售部
    assert world.cs_agent.name not in page
