"""Operator journey: log a call, find by pinyin initials, transfer, message, return."""

import pytest
from django.core.management import call_command

from callcenter.models import Message, SwitchboardCall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def translated():
    call_command("compile_translations", verbosity=0)


def test_operator_transfers_then_takes_message_recipient_returns_it__R_SWB_2_R_SWB_3(
    company, translated, page, login
):
    login("operator")
    page.goto("/callcenter/")
    page.fill("#id_caller_name", "王先生")
    page.fill("#id_caller_organisation", "华为")
    page.fill("#id_caller_number", "075512345678")
    page.fill("#id_purpose", "合同")
    # Keyboard only: Alt+F jumps to the directory, Enter picks, Alt+T logs it.
    page.keyboard.press("Alt+f")
    page.keyboard.type("zs")
    result = page.locator("[data-testid=directory-results] button", has_text="张三")
    result.first.wait_for()
    page.keyboard.press("Enter")
    assert "张三" in page.inner_text("[data-testid=selected-person]")
    page.keyboard.press("Alt+t")
    page.wait_for_selector("[data-testid=after-call]")
    call = SwitchboardCall.objects.get()
    assert (call.outcome, call.transferred_to_id) == (
        "transferred",
        company.employee.pk,
    )

    page.fill("[data-testid=after-content]", "请回电谈合同")
    page.click("[data-testid=after-submit]")
    page.wait_for_selector(".alert-success")
    message = Message.objects.get()
    assert message.recipient == company.employee
    assert SwitchboardCall.objects.get().outcome == "message"

    page.context.clear_cookies()
    login("employee")
    page.goto("/callcenter/messages/")
    card = page.locator("[data-testid=message-card]", has_text="王先生")
    assert "请回电谈合同" in card.inner_text()
    card.locator("[data-testid=mark-returned]").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=message-card]").count() == 0
    message.refresh_from_db()
    assert message.returned_at is not None
