"""Browser journey of issue 4: administration imports the month's bill and sees it."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_BILL = Path(__file__).resolve().parents[1] / "fixtures" / "bill-2026-10.csv"


@pytest.fixture
def world(transactional_db):
    from telephony_admin.org.tests.factories import make_company

    return make_company()


def test_admin_uploads_the_bill_sees_progress_then_the_calls__R_BIL_2(
    page, login, world
):
    login("admin")
    page.goto("/billing/imports/upload/")
    page.set_input_files("input[name=file]", str(DEMO_BILL))
    page.fill("input[name=period]", "2026-10")
    page.fill("input[name=carrier]", "中国电信")
    page.click("input[name=submit]")
    page.wait_for_url("**/billing/imports/*/")

    bar = page.locator("[data-testid=progress]")
    bar.and_(page.locator("[aria-valuenow='100']")).wait_for()
    assert page.locator("#progress-bar").inner_text().strip() == "100%"
    assert page.locator("[data-testid=rows-imported]").inner_text() == "300"
    assert page.locator("[data-testid=error-count]").inner_text() == "0"
    assert "220.90" in page.locator("[data-testid=total-charge]").inner_text()

    # The finished import leads to the month's audit and to its calls.
    audit = page.locator("[data-testid=see-audit]").get_attribute("href")
    assert audit.endswith("/findings/?month=2026-10")
    page.click("[data-testid=see-calls]")
    page.wait_for_url("**/billing/calls/**")
    totals = page.locator("[data-testid=totals]").inner_text()
    assert "300" in totals and "220.90" in totals
    assert page.locator("[data-testid=calls] tbody tr").count() > 1
    page.click("[data-testid=older]")
    page.wait_for_url("**after=*")
    page.click("[data-testid=newer]")
    page.wait_for_url("**before=*")
    assert page.locator("[data-testid=calls] tbody tr").count() > 1
