"""The pages of held findings and bulk decisions (issue 15): why on the findings
and home pages, the bulk form on the filter's whole result with a confirmation,
refusals, the decision form without default, treat-as-private on the finding,
the notice without lines nobody owns, heads' digests, the closing page's state."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from billing.deductions.models import (
    FindingStatus,
    PeriodAction,
    Rule,
    Violation,
)
from billing.deductions.services.audits import audit_run
from billing.deductions.services.export import deductions_export
from billing.models import CallClass, PeriodStatus
from telephony_admin.core.models import Notification

from .test_holds import calls, statuses

pytestmark = pytest.mark.django_db

BULK = reverse("deductions:findings_bulk")


@pytest.fixture
def held(lines, company):
    period = calls(lines["local"], 60)
    audit_run(period_id=period.pk)
    return period


def _bulk(client, action="confirm", reason="Checked", confirmed=True, **extra):
    query = urlencode({"month": "2026-10", "status": "held"})
    data = {"query": query, "action": action, "reason": reason, **extra}
    if confirmed:
        data["confirmed"] = "1"
    return client.post(BULK, data, follow=True)


def test_administration_sees_why_findings_are_held_on_findings_and_home(
    client, company, held
):
    client.force_login(company.admin.user)
    page = client.get(reverse("deductions:findings") + "?month=2026-10")
    html = page.content.decode()
    assert 'data-testid="held-why"' in html
    assert "60 new findings" in html and "100.0%" in html and "above 50" in html
    assert str(Rule.LD_UNAUTHORISED.label) in html
    home = client.get("/").content.decode()
    assert "60 new findings" in home and str(FindingStatus.HELD.label) in home
    client.force_login(company.head_sales.user)
    html = client.get(reverse("deductions:findings") + "?month=2026-10").content
    assert b'data-testid="held-why"' not in html and b'data-testid="bulk"' not in html


def test_bulk_asks_to_confirm_with_the_count_of_the_whole_filter(client, company, held):
    """60 held findings, 50 a page: the confirmation counts all 60, changes none."""
    client.force_login(company.admin.user)
    page = _bulk(client, confirmed=False)
    assert page.context["count"] == 60
    assert "60 findings will change" in page.content.decode()
    assert statuses() == {FindingStatus.HELD}
    page = _bulk(client)
    assert "60 findings changed" in page.content.decode()
    assert statuses() == {FindingStatus.CHARGED}
    assert Notification.objects.filter(recipient=company.employee.user).count() == 1
    assert Notification.objects.filter(recipient=company.head_sales.user).count() == 1


def test_bulk_refuses_a_head_a_missing_reason_and_a_closed_month(client, company, held):
    client.force_login(company.head_sales.user)
    assert (
        client.post(BULK, {"query": "month=2026-10", "action": "waive"}).status_code
        == 403
    )
    client.force_login(company.admin.user)
    page = _bulk(client, reason="")
    assert "required" in page.content.decode()
    assert statuses() == {FindingStatus.HELD}
    page = _bulk(client, action="reassign")
    assert "Choose the person" in page.content.decode()
    held.status = PeriodStatus.CLOSED
    held.save()
    page = _bulk(client, action="waive")
    assert "is closed" in page.content.decode()
    assert statuses() == {FindingStatus.HELD}


def test_the_decision_form_has_no_default_choice(client, company, lines):
    period = calls(lines["local"], 1)
    audit_run(period_id=period.pk)
    finding = Violation.objects.get(rule=Rule.LD_UNAUTHORISED)
    client.force_login(company.admin.user)
    url = reverse("deductions:finding", args=[finding.pk])
    page = client.get(url)
    form = page.context["decision_form"]
    assert form.fields["status"].choices[0][0] == ""
    assert form["status"].value() in (None, "")
    assert "selected>Waived" not in page.content.decode()
    page = client.post(url, {"action": "decide", "status": "", "reason": "x"})
    assert page.status_code == 200 and page.context["decision_form"].errors
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CHARGED


def test_a_finding_can_be_treated_as_an_unregistered_private_call__R_PRV_3(
    client, company, lines
):
    period = calls(lines["local"], 1)
    audit_run(period_id=period.pk)
    finding = Violation.objects.get(rule=Rule.LD_UNAUTHORISED)
    url = reverse("deductions:finding_private", args=[finding.pk])
    client.force_login(company.admin.user)
    assert (
        b'data-testid="mark-private"'
        in client.get(reverse("deductions:finding", args=[finding.pk])).content
    )
    page = client.post(url, {"private-reason": ""}, follow=True)
    assert "Give the reason" in page.content.decode()
    page = client.post(url, {"private-reason": "Called home"}, follow=True)
    private = Violation.objects.get(rule=Rule.PRIVATE_UNREGISTERED)
    assert private.call_id == finding.call_id
    assert private.employee == company.head_sales
    assert page.request["PATH_INFO"] == reverse("deductions:finding", args=[private.pk])
    client.force_login(company.head_sales.user)
    assert client.post(url, {"private-reason": "x"}).status_code == 403


def test_heads_get_one_digest_per_month_and_department(client, company, lines):
    """Two people of sales charged by one audit: each hears, the head once."""
    calls(lines["local"], 2, CallClass.PREMIUM)
    period = calls("057100000777", 3, CallClass.PREMIUM, owner=company.handler)
    audit_run(period_id=period.pk)
    assert Notification.objects.filter(recipient=company.employee.user).count() == 1
    assert Notification.objects.filter(recipient=company.handler.user).count() == 1
    digest = Notification.objects.get(recipient=company.head_sales.user)
    assert company.employee.name in digest.body and company.handler.name in digest.body
    assert "5" in digest.title and "2" in digest.title


def test_the_notice_leaves_out_lines_nobody_owns__R_BIL_5(client, company, lines):
    calls(lines["local"], 1, CallClass.PREMIUM)
    period = calls("057100000888", 1, CallClass.PREMIUM, owner=None)
    from billing.models import CallRecord

    CallRecord.objects.filter(line_number="057100000888").update(
        department=company.dept_sales
    )
    audit_run(period_id=period.pk)
    assert Violation.objects.filter(rule=Rule.PREMIUM).count() == 2
    client.force_login(company.admin.user)
    page = client.get(reverse("deductions:notice") + "?month=2026-10")
    assert [v.line_number for v in page.context["rows"]] == [lines["local"].number]
    assert [v.line_number for v in page.context["unowned"]] == ["057100000888"]
    assert b'data-testid="notice-unowned"' in page.content
    client.force_login(company.finance.user)
    page = client.get(reverse("deductions:notice") + "?month=2026-10")
    assert page.context["unowned"] is None
    assert b"057100000888" not in page.content


def test_the_closing_state_follows_the_export_and_names_held_findings(
    client, company, held
):
    client.force_login(company.finance.user)
    state_url = reverse("deductions:closing_state", args=["2026-10"])
    closing = client.get(reverse("deductions:closing")).content.decode()
    assert 'data-testid="held-link"' in closing and "status=held" in closing
    assert f'data-state-url="{state_url}"' in closing
    deductions_export(actor=company.finance.user, period=held)
    data = client.get(state_url).json()
    assert data["closable"] is False and "held" in data["refusal"]
    confirm = client.get(reverse("deductions:close", args=["2026-10"]))
    assert b'data-testid="held-link"' in confirm.content
    Violation.objects.update(status=FindingStatus.WAIVED)
    from billing.deductions.services.totals import finding_totals_refresh

    finding_totals_refresh(held)
    deductions_export(actor=company.finance.user, period=held)
    data = client.get(state_url).json()
    assert data["closable"] is True and data["url"].endswith("/close/")
    client.force_login(company.head_sales.user)
    assert client.get(state_url).status_code == 403


def test_one_set_of_status_words_for_months_and_findings(client, company, held):
    assert PeriodAction.CLOSED.label == PeriodStatus.CLOSED.label
    client.force_login(company.admin.user)
    word = str(PeriodStatus.OPEN.label)
    for url in (reverse("deductions:statement"), reverse("deductions:findings")):
        html = client.get(url + "?month=2026-10").content.decode()
        assert f'data-testid="month-status">{word}<' in html
    client.force_login(company.finance.user)
    html = client.get(reverse("deductions:closing")).content.decode()
    assert f'data-testid="month-status">{word}<' in html


def test_held_findings_are_not_shown_to_the_people_until_confirmed(
    client, company, held
):
    url = reverse("deductions:findings") + "?month=2026-10"
    for user in (company.employee.user, company.head_sales.user):
        client.force_login(user)
        page = client.get(url)
        assert page.context["page"].paginator.count == 0
    client.force_login(company.admin.user)
    assert client.get(url).context["page"].paginator.count == 60


def test_the_workbook_says_the_months_status_in_the_pages_words(company, held):
    from io import BytesIO

    from django.utils import translation
    from openpyxl import load_workbook

    data, _total = deductions_export(actor=company.finance.user, period=held)
    cover = load_workbook(BytesIO(data))["说明"]
    values = {str(c.value) for row in cover.iter_rows() for c in row if c.value}
    with translation.override("zh-hans"):
        assert str(PeriodStatus.OPEN.label) in values


def test_held_findings_are_not_among_the_months_top_violations(company, held):
    from billing.deductions.overview import top_rules

    assert top_rules(None, held.month) == []
