"""Paper forms of a complaint: 投诉登记表 and 投诉处理表, with the handling history
and the signature lines; refused (404) to whoever may not see the case, as its
page is (R-CMP-4)."""

import pytest
from django.urls import reverse

from callcenter.complaints import services as s

from .conftest import at
from .factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(company):
    """A complaint sent to sales, verified, told, called back and signed off."""
    complaint = register(company, accepted_at=at(2026, 3, 2, 10, 0))
    agent, handler = company.cs_agent.user, company.handler.user
    s.complaint_send(
        user=agent, complaint_id=complaint.pk, department_id=company.dept_sales.pk
    )
    s.complaint_verify(
        user=handler,
        complaint_id=complaint.pk,
        founded=False,
        explanation="线路正常，客户误操作",
    )
    s.complaint_tell_result(user=agent, complaint_id=complaint.pk, result="已修复")
    s.complaint_callback(user=agent, complaint_id=complaint.pk, satisfaction=4)
    s.complaint_sign_off(user=company.head_cs.user, complaint_id=complaint.pk)
    complaint.refresh_from_db()
    return complaint


def _get(client, employee, name, pk):
    client.force_login(employee.user)
    return client.get(reverse(f"complaints:{name}", args=[pk]))


def test_registration_form_prints_the_case_and_signature_lines__R_CMP_4(
    client, company, handled
):
    for person in (company.cs_agent, company.head_cs, company.head_sales, company.gm):
        response = _get(client, person, "print_registration", handled.pk)
        assert response.status_code == 200, person
    html = _get(client, company.cs_agent, "print_registration", handled.pk)
    html = html.content.decode()
    assert "Complaint registration form" in html and handled.number in html
    assert "话机无法拨出长途" in html and "13800138000" in html
    assert html.count('data-testid="signature"') == 2
    assert "Receiving agent" in html and company.cs_agent.name in html
    assert "window.print()" in html


def test_handling_form_prints_result_history_and_sign_off__R_CMP_4(
    client, company, handled
):
    html = _get(client, company.head_sales, "print_handling", handled.pk)
    assert html.status_code == 200
    html = html.content.decode()
    assert "Complaint handling form" in html
    assert "线路正常，客户误操作" in html and "已修复" in html
    assert 'data-testid="handling-trail"' in html
    assert html.count('data-testid="signature"') == 3
    assert "Handler" in html and "Head of the responsible department" in html
    assert company.head_sales.name in html  # the head of sales, on their line
    assert company.head_cs.name in html  # who signed off


def test_complaint_forms_refused_outside_the_case__R_CMP_4(client, company, handled):
    for name in ("print_registration", "print_handling"):
        assert _get(client, company.head_fin, name, handled.pk).status_code == 404
        assert _get(client, company.employee, name, handled.pk).status_code == 403


def test_case_page_links_both_forms(client, company, handled):
    page = _get(client, company.cs_agent, "detail", handled.pk).content.decode()
    for name in ("print_registration", "print_handling"):
        assert reverse(f"complaints:{name}", args=[handled.pk]) in page
