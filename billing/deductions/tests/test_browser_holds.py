"""Browser (issue 15): a month whose audit is held — administration sees why,
bulk-confirms with a reason, the people are told — then finance downloads the
workbook, the close button becomes active without a reload, and the month closes."""

from __future__ import annotations

import pytest

from billing.deductions.models import FindingStatus, Violation
from billing.deductions.services.audits import audit_run
from billing.models import BillingPeriod
from telephony_admin.core.models import Notification

from .test_holds import calls


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_held_month_is_bulk_confirmed_then_closed__R_LD_4_R_PRV_4(
    page, login, company, lines
):
    period = calls(lines["local"], 60)  # long distance on a local-only line
    audit_run(period_id=period.pk)
    assert not Notification.objects.exists()

    login("admin")
    page.goto("/deductions/findings/?month=2026-10")
    why = page.get_by_test_id("held-why")
    assert "60" in why.inner_text() and "100.0%" in why.inner_text()
    page.get_by_test_id("show-held").click()
    page.wait_for_url("**status=held**")
    page.locator("[data-testid=bulk] summary").click()
    page.select_option("[data-testid=bulk] select[name=action]", "confirm")
    page.fill("[data-testid=bulk] input[name=reason]", "权限表已核对，确属违规")
    page.get_by_test_id("bulk-next").click()
    assert "60" in page.get_by_test_id("bulk-count").inner_text()
    page.get_by_test_id("bulk-confirm").click()
    page.wait_for_url("**/deductions/findings/**")
    assert not page.get_by_test_id("held-why").count()
    assert set(Violation.objects.values_list("status", flat=True)) == {
        FindingStatus.CHARGED
    }
    assert Notification.objects.filter(recipient=company.employee.user).count() == 1
    digest = Notification.objects.get(recipient=company.head_sales.user)
    assert company.employee.name in digest.body

    page.context.clear_cookies()
    login("finance")
    page.goto("/deductions/closing/")
    row = page.locator("tr[data-month='2026-10']")
    assert row.locator("button[data-testid=close][disabled]").count() == 1
    with page.expect_download():
        row.get_by_test_id("download").first.click()
    # No reload: the page learns the export happened and activates the button.
    row.locator("a[data-testid=close]").wait_for()
    row.locator("a[data-testid=close]").click()
    page.get_by_test_id("close-summary").wait_for()
    page.get_by_test_id("confirm-close").click()
    page.wait_for_selector("tr[data-month='2026-10'] .bi-lock")
    assert BillingPeriod.objects.get(pk=period.pk).is_closed
