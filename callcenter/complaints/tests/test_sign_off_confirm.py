"""Sign-off asks for confirmation on a page showing what it locks (R-CMP-5)."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from callcenter.complaints import services as s
from callcenter.complaints.models import Status

from .conftest import at
from .factories import register, returned

NOW = at(2026, 3, 2, 10, 0)


def _called_back(c):
    complaint = returned(c, at=NOW, solution="已开通国内长途")
    s.complaint_tell_result(
        user=c.cs_agent.user,
        complaint_id=complaint.pk,
        result="已开通，请再试",
        now=NOW,
    )
    s.complaint_callback(
        user=c.cs_agent.user,
        complaint_id=complaint.pk,
        satisfaction=4,
        comment="还行",
        now=NOW,
    )
    return complaint


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_confirmation_shows_what_is_locked_then_post_signs_off__R_CMP_5(
    client, company
):
    complaint = _called_back(company)
    url = reverse("complaints:sign_off", args=[complaint.pk])
    client.force_login(company.head_cs.user)
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content
    assert url.encode() in detail  # the case page links to the confirmation
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (
        complaint.number,
        "已开通国内长途",
        "已开通，请再试",
        "(4/5)",
        "还行",
    ):
        assert shown in text
    complaint.refresh_from_db()
    assert complaint.status == Status.CALLBACK_DONE  # GET changes nothing
    response = client.post(url, {"sign_off-note": "同意归档"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert complaint.signed_off_by == company.head_cs
    # Again: the page says it is closed, a second POST changes nothing.
    assert "closed already" in client.get(url).content.decode()
    client.post(url, {"sign_off-note": ""})
    assert complaint.events.filter(action="signed_off").count() == 1


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_agents_and_department_heads_cannot_sign_off__R_CMP_5(client, company):
    complaint = _called_back(company)
    url = reverse("complaints:sign_off", args=[complaint.pk])
    for person in (company.cs_agent, company.head_sales, company.head_fin):
        client.force_login(person.user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"sign_off-note": ""}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.CALLBACK_DONE


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_head_of_another_department_cannot_open_the_case_or_act(client, company):
    complaint = _called_back(company)
    client.force_login(company.head_fin.user)
    assert (
        client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404
    )
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "note"]), {"note-note": "x"}
    )
    assert response.status_code in (403, 404)


@pytest.mark.usefixtures("cal")
@time_machine.travel(NOW, tick=False)
def test_a_case_not_awaiting_sign_off_is_not_signed(client, company):
    complaint = register(company, accepted_at=NOW)
    url = reverse("complaints:sign_off", args=[complaint.pk])
    client.force_login(company.head_cs.user)
    assert "not awaiting sign-off" in client.get(url).content.decode()
    client.post(url, {"sign_off-note": ""})
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
