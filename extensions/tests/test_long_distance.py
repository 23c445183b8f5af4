from datetime import date, timedelta

import pytest

from extensions.errors import ExtensionsError
from extensions.models import ClassOfService, LDStatus
from extensions.services import (
    ip_prefix_advice,
    ld_request_file,
    ld_request_place_now,
    ld_requests_mark_lapsed,
)
from extensions.tasks import ld_requests_mark_lapsed_task
from extensions.tests.factories import NOW, make_line
from telephony_admin.approvals.models import Absence
from telephony_admin.approvals.services import approval_decide
from telephony_admin.core import config
from telephony_admin.errors import PermissionRefused

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def line(company):
    return make_line("8001", company.dept_sales, company.employee, starts_at=NOW)


def _file(company, line, urgent=True, region="domestic"):
    return ld_request_file(
        user=company.employee.user,
        caller=company.employee,
        line=line,
        region=region,
        destination_region="北京",
        destination_org="客户公司",
        reason="Contract questions",
        expected_minutes=15,
        call_on=date(2026, 10, 12),
        urgent=urgent,
    )


def _absent(employee, delegate):
    Absence.objects.create(
        employee=employee,
        starts_on=date(2026, 10, 10),
        ends_on=date(2026, 10, 20),
        delegate=delegate,
    )


def test_head_approves_long_distance__R_LD_2(company, line):
    request = _file(company, line, urgent=False)
    step = request.approval.steps.get()
    assert step.approver == company.head_sales
    approval_decide(step_id=step.pk, user=company.head_sales.user, approve=True)
    request.refresh_from_db()
    assert request.status == LDStatus.APPROVED


def test_absent_head_supervising_leader_decides_as_delegate__R_LD_2(company, line):
    Absence.objects.create(
        employee=company.head_sales,
        starts_on=date(2026, 10, 10),
        ends_on=date(2026, 10, 20),
        delegate=company.gm,
    )
    request = _file(company, line, urgent=False)
    step = request.approval.steps.get()
    # A delegate is recorded: it decides for the head through the approvals service.
    approval_decide(step_id=step.pk, user=company.gm.user, approve=True)
    request.refresh_from_db()
    assert request.status == LDStatus.APPROVED
    assert request.approval.steps.get().on_behalf_of == company.head_sales


def test_line_with_right_needs_no_request__R_LD_1(company):
    rich = make_line(
        "8009",
        company.dept_sales,
        company.employee,
        class_of_service=ClassOfService.DOMESTIC,
        starts_at=NOW,
    )
    with pytest.raises(ExtensionsError):
        _file(company, rich)
    # ...but an international call from it still does.
    assert _file(company, rich, region="international").pk


def test_other_department_cannot_file_for_caller__R_LD_1(company, line):
    with pytest.raises(PermissionRefused):
        ld_request_file(
            user=company.head_cs.user,
            caller=company.employee,
            line=line,
            region="domestic",
            destination_region="北京",
            destination_org="X",
            reason="x",
            expected_minutes=5,
            call_on=date(2026, 10, 12),
        )


def test_place_now_only_when_head_and_leader_absent__R_LD_2(company, line):
    request = _file(company, line)
    with pytest.raises(ExtensionsError):
        ld_request_place_now(request=request, user=company.admin.user)
    _absent(company.head_sales, company.gm)
    _absent(company.gm, company.head_sales)
    with pytest.raises(PermissionRefused):
        ld_request_place_now(request=request, user=company.head_cs.user)
    placed = ld_request_place_now(request=request, user=company.admin.user)
    assert placed.placed_now
    assert placed.complete_by == NOW + timedelta(days=3)
    assert placed.status == LDStatus.PENDING


def test_not_urgent_cannot_be_placed_now__R_LD_2(company, line):
    _absent(company.head_sales, company.gm)
    _absent(company.gm, company.head_sales)
    request = _file(company, line, urgent=False)
    with pytest.raises(ExtensionsError):
        ld_request_place_now(request=request, user=company.admin.user)


def test_urgent_request_lapses_after_three_days__R_LD_2(company, line):
    _absent(company.head_sales, company.gm)
    _absent(company.gm, company.head_sales)
    request = _file(company, line)
    ld_request_place_now(request=request, user=company.admin.user)
    assert ld_requests_mark_lapsed(now=NOW + timedelta(days=3)) == 0
    assert ld_requests_mark_lapsed_task.delay().get() == 0
    later = NOW + timedelta(days=3, minutes=1)
    assert ld_requests_mark_lapsed(now=later) == 1
    assert ld_requests_mark_lapsed(now=later) == 0  # idempotent
    request.refresh_from_db()
    assert request.status == LDStatus.LAPSED
    # A late approval does not undo the lapse (billing charges double).
    step = request.approval.steps.get()
    approval_decide(step_id=step.pk, user=company.head_sales.user, approve=True)
    request.refresh_from_db()
    assert request.status == LDStatus.LAPSED


def test_approved_in_time_does_not_lapse__R_LD_2(company, line):
    _absent(company.head_sales, company.gm)
    _absent(company.gm, company.head_sales)
    request = _file(company, line)
    ld_request_place_now(request=request, user=company.admin.user)
    step = request.approval.steps.get()
    approval_decide(step_id=step.pk, user=company.head_sales.user, approve=True)
    assert ld_requests_mark_lapsed(now=NOW + timedelta(days=5)) == 0
    request.refresh_from_db()
    assert request.status == LDStatus.APPROVED


def test_completion_days_is_a_setting__R_LD_2(company, line):
    config.set_value("extensions.ld_urgent_completion_days", 1)
    _absent(company.head_sales, company.gm)
    _absent(company.gm, company.head_sales)
    request = ld_request_place_now(
        request=_file(company, line), user=company.admin.user
    )
    assert request.complete_by == NOW + timedelta(days=1)


def test_ip_prefix_advice_uses_setting__R_LD_3(company):
    assert "17909, 17951, 17911" in ip_prefix_advice()
    config.set_value("extensions.ip_prefixes", "12593")
    assert "12593" in ip_prefix_advice()
    assert "17909" not in ip_prefix_advice()
