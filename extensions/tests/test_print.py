"""Paper forms of the extensions app (电话申请表, 长途电话申请单, 电话配置申请表):
status 200 for whoever may see the request, the approval trail and the signature
lines; 404 for a head of another department and an employee on someone else's
request, as on the request's page (R-EXT-4, R-EXT-5, R-LD-1)."""

from datetime import date

import pytest
from django.urls import reverse

from extensions.services import (
    equipment_request_file,
    ld_request_file,
    permission_application_file,
)
from extensions.tests.factories import NOW, make_line
from telephony_admin.approvals.services import approval_decide

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def line(company):
    return make_line("02160001001", company.dept_sales, company.employee, starts_at=NOW)


@pytest.fixture
def application(company, line):
    app = permission_application_file(
        line=line,
        user=company.employee.user,
        requested_class=3,
        requested_features=["caller_id"],
        reason="Customers in Beijing",
    )
    step = app.approval.steps.get(status="pending")
    approval_decide(
        step_id=step.pk, user=company.head_sales.user, approve=True, comment="同意"
    )
    return app


@pytest.fixture
def ld(company, line):
    return ld_request_file(
        user=company.employee.user,
        caller=company.employee,
        line=line,
        region="domestic",
        destination_region="北京",
        destination_org="客户公司",
        reason="Contract questions",
        expected_minutes=15,
        call_on=date(2026, 10, 12),
    )


@pytest.fixture
def equipment(company):
    return equipment_request_file(
        user=company.employee.user,
        department=company.dept_sales,
        kind="extension",
        quantity=2,
        needed_by=date(2026, 11, 1),
        reason="Two new sales staff",
    )


def _get(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(f"extensions:{name}", args=[pk]))


def test_application_form_prints_fields_trail_and_signatures__R_EXT_4(
    client, company, application
):
    for person in (company.employee, company.head_sales, company.admin, company.gm):
        assert (
            _get(client, person.user, "application_print", application.pk).status_code
            == 200
        )
    page = _get(client, company.employee.user, "application_print", application.pk)
    html = page.content.decode()
    assert "Telephone application form" in html
    assert 'data-testid="approval-trail"' in html
    assert "Assigned approver" in html and "Actual approver" in html
    assert "同意" in html and company.head_sales.name in html  # the decided step
    assert "Customers in Beijing" in html
    signatures = html.count('data-testid="signature"')
    assert signatures == 3  # applicant, department head, administration
    assert "Applicant" in html and "Department head" in html
    assert "Administration" in html and "window.print()" in html
    assert "css/print.css" in html


def test_application_form_refused_to_other_heads_and_employees__R_EXT_4(
    client, company, application
):
    for person in (company.head_cs, company.head_fin, company.employee_east):
        response = _get(client, person.user, "application_print", application.pk)
        assert response.status_code == 404, person


def test_detail_pages_link_their_printable_form(
    client, company, application, ld, equipment
):
    client.force_login(company.employee.user)
    for detail, printed, pk in (
        ("application_detail", "application_print", application.pk),
        ("ld_detail", "ld_print", ld.pk),
        ("equipment_detail", "equipment_print", equipment.pk),
    ):
        page = client.get(reverse(f"extensions:{detail}", args=[pk])).content.decode()
        assert reverse(f"extensions:{printed}", args=[pk]) in page


def test_long_distance_form_prints_trail_and_signatures__R_LD_1(client, company, ld):
    for person in (company.employee, company.head_sales, company.admin):
        assert _get(client, person.user, "ld_print", ld.pk).status_code == 200
    html = _get(client, company.head_sales.user, "ld_print", ld.pk).content.decode()
    assert "Long-distance call request form" in html and "客户公司" in html
    assert 'data-testid="approval-trail"' in html
    assert html.count('data-testid="signature"') == 1 + ld.approval.steps.count()
    for person in (company.head_cs, company.employee_east):
        assert _get(client, person.user, "ld_print", ld.pk).status_code == 404


def test_equipment_form_prints_the_three_approvers_lines__R_EXT_5(
    client, company, equipment
):
    for person in (company.employee, company.head_sales, company.admin, company.gm):
        assert (
            _get(client, person.user, "equipment_print", equipment.pk).status_code
            == 200
        )
    html = _get(client, company.admin.user, "equipment_print", equipment.pk)
    html = html.content.decode()
    assert "Telephone equipment application form" in html
    assert "Two new sales staff" in html
    # Applicant, department manager, administration head, general manager.
    assert html.count('data-testid="signature"') == 4
    assert "Department manager" in html and "General manager" in html
    for person in (company.head_cs, company.employee_east):
        assert (
            _get(client, person.user, "equipment_print", equipment.pk).status_code
            == 404
        )


def test_print_view_needs_a_login(client, application):
    response = client.get(
        reverse("extensions:application_print", args=[application.pk])
    )
    assert response.status_code == 302
