"""Browser journey of the handoff notices: agent -> department -> agent -> callback
-> sign-off. Each person who now holds the case logs in, finds the notice under the
bell with a link to the case, and takes their step from that link (issue 15)."""

import re

import pytest

from .conftest import ensure_calendar


@pytest.mark.browser
def test_each_recipient_acts_from_their_notification__R_CMP_4_R_CMP_5(
    transactional_db, page, login
):
    from django.core import mail

    from callcenter.complaints.models import Complaint, ReplyTemplate, ReplyUse
    from telephony_admin.org.tests.factories import make_company

    ensure_calendar()
    company = make_company()
    ReplyTemplate.objects.create(
        name="处理结果告知",
        use=ReplyUse.RESULT,
        subject="您的投诉 {ticket} 处理结果",
        body="{customer}您好，您的投诉{ticket}已处理：{result}。",
    )

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    def open_notice(link: str, title_part: str):
        """The bell leads to the notices; the one for the case links to it."""
        page.goto("/")
        assert page.locator("[data-testid=unread-count]").count() == 1
        page.click("[data-testid=bell]")
        notice = page.locator(f"a[href='{link}']").first
        assert title_part in notice.inner_text()
        notice.click()
        page.wait_for_url(re.compile(re.escape(link) + "$"))

    # The agent registers the case (with the customer's e-mail) and routes it.
    as_user("cs_agent")
    page.goto("/complaints/new/")
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_customer_name", "李先生")
    page.fill("#id_email", "li@example.com")
    page.check("input[name=kind][value=complaint]")
    page.check("input[name=complexity][value=general]")
    page.fill("#id_content", "办公室电话无法拨打长途")
    page.click("[data-testid=register]")
    page.wait_for_selector("[data-testid=complaint-number]")
    number = page.inner_text("[data-testid=complaint-number]")
    complaint = Complaint.objects.get(number=number)
    link = f"/complaints/{complaint.pk}/"
    page.select_option("#id_send-department", str(company.dept_sales.pk))
    page.click("[data-testid=submit-send]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=sent]")

    # The department head is told too; the handler acts from the notice.
    as_user("head_sales")
    page.goto("/notifications/")
    assert number in page.locator(f"a[href='{link}']").first.inner_text()
    as_user("handler")
    open_notice(link, number)
    page.check("input[name=verify-founded][value=yes]")
    page.fill("#id_verify-explanation", "经核实，线路未开通长途")
    page.click("[data-testid=submit-verify]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=verified]")
    page.fill("#id_solve-findings", "交换机权限缺失")
    page.fill("#id_solve-solution", "已开通国内长途")
    page.click("[data-testid=submit-solve]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=returned]")

    # Returned: the agent is told, picks the result template (filled from the
    # case, still editable) and e-mails it to the customer.
    as_user("cs_agent")
    open_notice(link, "已返回客服部")
    page.select_option("#id_tell_result-template", label="处理结果告知")
    text = page.input_value("#id_tell_result-result")
    assert text == f"李先生您好，您的投诉{number}已处理：已开通国内长途。"
    page.fill("#id_tell_result-result", text + "请再试一次。")
    page.check("#id_tell_result-send_email")
    page.click("[data-testid=submit-tell_result]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=customer_told]")
    assert page.locator("[data-testid=emailed]").count() == 1
    sent = [m for m in mail.outbox if m.to == ["li@example.com"]]
    assert [m.body for m in sent] == [text + "请再试一次。"]

    # The callback (the agent told the result himself, so no notice to himself).
    page.check("input[name=callback-satisfaction][value='5']")
    page.fill("#id_callback-comment", "很满意")
    page.click("[data-testid=submit-callback]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=callback_done]")

    # Awaiting sign-off: the customer-service head acts from the notice and
    # confirms on the page showing what will be locked.
    as_user("head_cs")
    open_notice(link, "待您签字")
    page.click("[data-testid=submit-sign_off]")
    summary = page.inner_text("[data-testid=sign-off-summary]")
    assert "已开通国内长途" in summary and "请再试一次" in summary
    assert "非常满意 (5/5)" in page.inner_text("[data-testid=sign-off-satisfaction]")
    page.click("[data-testid=confirm-sign_off]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=closed]")
