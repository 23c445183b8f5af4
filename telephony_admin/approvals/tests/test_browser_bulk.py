"""待我审批 in a browser: tick all, one comment, approve; each request is decided."""

import pytest
from django.core.management import call_command

from telephony_admin.approvals.models import ApprovalStatus
from telephony_admin.approvals.services import approval_request_create, head_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def translated():
    call_command("compile_translations", verbosity=0)


def test_head_ticks_all_and_approves_with_one_comment__R_ORG_3(
    company, translated, page, login
):
    requests = [
        approval_request_create(
            subject=person,
            kind="browser_bulk_kind",
            requester=person,
            title=f"申请 {person.name}",
            chain=[head_step(person)],
        )
        for person in (company.employee, company.employee_east)
    ]
    login("head_sales")
    page.goto("/approvals/")
    page.check("[data-check-all]")
    assert page.locator("input[name=steps]:checked").count() == 2
    page.fill("#id_comment", "同意")
    page.click("[data-testid=bulk-approve]")
    page.wait_for_selector("[data-testid=bulk-outcomes]")
    assert page.locator('[data-outcome="done"]').count() == 2
    for request in requests:
        request.refresh_from_db()
        assert request.status == ApprovalStatus.APPROVED
        assert request.steps.get(order=1).comment == "同意"
