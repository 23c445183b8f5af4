"""Telephony events API: tokens, bad payloads, idempotency (issue 7, point 8)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from callcenter.events_api import api_token_create, api_token_revoke
from callcenter.models import ApiToken, CallEvent, HotlineCall, Message, SwitchboardCall
from callcenter.rosters import shift_save
from telephony_admin.errors import PermissionRefused

TZ = ZoneInfo("Asia/Shanghai")
URL = "/callcenter/api/events/"
pytestmark = pytest.mark.usefixtures("seeded_calendar")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(datetime(2026, 3, 2, 10, 30, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def token(company):
    return api_token_create(actor=company.admin.user, system="pbx-main")


def post(client, raw, body, *, content=None):
    return client.post(
        URL,
        data=content if content is not None else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"} if raw else {},
    )


def event(name, call_id="c-1", at="2026-03-02T10:00:00+08:00", **kw):
    return {"event": name, "line": "hotline", "call_id": call_id, "at": at, **kw}


def test_url_is_named():
    assert reverse("callcenter:events_api") == URL


def test_token_stored_only_as_hash(token):
    row, raw = token
    assert raw not in {row.token_hash, row.prefix}
    assert not ApiToken.objects.filter(token_hash=raw).exists()


def test_only_administration_issues_tokens(company):
    with pytest.raises(PermissionRefused):
        api_token_create(actor=company.head_cs.user, system="x")


def test_missing_token_is_401(client, company):
    response = post(client, None, event("offered"))
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_unknown_token_is_401(client, token):
    assert post(client, "tk_wrong", event("offered")).status_code == 401


def test_revoked_token_is_403(client, company, token):
    row, raw = token
    api_token_revoke(actor=company.admin.user, token=row)
    response = post(client, raw, event("offered"))
    assert response.status_code == 403
    assert response.json()["error"] == "This token has been revoked."


def test_token_not_allowed_for_line_is_403(client, company):
    _row, raw = api_token_create(
        actor=company.admin.user, system="cti", allow_hotline=False
    )
    assert post(client, raw, event("offered")).status_code == 403
    body = event("offered", line="switchboard")
    assert post(client, raw, body).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"line": "hotline", "call_id": "1", "at": "2026-03-02T10:00:00+08:00"},
            "event",
        ),
        (event("rang"), "event"),
        (event("offered", line="fax"), "line"),
        (event("offered", call_id=""), "call_id"),
        (event("offered", at="yesterday"), "at"),
        (event("offered", at="2026-03-02T10:00:00"), "at"),
        (event("offered", at="2026-03-03T10:00:00+08:00"), "at"),
        (event("ended", duration_seconds=-5), "duration_seconds"),
        (event("ended", duration_seconds="60"), "duration_seconds"),
        (event("answered", agent="NOBODY"), "agent"),
        (event("offered", caller_number=12345), "caller_number"),
    ],
)
def test_bad_payload_is_400_with_reason(client, token, body, field):
    response = post(client, token[1], body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"]
    assert not CallEvent.objects.exists()


def test_invalid_json_is_400(client, token):
    response = post(client, token[1], None, content="{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "The body is not valid JSON."
    assert post(client, token[1], None, content="[1, 2]").status_code == 400


def test_get_is_405(client):
    assert client.get(URL).status_code == 405


def test_offered_answered_ended_builds_the_call__R_HOT_3(client, company, token):
    raw = token[1]
    assert (
        post(client, raw, event("offered", caller_number="13800001111")).status_code
        == 201
    )
    post(
        client,
        raw,
        event(
            "answered", at="2026-03-02T10:00:10+08:00", agent=company.cs_agent.number
        ),
    )
    response = post(client, raw, event("ended", at="2026-03-02T10:03:10+08:00"))
    assert response.status_code == 201
    call = HotlineCall.objects.get()
    assert (call.outcome, call.duration_seconds, call.agent) == (
        "answered",
        180,
        company.cs_agent,
    )
    assert call.in_service_hours and call.source == "api"
    assert response.json()["call"]["outcome"] == "answered"


def test_repeated_event_is_idempotent(client, token):
    raw = token[1]
    assert post(client, raw, event("offered")).status_code == 201
    again = post(client, raw, event("offered"))
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert HotlineCall.objects.count() == 1 and CallEvent.objects.count() == 1


def test_hung_up_before_answer_counts_as_offered_not_answered__R_HOT_6(client, token):
    raw = token[1]
    post(client, raw, event("offered"))
    post(client, raw, event("ended", at="2026-03-02T10:00:30+08:00"))
    assert HotlineCall.objects.get().outcome == "abandoned"


def test_missed_event_makes_call_back_for_agent_on_duty__R_SWB_3(
    client, company, token
):
    shift_save(
        actor=company.head_cs.user,
        service="hotline",
        starts_at=datetime(2026, 3, 2, 8, 30, tzinfo=TZ),
        ends_at=datetime(2026, 3, 2, 17, 30, tzinfo=TZ),
        employee=company.cs_agent,
    )
    raw = token[1]
    post(client, raw, event("offered", caller_number="13800001111"))
    post(client, raw, event("missed", at="2026-03-02T10:00:40+08:00"))
    post(client, raw, event("missed", at="2026-03-02T10:00:40+08:00"))
    message = Message.objects.get()
    assert message.recipient == company.cs_agent and message.kind == "missed_call"


def test_switchboard_events_fill_the_switchboard_log__R_SWB_5(client, token):
    raw = token[1]
    body = event("offered", line="switchboard", call_id="s-9")
    post(client, raw, body)
    post(
        client,
        raw,
        {
            **body,
            "event": "ended",
            "at": "2026-03-02T10:02:00+08:00",
            "duration_seconds": 100,
        },
    )
    call = SwitchboardCall.objects.get()
    assert (call.outcome, call.duration_seconds) == ("missed", 100)
