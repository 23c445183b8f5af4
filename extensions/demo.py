"""Demo lines: the 50 direct lines of the sample list across the demo departments.

History starts on 2026-01-01 so the October 2026 demo bill is attributed; one line
changes owner in mid-October; a few applications and requests are left pending.
Idempotent: nothing happens if the first line exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from telephony_admin.approvals.services import approval_decide
from telephony_admin.org.models import Department, Employee

from .models import ClassOfService, Line, LineKind
from .services import (
    class_change_apply,
    equipment_request_file,
    fault_report,
    ld_request_file,
    line_assign,
    line_create,
    permission_application_file,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lines.txt"
HOTLINE = "4008205050"
LONG_DISTANCE = {"ADM", "SAL", "CS"}  # one long-distance line each (R-EXT-3)
INTERNATIONAL = "GMO"


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


def _numbers() -> list[str]:
    return [n.strip() for n in FIXTURE.read_text().splitlines() if n.strip()]


def _owners(count: int) -> list[Employee]:
    people = list(
        Employee.objects.filter(is_active=True)
        .select_related("department")
        .order_by("number")
    )
    return people[:count]


def _initial_class(department: Department, seen: dict[str, int]) -> int:
    """First line of a department: its long-distance (or international) line where
    the demo gives one, else its local line; the second line of those departments
    is the local one; all others internal (R-EXT-3)."""
    index = seen.get(department.code, 0)
    seen[department.code] = index + 1
    if department.code == INTERNATIONAL and index == 0:
        return ClassOfService.INTERNATIONAL
    if department.code in LONG_DISTANCE | {INTERNATIONAL}:
        return {0: ClassOfService.DOMESTIC, 1: ClassOfService.LOCAL}.get(
            index, ClassOfService.INTERNAL
        )
    return ClassOfService.LOCAL if index == 0 else ClassOfService.INTERNAL


def seed(*, stdout) -> None:
    numbers = _numbers()
    if Line.objects.filter(number=numbers[0]).exists():
        stdout.write("extensions: demo lines already present")
        return
    start = _at(2026, 1, 1)
    seen: dict[str, int] = {}
    lines = []
    for index, (number, owner) in enumerate(
        zip(numbers, _owners(len(numbers)), strict=False)
    ):
        line = line_create(
            number=number,
            department=owner.department,
            owner=owner,
            kind=LineKind.DIRECT,
            location=f"{3 + index // 10}F-{index % 10 + 1:02d}",
            device="Yealink T31P",
            starts_at=start,
        )
        klass = _initial_class(owner.department, seen)
        if klass != ClassOfService.INTERNAL:
            class_change_apply(
                line=line,
                to_class=klass,
                features=["caller_id"] if klass >= ClassOfService.DOMESTIC else [],
                reason="初始配置(纸质电话申请表)",
                changed_by=None,
                effective_at=start,
            )
        lines.append(line)
    cs = Department.objects.get(code="CS")
    line_create(
        number=HOTLINE,
        department=cs,
        owner=cs.head,
        kind=LineKind.HOTLINE_400,
        location="客服中心",
        notes="400 客服热线, 只接听不外拨 (R-HOT-1)",
        starts_at=start,
    )
    _owner_change(lines)
    _pending(lines)
    stdout.write(
        f"extensions: {Line.objects.count()} lines, "
        f"{sum(1 for line in Line.objects.all() if line.class_of_service)} "
        "with outside calls"
    )


def _owner_change(lines: list[Line]) -> None:
    """Mid-October one sales line changes hands: calls before stay with the old owner."""
    sales = [line for line in lines if line.department.code == "SAL"]
    line = sales[-1]
    taken = {line.owner_id for line in lines}
    newcomer = (
        Employee.objects.filter(department=line.department, is_active=True)
        .exclude(pk__in=taken)
        .order_by("number")
        .first()
    ) or line.department.head
    line_assign(
        line=line,
        owner=newcomer,
        when=_at(2026, 10, 15, 9),
        reason="岗位调整",
    )


def _pending(lines: list[Line]) -> None:
    employee = Employee.objects.filter(user__username="employee").first()
    if employee is None or employee.user is None:
        return
    own = next((line for line in lines if line.owner_id == employee.pk), None)
    if own is not None:
        permission_application_file(
            line=own,
            user=employee.user,
            requested_class=ClassOfService.DOMESTIC,
            requested_features=["caller_id"],
            reason="需要与北京、上海客户沟通合同事宜",
        )
        ld_request_file(
            user=employee.user,
            caller=employee,
            line=own,
            region="domestic",
            destination_region="北京",
            destination_org="北京华信科技有限公司",
            destination_number="010-62345678",
            reason="确认年度采购合同条款",
            expected_minutes=20,
            call_on=timezone.localdate(),
            urgent=True,
        )
        equipment_request_file(
            user=employee.user,
            department=employee.department,
            kind=LineKind.EXTENSION,
            quantity=2,
            needed_by=timezone.localdate() + timedelta(days=14),
            reason="销售部新入职两名员工",
        )
        fault_report(
            line=own,
            user=employee.user,
            reported_at=timezone.now() - timedelta(hours=5),
            symptom="话机无拨号音, 偶尔有杂音",
        )
    tech = Department.objects.filter(code="TEC").select_related("head").first()
    if tech is None or tech.head is None or tech.head.user is None:
        return
    worker_line = next(
        (
            line
            for line in lines
            if line.department_id == tech.pk
            and line.owner_id != tech.head_id
            and line.owner.user is not None
        ),
        None,
    )
    if worker_line is None:
        # Tech staff have no logins in the demo: the head applies for their line.
        worker_line = next(
            (line for line in lines if line.department_id == tech.pk), None
        )
        applicant = tech.head.user
    else:
        applicant = worker_line.owner.user
    if worker_line is None:
        return
    application = permission_application_file(
        line=worker_line,
        user=applicant,
        requested_class=ClassOfService.DOMESTIC,
        reason="远程支持外地客户的设备调试",
    )
    step = application.approval.steps.get(status="pending")
    if step.approver_id and step.approver.user is not None:
        approval_decide(step_id=step.pk, user=step.approver.user, approve=True)
