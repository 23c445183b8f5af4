"""Browser journeys of issue 3 (Playwright, real database, live server)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from extensions.models import ClassOfService, Line
from extensions.tests.factories import make_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(transactional_db):
    from telephony_admin.org.tests.factories import make_company

    c = make_company()
    c.line = make_line(
        "02160001001",
        c.dept_sales,
        c.employee,
        starts_at=datetime(2026, 1, 1, tzinfo=SH),
        location="3F",
    )
    return c


def _switch_user(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_long_distance_permission_walked_through_approvals__R_EXT_4(page, login, world):
    login("employee")
    page.goto(f"/lines/applications/new/?line={world.line.pk}")
    page.select_option("select[name=requested_class]", str(ClassOfService.DOMESTIC))
    page.check("input[name=requested_features][value=caller_id]")
    page.fill("textarea[name=reason]", "Calls with customers in Beijing")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/lines/applications/*/")
    detail_url = page.url
    assert page.locator("[data-testid=status]").first.inner_text().strip()
    assert page.locator("[data-testid=decide]").count() == 0  # no self-approval

    _switch_user(page, login, "head_sales")
    page.goto(detail_url)
    page.check("input[name=decision][value=approve]")
    page.click("[data-testid=decide]")
    page.wait_for_selector(".alert-success")
    assert Line.objects.get(pk=world.line.pk).class_of_service == 0  # not yet

    _switch_user(page, login, "admin")
    page.goto(detail_url)
    page.check("input[name=decision][value=approve]")
    page.click("[data-testid=decide]")
    page.wait_for_selector(".alert-success")
    assert Line.objects.get(pk=world.line.pk).class_of_service == 2

    _switch_user(page, login, "employee")
    page.goto("/lines/directory/")
    page.fill("[data-testid=directory-q]", "zs")
    results = page.locator("[data-testid=directory-results]")
    results.get_by_text("02160001001").wait_for()
    domestic = str(ClassOfService.DOMESTIC.label)
    assert domestic in results.inner_text() or "国内长途" in results.inner_text()

    page.goto(f"/lines/{world.line.pk}/")
    history = page.locator("[data-testid=class-history]").inner_text()
    assert "Calls with customers in Beijing" in history
    assert "刘管理" in history  # administration's approval recorded who changed it


def test_directory_pinyin_search__R_EXT_8(page, login, world):
    login("operator")
    page.goto("/lines/directory/")
    # Before any search the directory lists everyone by department.
    browse = page.locator("[data-testid=directory-browse]")
    assert "张三" in browse.inner_text() and "李四" in browse.inner_text()
    page.fill("[data-testid=directory-q]", "zs")
    results = page.locator("[data-testid=directory-results]")
    results.get_by_text("张三").wait_for()
    assert "02160001001" in results.inner_text()
    assert "李四" not in results.inner_text()
    assert browse.is_hidden()
    page.fill("[data-testid=directory-q]", "ls")
    results.get_by_text("李四").wait_for()
    assert "张三" not in results.inner_text()
    page.fill("[data-testid=directory-q]", "")
    browse.wait_for()
