"""The approvals inbox shows a long-distance request's key facts inline and decides
several at once through the same service (R-LD-1, R-ORG-3)."""

from datetime import date

import pytest
from django.urls import reverse

from extensions.services import ld_request_file
from extensions.tests.factories import NOW, make_line

pytestmark = pytest.mark.usefixtures("frozen_now")


def _file(company, line, org):
    return ld_request_file(
        user=company.employee.user,
        caller=company.employee,
        line=line,
        region="domestic",
        destination_region="北京",
        destination_org=org,
        reason="Contract questions",
        expected_minutes=15,
        call_on=date(2026, 10, 12),
    )


def test_inbox_shows_the_ld_requests_details_and_bulk_approves_them__R_LD_1(
    client, company
):
    line = make_line("8001", company.dept_sales, company.employee, starts_at=NOW)
    first, second = _file(company, line, "客户公司"), _file(company, line, "供应商")
    client.force_login(company.head_sales.user)
    page = client.get(reverse("approvals:inbox")).content.decode()
    for text in ("Long-distance request", "客户公司", "供应商", "8001", "15"):
        assert text in page
    assert "Organisation called" in page  # the field's label, capitalised
    steps = [r.approval.steps.get(order=1).pk for r in (first, second)]
    response = client.post(
        reverse("approvals:inbox"), {"steps": steps, "action": "approve"}
    )
    assert response.content.decode().count('data-outcome="done"') == 2
    for request in (first, second):
        request.refresh_from_db()
        step = request.approval.steps.get(order=1)
        assert step.decided_by == company.head_sales
