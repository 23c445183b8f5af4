from datetime import date, datetime

import pytest

from extensions.errors import ExtensionsError, LimitExceeded
from extensions.models import (
    ClassChange,
    ClassOfService,
    DepartmentLineLimit,
    EquipmentRequest,
    PermissionApplication,
    RequestStatus,
)
from extensions.selectors import class_of_service_at
from extensions.services import (
    department_limit_set,
    equipment_request_file,
    equipment_request_fulfil,
    permission_application_decide,
    permission_application_file,
)
from extensions.tests.factories import NOW, SH, make_line
from telephony_admin.approvals.services import approval_decide
from telephony_admin.core import config
from telephony_admin.errors import PermissionRefused

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def line(company):
    return make_line("02160001001", company.dept_sales, company.employee, starts_at=NOW)


def _file(company, line, klass=ClassOfService.DOMESTIC, user=None):
    return permission_application_file(
        line=line,
        user=user or company.employee.user,
        requested_class=klass,
        requested_features=["caller_id"],
        reason="Customers in Beijing",
    )


def _step(app):
    return app.approval.steps.get(status="pending")


def test_class_changes_only_after_last_approval__R_EXT_4(company, line):
    app = _file(company, line)
    assert [s.label for s in app.approval.steps.all()] == [
        "Department head",
        "Administration office",
    ]
    approval_decide(step_id=_step(app).pk, user=company.head_sales.user, approve=True)
    line.refresh_from_db()
    assert line.class_of_service == ClassOfService.INTERNAL
    assert not ClassChange.objects.exists()
    approval_decide(step_id=_step(app).pk, user=company.admin.user, approve=True)
    line.refresh_from_db()
    app.refresh_from_db()
    assert line.class_of_service == ClassOfService.DOMESTIC
    assert line.features == ["caller_id"]
    assert app.status == RequestStatus.APPROVED
    change = ClassChange.objects.get()
    assert change.approval == app.approval
    assert change.changed_by == company.admin
    assert change.reason == "Customers in Beijing"
    assert class_of_service_at(line.number, NOW)[0] == ClassOfService.DOMESTIC


def test_no_self_approval_of_application__R_EXT_4(company, line):
    app = _file(company, line, user=company.employee.user)
    with pytest.raises(PermissionRefused):
        approval_decide(step_id=_step(app).pk, user=company.employee.user, approve=True)
    approval_decide(step_id=_step(app).pk, user=company.head_sales.user, approve=True)
    # An administrator filing for a line still needs another administrator.
    other = make_line("8100", company.dept_admin, company.admin, starts_at=NOW)
    own = _file(company, other, user=company.admin.user)
    approval_decide(step_id=_step(own).pk, user=company.gm.user, approve=True)
    with pytest.raises(PermissionRefused):
        approval_decide(step_id=_step(own).pk, user=company.admin.user, approve=True)
    approval_decide(step_id=_step(own).pk, user=company.admin2.user, approve=True)


def test_head_of_other_department_cannot_decide__R_ORG_3(company, line):
    app = _file(company, line)
    with pytest.raises(PermissionRefused):
        approval_decide(step_id=_step(app).pk, user=company.head_cs.user, approve=True)


def test_employee_cannot_apply_for_colleagues_line__R_EXT_4(company, line):
    with pytest.raises(PermissionRefused):
        _file(company, line, user=company.handler.user)
    with pytest.raises(PermissionRefused):
        _file(company, line, user=company.head_cs.user)


def test_rejection_keeps_class__R_EXT_4(company, line):
    app = _file(company, line)
    approval_decide(
        step_id=_step(app).pk,
        user=company.head_sales.user,
        approve=False,
        comment="not needed",
    )
    app.refresh_from_db()
    line.refresh_from_db()
    assert app.status == RequestStatus.REJECTED
    assert line.class_of_service == ClassOfService.INTERNAL


def test_limit_needs_admin_override__R_EXT_3(company, line):
    make_line(
        "02160001002",
        company.dept_sales,
        company.head_sales,
        class_of_service=ClassOfService.DOMESTIC,
        starts_at=NOW,
    )
    app = _file(company, line)
    assert app.exceeds_limit
    approval_decide(step_id=_step(app).pk, user=company.head_sales.user, approve=True)
    with pytest.raises(LimitExceeded):
        approval_decide(step_id=_step(app).pk, user=company.admin.user, approve=True)
    line.refresh_from_db()
    assert line.class_of_service == ClassOfService.INTERNAL
    app.refresh_from_db()
    assert app.status == RequestStatus.PENDING
    permission_application_decide(
        application=app, user=company.admin.user, approve=True, override=True
    )
    line.refresh_from_db()
    app.refresh_from_db()
    assert line.class_of_service == ClassOfService.DOMESTIC
    assert app.override_granted and app.override_by == company.admin
    assert ClassChange.objects.get(line=line).override


def test_only_admin_step_can_override__R_EXT_3(company, line):
    make_line(
        "8002",
        company.dept_sales,
        company.head_sales,
        class_of_service=ClassOfService.INTERNATIONAL,
        starts_at=NOW,
    )
    app = _file(company, line)
    with pytest.raises(PermissionRefused):
        permission_application_decide(
            application=app, user=company.head_sales.user, approve=True, override=True
        )


def test_limit_configurable_per_department__R_EXT_3(company, line):
    make_line(
        "8003",
        company.dept_sales,
        company.head_sales,
        class_of_service=ClassOfService.DOMESTIC,
        starts_at=NOW,
    )
    department_limit_set(
        department=company.dept_sales,
        local_lines=1,
        long_distance_lines=2,
        actor=company.admin.user,
    )
    assert not _file(company, line).exceeds_limit
    assert DepartmentLineLimit.objects.get().long_distance_lines == 2


def test_default_limit_is_a_setting__R_EXT_3(company, line):
    make_line(
        "8004",
        company.dept_sales,
        company.head_sales,
        class_of_service=ClassOfService.LOCAL,
        starts_at=NOW,
    )
    assert _file(company, line, klass=ClassOfService.LOCAL).exceeds_limit
    config.set_value("extensions.default_local_lines", 2)
    PermissionApplication.objects.all().delete()
    assert not _file(company, line, klass=ClassOfService.LOCAL).exceeds_limit


def test_nothing_to_apply_for_is_refused__R_EXT_4(company, line):
    with pytest.raises(ExtensionsError):
        permission_application_file(
            line=line,
            user=company.employee.user,
            requested_class=ClassOfService.INTERNAL,
            reason="x",
        )


def test_equipment_request_chain_and_fulfilment__R_EXT_5(company):
    request = equipment_request_file(
        user=company.employee.user,
        department=company.dept_sales,
        kind="extension",
        quantity=2,
        needed_by=date(2026, 11, 1),
        reason="Two new sales staff",
    )
    steps = list(request.approval.steps.all())
    assert [s.label for s in steps] == [
        "Department manager",
        "Administration head",
        "General manager",
    ]
    assert steps[0].approver == company.head_sales
    assert steps[1].approver == company.admin
    for user in (company.head_sales.user, company.admin.user):
        approval_decide(step_id=_step(request).pk, user=user, approve=True)
        request.refresh_from_db()
        assert request.status == RequestStatus.PENDING
    with pytest.raises(PermissionRefused):
        approval_decide(
            step_id=_step(request).pk, user=company.admin.user, approve=True
        )
    approval_decide(step_id=_step(request).pk, user=company.gm.user, approve=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    with pytest.raises(PermissionRefused):
        equipment_request_fulfil(
            equipment=request,
            user=company.head_sales.user,
            new_numbers=["8201"],
            existing_lines=[],
        )
    equipment_request_fulfil(
        equipment=request,
        user=company.admin.user,
        new_numbers=["8201", "8202"],
        existing_lines=[],
        owner=company.employee,
    )
    request = EquipmentRequest.objects.get(pk=request.pk)
    assert request.status == RequestStatus.FULFILLED
    numbers = sorted(line.number for line in request.lines.all())
    assert numbers == ["8201", "8202"]
    assert all(
        line.class_of_service == ClassOfService.INTERNAL for line in request.lines.all()
    )


def test_employee_cannot_request_phones_for_other_department__R_EXT_5(company):
    with pytest.raises(PermissionRefused):
        equipment_request_file(
            user=company.employee.user,
            department=company.dept_cs,
            kind="extension",
            quantity=1,
            needed_by=date(2026, 11, 1),
            reason="x",
        )


def test_future_effective_date_applies_on_the_day__R_EXT_4(company, line):
    from extensions.services import class_changes_apply_due
    from extensions.tasks import class_changes_apply_due_task

    app = permission_application_file(
        line=line,
        user=company.employee.user,
        requested_class=ClassOfService.LOCAL,
        reason="From the 20th",
        effective_from=date(2026, 10, 20),
    )
    approval_decide(step_id=_step(app).pk, user=company.head_sales.user, approve=True)
    approval_decide(step_id=_step(app).pk, user=company.admin.user, approve=True)
    line.refresh_from_db()
    change = ClassChange.objects.get()
    assert not change.applied
    assert line.class_of_service == ClassOfService.INTERNAL
    assert class_of_service_at(line.number, datetime(2026, 10, 19, 23, tzinfo=SH))[
        0
    ] == (ClassOfService.INTERNAL)
    assert class_of_service_at(line.number, datetime(2026, 10, 20, tzinfo=SH))[0] == (
        ClassOfService.LOCAL
    )
    assert class_changes_apply_due_task.delay().get() == 0
    assert class_changes_apply_due(now=datetime(2026, 10, 20, 0, 5, tzinfo=SH)) == 1
    assert class_changes_apply_due(now=datetime(2026, 10, 20, 0, 5, tzinfo=SH)) == 0
    line.refresh_from_db()
    assert line.class_of_service == ClassOfService.LOCAL
    from telephony_admin.core.models import AuditEvent

    took_effect = AuditEvent.objects.filter(action="line.class_change_took_effect")
    assert took_effect.count() == 1
    assert took_effect.get().details["to_class"] == ClassOfService.LOCAL


def test_step_labels_stored_as_msgids_and_shown_translated__R_EXT_4(company, line):
    from django.utils import translation

    with translation.override("zh-hans"):
        app = _file(company, line)
        labels = [s.display_label for s in app.approval.steps.all()]
    assert [s.label for s in app.approval.steps.all()] == [
        "Department head",
        "Administration office",
    ]
    assert labels[1] == "综合管理部"
