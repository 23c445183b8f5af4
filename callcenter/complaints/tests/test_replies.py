"""Reply templates (administration edits them; agents pick one and may edit the
filled text) and the result e-mailed to a customer who gave an address (issue 15)."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from callcenter.complaints.models import (
    ComplaintEvent,
    EventAction,
    ReplyTemplate,
    ReplyUse,
    Status,
)
from callcenter.complaints.replies import (
    fill,
    placeholder_errors,
    reply_template_save,
)
from telephony_admin.core.models import AuditEvent
from telephony_admin.errors import PermissionRefused

from .conftest import at
from .factories import returned

NOW = at(2026, 3, 2, 10, 0)


def _template(company, **kw) -> ReplyTemplate:
    data = {
        "name": "结果告知",
        "use": ReplyUse.RESULT,
        "subject": "您的投诉 {ticket} 处理结果",
        "body": "{customer}您好，您的投诉{ticket}已处理：{result}。客服{agent}，热线{hotline}。",
    }
    data.update(kw)
    return reply_template_save(user=company.admin.user, **data)


def _returned(company, **kw):
    complaint = returned(company, at=NOW, customer="王女士", **kw)
    assert complaint.status == Status.RETURNED
    return complaint


# --- administration edits the templates --------------------------------------------


def test_unknown_placeholder_is_refused_naming_it(client, company):
    assert placeholder_errors("您好 {customer}，{tiket} {foo} {tiket}") == [
        "tiket",
        "foo",
    ]
    client.force_login(company.admin.user)
    response = client.post(
        reverse("complaints:template_new"),
        {"name": "道歉", "use": "apology", "subject": "", "body": "{custmer}您好"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["body"]
    assert "Unknown placeholder {custmer}" in errors[0]
    assert "{customer}" in errors[0]  # it says which ones are known
    assert not ReplyTemplate.objects.exists()
    # the same in the subject
    response = client.post(
        reverse("complaints:template_new"),
        {"name": "道歉", "use": "apology", "subject": "{case}", "body": "您好"},
    )
    assert "Unknown placeholder {case}" in response.context["form"].errors["subject"][0]


def test_administration_creates_edits_and_deactivates_a_template_audited(
    client, company
):
    client.force_login(company.admin.user)
    assert client.get(reverse("complaints:templates")).status_code == 200
    response = client.post(
        reverse("complaints:template_new"),
        {
            "name": "受理确认",
            "use": "acknowledgement",
            "subject": "已受理 {ticket}",
            "body": "{customer}您好，您的来电已受理，编号{ticket}。",
            "active": "on",
        },
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    assert template.active and template.use == ReplyUse.ACKNOWLEDGEMENT
    response = client.post(
        reverse("complaints:template_edit", args=[template.pk]),
        {
            "name": "受理确认",
            "use": "acknowledgement",
            "subject": "",
            "body": "{customer}您好，编号{ticket}。",
            "active": "on",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "{customer}您好，编号{ticket}。"
    client.post(reverse("complaints:template_active", args=[template.pk]), {})
    template.refresh_from_db()
    assert not template.active
    actions = list(
        AuditEvent.objects.filter(action__startswith="complaints.template").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "complaints.template_create",
        "complaints.template_deactivate",
        "complaints.template_update",
    ]


def test_non_administrators_cannot_see_or_edit_templates(client, company):
    template = _template(company)
    for person in (company.head_cs, company.cs_agent, company.head_sales, company.gm):
        client.force_login(person.user)
        assert client.get(reverse("complaints:templates")).status_code == 403
        edit = reverse("complaints:template_edit", args=[template.pk])
        assert (
            client.post(edit, {"name": "x", "use": "result", "body": "x"}).status_code
            == 403
        )
        active = reverse("complaints:template_active", args=[template.pk])
        assert client.post(active, {}).status_code == 403
    template.refresh_from_db()
    assert template.active and template.name == "结果告知"
    with pytest.raises(PermissionRefused):
        reply_template_save(
            user=company.cs_agent.user, name="x", use="result", subject="", body="x"
        )


# --- agents pick a template ----------------------------------------------------------


def test_fill_uses_the_case_and_leaves_other_braces():
    assert fill("{customer} {x} {ticket}", {"customer": "甲", "ticket": "T1"}) == (
        "甲 {x} T1"
    )


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_the_case_page_offers_templates_filled_from_the_case(client, company):
    template = _template(company)
    _template(company, name="旧模板", active=False)
    complaint = _returned(company)
    client.force_login(company.cs_agent.user)
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    form = dict(page.context["primary_actions"])
    tell = next(f for a, f in form.items() if a.name == "tell_result")
    # only active templates of the step's uses are offered
    assert list(tell.fields["template"].queryset) == [template]
    body = page.context["reply_templates"][str(template.pk)]["body"]
    assert body == (
        f"王女士您好，您的投诉{complaint.number}已处理：已开通长途。"
        f"客服{company.cs_agent.name}，热线400-800-1234。"
    )
    assert 'id="reply-templates"' in page.content.decode()


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_picked_template_text_stays_editable_and_fills_when_left_empty(client, company):
    template = _template(company)
    complaint = _returned(company)
    client.force_login(company.cs_agent.user)
    url = reverse("complaints:act", args=[complaint.pk, "tell_result"])
    # edited text is kept as typed
    client.post(
        url,
        {
            "tell_result-template": template.pk,
            "tell_result-result": "王女士您好，已为您开通长途，请再试。",
            "tell_result-channel": "phone",
        },
    )
    complaint.refresh_from_db()
    assert complaint.result_text == "王女士您好，已为您开通长途，请再试。"
    event = complaint.events.get(action=EventAction.CUSTOMER_TOLD)
    assert event.details["template"] == "结果告知"


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_template_without_text_fills_from_the_case_and_no_template_needs_text(
    client, company
):
    template = _template(company)
    complaint = _returned(company)
    client.force_login(company.cs_agent.user)
    url = reverse("complaints:act", args=[complaint.pk, "tell_result"])
    response = client.post(
        url, {"tell_result-result": "", "tell_result-channel": "phone"}
    )
    assert response.status_code == 400
    assert response.context is not None
    client.post(
        url,
        {
            "tell_result-template": template.pk,
            "tell_result-result": "",
            "tell_result-channel": "phone",
        },
    )
    complaint.refresh_from_db()
    assert complaint.result_text.startswith("王女士您好，您的投诉")


# --- the result by e-mail ------------------------------------------------------------


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_result_e_mailed_after_commit_recorded_and_audited(
    client, company, django_capture_on_commit_callbacks
):
    template = _template(company)
    complaint = _returned(company, email="wang@example.com")
    client.force_login(company.cs_agent.user)
    mail.outbox.clear()
    url = reverse("complaints:act", args=[complaint.pk, "tell_result"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            url,
            {
                "tell_result-template": template.pk,
                "tell_result-result": "王女士您好，已开通长途。",
                "tell_result-channel": "email",
                "tell_result-send_email": "on",
            },
        )
        assert [m for m in mail.outbox if m.to == ["wang@example.com"]] == []
    for callback in callbacks:
        callback()
    sent = [m for m in mail.outbox if m.to == ["wang@example.com"]]
    assert len(sent) == 1
    assert sent[0].subject == f"您的投诉 {complaint.number} 处理结果"
    assert sent[0].body == "王女士您好，已开通长途。"
    event = ComplaintEvent.objects.get(complaint=complaint, action=EventAction.EMAILED)
    assert event.details["to"] == "wang@example.com" and event.details["sent_at"]
    assert AuditEvent.objects.filter(action="complaints.email_result").count() == 1
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert "wang@example.com" in page.content.decode()


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_e_mail_refused_when_the_customer_gave_no_address(client, company):
    complaint = _returned(company)
    client.force_login(company.cs_agent.user)
    mail.outbox.clear()
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "tell_result"]),
        {
            "tell_result-result": "已开通",
            "tell_result-channel": "phone",
            "tell_result-send_email": "on",
        },
    )
    assert response.status_code == 400
    error = response.context["primary_actions"][0][1].errors["send_email"][0]
    assert "no e-mail address" in error
    complaint.refresh_from_db()
    assert complaint.status == Status.RETURNED  # nothing recorded
    assert not ComplaintEvent.objects.filter(action=EventAction.EMAILED).exists()
    assert mail.outbox == []


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_intake_records_the_customer_e_mail(client, company):
    client.force_login(company.cs_agent.user)
    response = client.post(
        reverse("complaints:new"),
        {
            "contact_phone": "13800138000",
            "customer_name": "赵先生",
            "email": "zhao@example.com",
            "channel": "hotline",
            "kind": "complaint",
            "complexity": "general",
            "content": "无法拨号",
            "accepted_at": "2026-03-02T10:00:00",
        },
    )
    assert response.status_code == 302
    from callcenter.complaints.models import Complaint

    assert Complaint.objects.get().email == "zhao@example.com"


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_an_address_given_when_told_is_kept_and_used(
    client, company, django_capture_on_commit_callbacks
):
    complaint = _returned(company)
    client.force_login(company.cs_agent.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("complaints:act", args=[complaint.pk, "tell_result"]),
            {
                "tell_result-result": "已开通",
                "tell_result-channel": "phone",
                "tell_result-send_email": "on",
                "tell_result-email": "new@example.com",
            },
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.email == "new@example.com"
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    event = complaint.events.get(action=EventAction.CUSTOMER_TOLD)
    assert event.details["email"] == {"from": "", "to": "new@example.com"}
