"""The person picker in a real browser: type a few letters, pick, the form posts."""

import pytest
from django.core.management import call_command

from telephony_admin.approvals.models import Absence
from telephony_admin.core import config

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def translated():
    call_command("compile_translations", verbosity=0)


@pytest.mark.parametrize("inline_max", [300, 2])
def test_delegate_picked_by_typing_part_of_the_name(
    company, translated, page, login, inline_max
):
    # 300: every person is in the page; 2: the box looks people up as one types.
    config.set_value("core.person_picker_inline_max", inline_max)
    login("employee")
    page.goto("/approvals/absences/")
    page.fill("#id_starts_on", "2026-03-10")
    page.fill("#id_ends_on", "2026-03-12")
    page.click("#id_delegate + .ts-wrapper .ts-control")
    page.keyboard.type("李")
    option = page.locator(".ts-dropdown .option", has_text="李四")
    option.first.wait_for()
    option.first.click()
    # The pick shows in the box; the still-open list may cover the button, so the
    # click goes to the button itself.
    page.locator("#id_delegate + .ts-wrapper .item", has_text="李四").wait_for()
    page.locator("form button.btn-primary").dispatch_event("click")
    page.wait_for_selector("table td:has-text('李四')")
    absence = Absence.objects.get(employee=company.employee)
    assert absence.delegate == company.employee_east
