from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from extensions.models import (
    ClassOfService,
    Fault,
    FaultStatus,
    LDStatus,
    Line,
    PermissionApplication,
    RequestStatus,
)
from extensions.services import (
    equipment_request_file,
    fault_report,
    ld_request_file,
    permission_application_file,
)
from extensions.tests.factories import NOW, SH, make_line

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def world(company):
    c = company
    c.line = make_line("8001", c.dept_sales, c.employee, starts_at=NOW, location="3F")
    c.cs_line = make_line("8501", c.dept_cs, c.cs_agent, starts_at=NOW)
    c.app = permission_application_file(
        line=c.line,
        user=c.employee.user,
        requested_class=ClassOfService.DOMESTIC,
        reason="Beijing customers",
    )
    c.fault = fault_report(
        line=c.line, user=c.employee.user, reported_at=NOW, symptom="No dial tone"
    )
    c.ld = ld_request_file(
        user=c.employee.user,
        caller=c.employee,
        line=c.line,
        region="domestic",
        destination_region="北京",
        destination_org="客户公司",
        reason="Contract",
        expected_minutes=10,
        call_on=date(2026, 10, 12),
        urgent=True,
    )
    c.equipment = equipment_request_file(
        user=c.employee.user,
        department=c.dept_sales,
        kind="extension",
        quantity=1,
        needed_by=date(2026, 11, 1),
        reason="New hire",
    )
    return c


def _pages(c):
    return [
        reverse("extensions:list"),
        reverse("extensions:line_detail", args=[c.line.pk]),
        reverse("extensions:applications"),
        reverse("extensions:application_new"),
        reverse("extensions:application_detail", args=[c.app.pk]),
        reverse("extensions:equipment"),
        reverse("extensions:equipment_new"),
        reverse("extensions:equipment_detail", args=[c.equipment.pk]),
        reverse("extensions:faults"),
        reverse("extensions:fault_new"),
        reverse("extensions:fault_detail", args=[c.fault.pk]),
        reverse("extensions:ld_list"),
        reverse("extensions:ld_new"),
        reverse("extensions:ld_detail", args=[c.ld.pk]),
        reverse("extensions:directory") + "?q=zs",
        reverse("extensions:directory_print"),
        reverse("extensions:directory_export"),
    ]


def test_every_page_renders_for_admin__R_EXT_1(client, world):
    client.force_login(world.admin.user)
    admin_pages = [
        reverse("extensions:line_new"),
        reverse("extensions:line_edit", args=[world.line.pk]),
        reverse("extensions:line_assign", args=[world.line.pk]),
        reverse("extensions:line_class", args=[world.line.pk]),
        reverse("extensions:limits"),
        reverse("extensions:import"),
        reverse("extensions:transfer") + f"?employee={world.employee.pk}",
        reverse("home"),
    ]
    for url in _pages(world) + admin_pages:
        assert client.get(url).status_code == 200, url


def test_every_page_renders_for_owner_employee__R_EXT_1(client, world):
    client.force_login(world.employee.user)
    for url in _pages(world):
        assert client.get(url).status_code == 200, url


def test_head_of_other_department_gets_404__R_ORG_3(client, world):
    client.force_login(world.head_cs.user)
    for url in [
        reverse("extensions:line_detail", args=[world.line.pk]),
        reverse("extensions:application_detail", args=[world.app.pk]),
        reverse("extensions:fault_detail", args=[world.fault.pk]),
        reverse("extensions:ld_detail", args=[world.ld.pk]),
        reverse("extensions:equipment_detail", args=[world.equipment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("extensions:list")).content.decode()
    assert "8501" in listing and "8001" not in listing


def test_colleague_cannot_see_others_line__R_EXT_1(client, world):
    client.force_login(world.handler.user)
    response = client.get(reverse("extensions:line_detail", args=[world.line.pk]))
    assert response.status_code == 404
    assert "8001" not in client.get(reverse("extensions:list")).content.decode()


def test_head_sees_department_lines_gm_all__R_EXT_1(client, world):
    client.force_login(world.head_sales.user)
    assert (
        client.get(reverse("extensions:line_detail", args=[world.line.pk])).status_code
        == 200
    )
    client.force_login(world.gm.user)
    listing = client.get(reverse("extensions:list")).content.decode()
    assert "8001" in listing and "8501" in listing


def test_staff_without_lines_see_none_and_cannot_edit__R_EXT_1(client, world):
    client.force_login(world.finance.user)
    listing = client.get(reverse("extensions:list")).content.decode()
    assert "8001" not in listing and "8501" not in listing
    client.force_login(world.cs_agent.user)
    # A CS agent sees their own line (OWN scope) but may not edit lines.
    assert "8501" in client.get(reverse("extensions:list")).content.decode()
    assert client.get(reverse("extensions:line_new")).status_code == 403
    assert client.get(reverse("extensions:limits")).status_code == 403
    assert client.get(reverse("extensions:import")).status_code == 403
    assert client.get(reverse("extensions:transfer")).status_code == 403


def test_head_cannot_edit_lines__R_EXT_1(client, world):
    client.force_login(world.head_sales.user)
    for name in ("line_edit", "line_assign"):
        url = reverse(f"extensions:{name}", args=[world.line.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_application_form_keeps_input_on_error__R_EXT_4(client, world):
    client.force_login(world.employee.user)
    PermissionApplication.objects.all().delete()
    response = client.post(
        reverse("extensions:application_new"),
        {"line": world.line.pk, "requested_class": 0, "reason": "keep me"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "keep me" in body
    assert "already has this class" in body


def test_admin_step_override_shown_and_applied__R_EXT_3(client, world):
    make_line(
        "8002",
        world.dept_sales,
        world.head_sales,
        class_of_service=ClassOfService.DOMESTIC,
        starts_at=NOW,
    )
    url = reverse("extensions:application_detail", args=[world.app.pk])
    client.force_login(world.head_sales.user)
    page = client.get(url).content.decode()
    assert "override" not in page.split("Your decision")[-1].lower()
    client.post(url, {"decision": "approve"})
    client.force_login(world.admin.user)
    page = client.get(url).content.decode()
    assert 'data-testid="limit-warning"' in page
    assert 'name="override"' in page
    refused = client.post(url, {"decision": "approve"}).content.decode()
    # Said next to the box on this page, not "open the application" (issue 15).
    assert "tick this box to approve beyond it" in refused
    assert "Open the application" not in refused
    world.line.refresh_from_db()
    assert world.line.class_of_service == ClassOfService.INTERNAL
    client.post(url, {"decision": "approve", "override": "on"})
    world.line.refresh_from_db()
    world.app.refresh_from_db()
    assert world.line.class_of_service == ClassOfService.DOMESTIC
    assert world.app.status == RequestStatus.APPROVED


def test_fault_close_by_admin_only__R_EXT_7(client, world):
    url = reverse("extensions:fault_detail", args=[world.fault.pk])
    client.force_login(world.head_sales.user)
    assert (
        client.post(url, {"action": "close", "cause": "x", "repair": "y"}).status_code
        == 404
    )
    client.force_login(world.admin.user)
    client.post(url, {"action": "assign", "assigned_to": world.admin2.pk})
    client.post(url, {"action": "close", "cause": "Cable cut", "repair": "Replaced"})
    fault = Fault.objects.get()
    assert fault.status == FaultStatus.CLOSED
    assert fault.assigned_to == world.admin2
    assert fault.closed_by == world.admin
    open_list = client.get(reverse("extensions:faults")).content.decode()
    assert "No dial tone" not in open_list


def test_fault_list_shows_open_with_age__R_EXT_7(client, world):
    client.force_login(world.admin.user)
    with time_machine.travel(datetime(2026, 10, 14, 10, tzinfo=SH), tick=False):
        page = client.get(reverse("extensions:faults")).content.decode()
    assert "No dial tone" in page
    assert "2\xa0days" in page


def test_transfer_page_moves_lines__R_EXT_6(client, world):
    client.force_login(world.admin.user)
    response = client.post(
        reverse("extensions:transfer"),
        {
            "employee": world.employee.pk,
            "department": world.dept_cs.pk,
            "when": "2026-10-12T12:00",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    line = Line.objects.get(number="8001")
    assert line.department == world.dept_cs
    assert line.assignments.count() == 2


def test_place_now_refused_when_head_present__R_LD_2(client, world):
    client.force_login(world.admin.user)
    client.post(reverse("extensions:ld_place_now", args=[world.ld.pk]))
    world.ld.refresh_from_db()
    assert not world.ld.placed_now
    assert world.ld.status == LDStatus.PENDING


def test_nav_and_home_for_employee__R_EXT_1(client, world):
    client.force_login(world.employee.user)
    page = client.get(reverse("home")).content.decode()
    assert "My lines" in page and "8001" in page


def test_place_now_via_page_when_head_and_leader_absent__R_LD_2(client, world):
    from telephony_admin.approvals.models import Absence

    for person, delegate in (
        (world.head_sales, world.gm),
        (world.gm, world.head_sales),
    ):
        Absence.objects.create(
            employee=person,
            starts_on=date(2026, 10, 10),
            ends_on=date(2026, 10, 20),
            delegate=delegate,
        )
    url = reverse("extensions:ld_detail", args=[world.ld.pk])
    client.force_login(world.employee.user)
    assert 'data-testid="place-now"' not in client.get(url).content.decode()
    refused = client.post(
        reverse("extensions:ld_place_now", args=[world.ld.pk]), follow=True
    )
    assert "Only administration" in refused.content.decode()
    world.ld.refresh_from_db()
    assert not world.ld.placed_now
    client.force_login(world.admin.user)
    page = client.get(url).content.decode()
    assert 'data-testid="place-now"' in page and "17909" in page
    client.post(reverse("extensions:ld_place_now", args=[world.ld.pk]))
    world.ld.refresh_from_db()
    assert world.ld.placed_now and world.ld.status == LDStatus.PENDING
    home = client.get(reverse("home")).content.decode()
    assert "客户公司" in home


def test_equipment_fulfil_page__R_EXT_5(client, world):
    from telephony_admin.approvals.services import approval_decide

    for user in (world.head_sales.user, world.admin.user, world.gm.user):
        step = world.equipment.approval.steps.get(status="pending")
        approval_decide(step_id=step.pk, user=user, approve=True)
    url = reverse("extensions:equipment_detail", args=[world.equipment.pk])
    client.force_login(world.head_sales.user)
    assert 'name="new_numbers"' not in client.get(url).content.decode()
    client.force_login(world.admin.user)
    client.post(url, {"new_numbers": "8301", "owner": world.employee.pk})
    world.equipment.refresh_from_db()
    assert world.equipment.status == RequestStatus.FULFILLED
    assert Line.objects.get(number="8301").owner == world.employee


def test_limits_page_sets_department_limit__R_EXT_3(client, world):
    from extensions.models import DepartmentLineLimit

    client.force_login(world.admin.user)
    client.post(
        reverse("extensions:limits"),
        {"department": world.dept_sales.pk, "local_lines": 3, "long_distance_lines": 2},
    )
    limit = DepartmentLineLimit.objects.get(department=world.dept_sales)
    assert (limit.local_lines, limit.long_distance_lines) == (3, 2)
    client.force_login(world.head_sales.user)
    response = client.post(
        reverse("extensions:limits"),
        {"department": world.dept_sales.pk, "local_lines": 9, "long_distance_lines": 9},
    )
    assert response.status_code == 403


def test_active_filter_offers_all_active_inactive_without_unknown__R_EXT_1(
    client, world
):
    Line.objects.filter(pk=world.cs_line.pk).update(is_active=False)
    client.force_login(world.admin.user)
    url = reverse("extensions:list")
    response = client.get(url)
    choices = [
        label
        for _value, label in response.context["filter"]
        .form.fields["is_active"]
        .widget.choices
    ]
    assert choices == ["All", "Active", "Inactive"]
    both = client.get(url).content.decode()
    assert "8001" in both and "8501" in both
    inactive = client.get(url, {"is_active": "false"}).content.decode()
    assert "8501" in inactive and ">8001<" not in inactive
    active = client.get(url, {"is_active": "true"}).content.decode()
    assert ">8001<" in active and "8501" not in active


def test_fault_list_default_shows_assigned_but_not_closed__R_EXT_7(client, world):
    other = fault_report(
        line=world.line, user=world.employee.user, reported_at=NOW, symptom="Crackle"
    )
    client.force_login(world.admin.user)
    url = reverse("extensions:fault_detail", args=[world.fault.pk])
    client.post(url, {"action": "assign", "assigned_to": world.admin2.pk})
    client.post(
        reverse("extensions:fault_detail", args=[other.pk]),
        {"action": "close", "cause": "Loose plug", "repair": "Plugged in"},
    )
    page = client.get(reverse("extensions:faults")).content.decode()
    assert "No dial tone" in page  # assigned, still open
    assert "Crackle" not in page  # closed
    everything = client.get(reverse("extensions:faults"), {"status": ""})
    assert "Crackle" in everything.content.decode()
    closed_sales = client.get(
        reverse("extensions:faults"),
        {"status": "closed", "line__department": world.dept_cs.pk},
    ).content.decode()
    assert "Crackle" not in closed_sales  # the department filter still applies


def test_class_history_shows_who_when_why_approval_effective__R_EXT_4(client, world):
    from telephony_admin.approvals.services import approval_decide

    for person in (world.head_sales, world.admin):
        step = world.app.approval.steps.get(status="pending")
        approval_decide(step_id=step.pk, user=person.user, approve=True)
    client.force_login(world.employee.user)
    response = client.get(reverse("extensions:line_detail", args=[world.line.pk]))
    change = list(response.context["changes"])[0]
    history = response.content.decode().split('data-testid="class-history"')[1]
    assert change.approval_id == world.app.approval_id
    assert "刘管理" in history  # who
    assert "2026-10-12 10:00" in history  # recorded at, effective from
    assert "Beijing customers" in history  # why
    assert f"#{world.app.approval_id}" in history
    # The class columns say which class: 原权限 / 新权限, not 开始 / 结束.
    from django.utils import translation

    with translation.override("zh-hans"):
        page = client.get(
            reverse("extensions:line_detail", args=[world.line.pk]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).content.decode()
    head = page.split('data-testid="class-history"')[1].split("</thead>")[0]
    assert "原权限" in head and "新权限" in head


def test_head_of_other_department_cannot_act_by_post__R_ORG_3(client, world):
    client.force_login(world.head_cs.user)
    posts = [
        (
            reverse("extensions:application_detail", args=[world.app.pk]),
            {"decision": "approve", "comment": ""},
        ),
        (reverse("extensions:ld_place_now", args=[world.ld.pk]), {}),
        (
            reverse("extensions:fault_detail", args=[world.fault.pk]),
            {"action": "close", "cause": "x", "repair": "y"},
        ),
        (
            reverse("extensions:equipment_detail", args=[world.equipment.pk]),
            {"new_numbers": "8999"},
        ),
        (reverse("extensions:line_class", args=[world.line.pk]), {"to_class": 0}),
        (reverse("extensions:transfer"), {"employee": world.employee.pk}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    world.app.refresh_from_db()
    world.fault.refresh_from_db()
    assert world.app.status == RequestStatus.PENDING
    assert world.fault.status == FaultStatus.OPEN
    assert not Line.objects.filter(number="8999").exists()


def test_date_fields_render_iso_for_the_browser_in_chinese__R_LD_1(client, world):
    client.force_login(world.employee.user)
    page = client.get(
        reverse("extensions:ld_new"), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert 'type="date" name="call_on" value="2026-10-12"' in page
