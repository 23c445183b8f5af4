"""Requests read in plain words and are decided on their own page (issue 15, part 4)."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from extensions.models import ClassOfService, RequestStatus
from extensions.services import equipment_request_file, permission_application_file
from extensions.tests.factories import NOW, make_line
from telephony_admin.approvals.models import StepStatus
from telephony_admin.approvals.services import approval_decide

pytestmark = pytest.mark.usefixtures("frozen_now")


def _equipment(company):
    return equipment_request_file(
        user=company.employee.user,
        department=company.dept_sales,
        kind="extension",
        quantity=2,
        needed_by=date(2026, 11, 1),
        reason="Two new sales staff",
    )


def test_the_head_decides_an_equipment_request_on_its_own_page__R_EXT_5(
    client, company
):
    equipment = _equipment(company)
    url = reverse("extensions:equipment_detail", args=[equipment.pk])
    client.force_login(company.head_sales.user)
    page = client.get(url).content.decode()
    assert 'data-testid="equipment-decision"' in page
    response = client.post(url, {"decision": "approve", "comment": ""})
    assert response.status_code == 302
    first = equipment.approval.steps.get(order=1)
    assert (
        first.status == StepStatus.APPROVED and first.decided_by == company.head_sales
    )


def test_an_equipment_rejection_needs_a_reason_and_keeps_the_form(client, company):
    equipment = _equipment(company)
    url = reverse("extensions:equipment_detail", args=[equipment.pk])
    client.force_login(company.head_sales.user)
    response = client.post(url, {"decision": "reject", "comment": ""})
    assert response.status_code == 200
    assert equipment.approval.steps.get(order=1).status == StepStatus.PENDING


def test_no_decision_form_for_the_requester_or_a_later_approver(client, company):
    equipment = _equipment(company)
    url = reverse("extensions:equipment_detail", args=[equipment.pk])
    for user in (company.employee.user, company.gm.user):
        client.force_login(user)
        response = client.get(url)
        assert 'data-testid="equipment-decision"' not in response.content.decode()
        client.post(url, {"decision": "approve", "comment": ""})
    equipment.refresh_from_db()
    assert equipment.status == RequestStatus.PENDING
    assert equipment.approval.steps.get(order=1).status == StepStatus.PENDING


def test_the_administration_step_reads_in_chinese_on_the_application_page(
    client, company
):
    line = make_line("02160001001", company.dept_sales, company.employee, starts_at=NOW)
    app = permission_application_file(
        line=line,
        user=company.employee.user,
        requested_class=ClassOfService.DOMESTIC,
        requested_features=[],
        reason="Customers in Beijing",
    )
    step = app.approval.steps.get(order=1)
    approval_decide(step_id=step.pk, user=company.head_sales.user, approve=True)
    client.force_login(company.admin.user)
    url = reverse("extensions:application_detail", args=[app.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"您的审批[:：]综合管理部", page)
    assert "Administration office" not in page


def test_existing_requests_get_their_title_as_a_msgid_by_the_migration(company):
    """Migration 0003: a request filed before titles were kept as msgids reads in
    each reader's language afterwards."""
    import importlib

    from django.apps import apps

    from telephony_admin.approvals.models import ApprovalRequest

    line = make_line("02160001002", company.dept_sales, company.employee, starts_at=NOW)
    app = permission_application_file(
        line=line,
        user=company.employee.user,
        requested_class=ClassOfService.LOCAL,
        requested_features=[],
        reason="Customers nearby",
    )
    equipment = _equipment(company)
    ApprovalRequest.objects.update(title="旧标题", title_msgid="", title_params={})
    migration = importlib.import_module(
        "extensions.migrations.0003_request_titles_as_msgids"
    )
    migration.forwards(apps, None)
    with translation.override("en"):
        assert ApprovalRequest.objects.get(pk=app.approval_id).shown_title == (
            "Line 02160001002: Local"
        )
        assert "2 × Extension for" in (
            ApprovalRequest.objects.get(pk=equipment.approval_id).shown_title
        )
