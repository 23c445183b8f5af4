"""Browser journey: intake by the agent, the department's verification and solution,
the result and callback, sign-off by the customer-service head, and the report."""

import pytest

from .conftest import ensure_calendar


@pytest.mark.browser
def test_complaint_from_intake_to_closure_and_report__R_CMP_4_R_CMP_5_R_CMP_6(
    transactional_db, page, login
):
    from telephony_admin.org.tests.factories import make_company

    ensure_calendar()
    company = make_company()

    def as_user(username):
        page.context.clear_cookies()
        login(username)

    as_user("cs_agent")
    page.goto("/complaints/new/")
    page.fill("#id_contact_phone", "13912345678")
    page.fill("#id_customer_name", "李先生")
    page.fill("#id_unit", "SN-2026-0042")
    page.check("input[name=kind][value=complaint]")
    page.check("input[name=complexity][value=general]")
    page.fill("#id_content", "办公室电话无法拨打长途")
    page.click("[data-testid=register]")
    page.wait_for_selector("[data-testid=complaint-number]")
    number = page.inner_text("[data-testid=complaint-number]")
    assert number.startswith("TS-")
    detail = page.url
    page.select_option("#id_send-department", str(company.dept_sales.pk))
    page.click("[data-testid=submit-send]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=sent]")

    as_user("handler")
    page.goto(detail)
    page.check("input[name=verify-founded][value=yes]")
    page.fill("#id_verify-explanation", "经核实，线路未开通长途")
    page.fill("#id_verify-note", "内部：开通单漏办")
    page.click("[data-testid=submit-verify]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=verified]")
    page.fill("#id_solve-findings", "交换机权限缺失")
    page.fill("#id_solve-solution", "已开通国内长途")
    # Solved and returned to customer service in one step (the box is ticked).
    assert page.is_checked("#id_solve-return_now")
    page.click("[data-testid=submit-solve]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=returned]")

    as_user("cs_agent")
    page.goto(detail)
    page.fill("#id_tell_result-result", "已为您开通长途，请再试")
    page.click("[data-testid=submit-tell_result]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=customer_told]")
    page.check("input[name=callback-satisfaction][value='5']")
    page.fill("#id_callback-comment", "很满意")
    page.click("[data-testid=submit-callback]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=callback_done]")
    assert page.locator("[data-testid=action-sign_off]").count() == 0

    as_user("head_cs")
    page.goto(detail)
    page.click("[data-testid=submit-sign_off]")
    # The confirmation shows what signing off locks before it acts.
    assert "已开通国内长途" in page.inner_text("[data-testid=sign-off-solution]")
    page.click("[data-testid=confirm-sign_off]")
    page.wait_for_selector("[data-testid=complaint-status][data-status=closed]")
    assert "非常满意 (5/5)" in page.inner_text("[data-testid=satisfaction]")

    page.goto("/complaints/reports/")
    assert page.inner_text("[data-testid=total]") == "1"
    assert page.inner_text("[data-testid=closed]") == "1"
    assert "销售部" in page.inner_text("[data-testid=by-department]")
    assert page.locator("#chart-kind").count() == 1
