"""A printable form in the browser (issue 15): printed, the 电话申请表 shows the
form, its approval trail and the signature lines, and nothing of the navbar or the
buttons; headless Chromium makes an A4 PDF of it."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from extensions.services import permission_application_file
from extensions.tests.factories import make_line
from telephony_admin.approvals.services import approval_decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
A4_POINTS = (595, 842)  # 210 × 297 mm


@pytest.fixture
def application(transactional_db):
    from telephony_admin.org.tests.factories import make_company

    c = make_company()
    line = make_line(
        "02160001001",
        c.dept_sales,
        c.employee,
        starts_at=datetime(2026, 1, 1, tzinfo=SH),
    )
    app = permission_application_file(
        line=line,
        user=c.employee.user,
        requested_class=2,
        requested_features=["caller_id"],
        reason="Calls with customers in Beijing",
    )
    step = app.approval.steps.get(status="pending")
    approval_decide(
        step_id=step.pk, user=c.head_sales.user, approve=True, comment="同意"
    )
    return app


def test_printed_application_form_hides_the_navbar_and_shows_signatures__R_EXT_4(
    page, login, application
):
    login("employee")
    page.goto(f"/lines/applications/{application.pk}/")
    page.click("[data-testid=print-link]")
    page.wait_for_url(f"**/lines/applications/{application.pk}/print/")
    # On screen: the navbar and the 打印 button are there.
    assert page.locator("nav.navbar").is_visible()
    assert page.locator("[data-testid=print]").is_visible()
    assert page.locator("[data-testid=print]").inner_text().strip() == "打印"

    page.emulate_media(media="print")
    assert page.locator("nav.navbar").is_hidden()
    assert page.locator("[data-testid=print]").is_hidden()
    assert page.locator("[data-testid=print-sheet]").is_visible()
    assert page.locator("[data-testid=approval-trail]").is_visible()
    trail = page.locator("[data-testid=approval-trail]").inner_text()
    assert "指定审批人" in trail and "实际审批人" in trail and "同意" in trail
    signatures = page.locator("[data-testid=signature]")
    assert signatures.count() == 3
    assert signatures.first.is_visible()
    assert "申请人" in signatures.first.inner_text()
    assert "签字" in signatures.first.inner_text()

    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    for width, height in boxes:
        assert (round(float(width)), round(float(height))) == A4_POINTS
