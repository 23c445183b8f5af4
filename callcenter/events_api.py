"""Telephony events API: a PBX or CTI system posts call events (docs/events-api.md).

Each system has its own token; only a SHA-256 hash is stored. Events are idempotent
by (system, line, call id, event): posting one twice changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from telephony_admin.core.services import audit_record
from telephony_admin.errors import DomainError
from telephony_admin.org.access import require
from telephony_admin.org.models import Employee
from telephony_admin.workcal.calendar import is_working_time

from .models import ApiToken, CallEvent, HotlineCall, Service, Source, SwitchboardCall
from .rosters import answering_employee
from .services import missed_call_message

EVENTS = ("offered", "answered", "missed", "ended")
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_DURATION = 24 * 3600


class TokenInvalid(DomainError):
    """No token, or a token nobody issued (401)."""


class TokenForbidden(DomainError):
    """A revoked token, or one not allowed for this line (403)."""


class PayloadInvalid(DomainError):
    """The request body is not a valid event (400)."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *,
    actor,
    system: str,
    allow_hotline: bool = True,
    allow_switchboard: bool = True,
) -> tuple[ApiToken, str]:
    """Issue a token for a telephony system; the raw token is shown once only."""
    require(actor, "api_tokens.edit")
    if not (allow_hotline or allow_switchboard):
        raise DomainError(_("Allow at least one line."), field="allow_hotline")
    raw = "tk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            system=system,
            prefix=raw[:10],
            token_hash=_hash(raw),
            allow_hotline=allow_hotline,
            allow_switchboard=allow_switchboard,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="callcenter.api_token_create",
            target=token,
            details={"system": system},
        )
    return token, raw


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    require(actor, "api_tokens.edit")
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not changed:
            raise DomainError(_("This token was already revoked."))
        token.refresh_from_db()
        audit_record(actor=actor, action="callcenter.api_token_revoke", target=token)
    return token


def api_token_authenticate(header: str) -> ApiToken:
    """The token of an ``Authorization: Bearer <token>`` header."""
    scheme, _sep, raw = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise TokenInvalid(_("Send the token as 'Authorization: Bearer <token>'."))
    token = ApiToken.objects.filter(token_hash=_hash(raw.strip())).first()
    if token is None:
        raise TokenInvalid(_("Unknown token."))
    if token.revoked_at is not None:
        raise TokenForbidden(_("This token has been revoked."))
    return token


# --- payload ----------------------------------------------------------------------


def _text(payload: dict, key: str, *, required: bool = False, limit: int = 100) -> str:
    value = payload.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PayloadInvalid(_("'%(key)s' must be a string.") % {"key": key}, field=key)
    value = value.strip()
    if required and not value:
        raise PayloadInvalid(_("'%(key)s' is required.") % {"key": key}, field=key)
    if len(value) > limit:
        raise PayloadInvalid(
            _("'%(key)s' is longer than %(limit)d characters.")
            % {"key": key, "limit": limit},
            field=key,
        )
    return value


def parse_event(payload: Any) -> dict:
    """Validate an event body; raise ``PayloadInvalid`` with the reason."""
    if not isinstance(payload, dict):
        raise PayloadInvalid(_("The body must be a JSON object."))
    event = _text(payload, "event", required=True)
    if event not in EVENTS:
        raise PayloadInvalid(
            _("'event' must be one of: %(events)s.") % {"events": ", ".join(EVENTS)},
            field="event",
        )
    line = _text(payload, "line", required=True)
    if line not in Service.values:
        raise PayloadInvalid(
            _("'line' must be one of: %(lines)s.")
            % {"lines": ", ".join(Service.values)},
            field="line",
        )
    call_id = _text(payload, "call_id", required=True)
    raw_at = _text(payload, "at", required=True, limit=40)
    try:
        at = parse_datetime(raw_at)
    except ValueError:
        at = None
    if at is None:
        raise PayloadInvalid(
            _(
                "'at' must be an ISO 8601 date and time, e.g. 2026-03-02T09:15:00+08:00."
            ),
            field="at",
        )
    if timezone.is_naive(at):
        raise PayloadInvalid(
            _("'at' must include a UTC offset, e.g. +08:00."), field="at"
        )
    if at > timezone.now() + FUTURE_TOLERANCE:
        raise PayloadInvalid(_("'at' lies in the future."), field="at")
    duration = payload.get("duration_seconds")
    if duration is not None and (
        isinstance(duration, bool)
        or not isinstance(duration, int)
        or not 0 <= duration <= MAX_DURATION
    ):
        raise PayloadInvalid(
            _("'duration_seconds' must be a whole number from 0 to 86400."),
            field="duration_seconds",
        )
    agent_number = _text(payload, "agent", limit=20)
    agent = None
    if agent_number:
        agent = Employee.objects.filter(number=agent_number, is_active=True).first()
        if agent is None:
            raise PayloadInvalid(
                _("'agent' is not the number of an active employee."), field="agent"
            )
    return {
        "event": event,
        "line": line,
        "call_id": call_id,
        "at": at,
        "caller_number": _text(payload, "caller_number", limit=30),
        "duration_seconds": duration,
        "agent": agent,
    }


# --- applying events --------------------------------------------------------------


def _call_for(token: ApiToken, data: dict):
    model = HotlineCall if data["line"] == Service.HOTLINE else SwitchboardCall
    call = (
        model.objects.select_for_update()
        .filter(external_system=token.system, external_id=data["call_id"])
        .first()
    )
    if call is not None:
        return call, False
    fields = {
        "external_system": token.system,
        "external_id": data["call_id"],
        "started_at": data["at"],
        "caller_number": data["caller_number"],
        "outcome": model.Outcome.OFFERED,
        "source": Source.API,
    }
    if model is HotlineCall:
        fields["in_service_hours"] = is_working_time(data["at"])
    return model.objects.create(**fields), True


def _apply(call, data: dict) -> None:
    Outcome = type(call).Outcome
    event, at = data["event"], data["at"]
    is_hotline = isinstance(call, HotlineCall)
    staff_field = "agent" if is_hotline else "operator"
    if data["caller_number"] and not call.caller_number:
        call.caller_number = data["caller_number"]
    if data["agent"] is not None:
        setattr(call, staff_field, data["agent"])
    if event == "offered":
        call.started_at = min(call.started_at, at)
    elif event == "answered":
        call.answered_at = at
        if call.outcome in (Outcome.OFFERED, Outcome.MISSED, "abandoned"):
            call.outcome = Outcome.ANSWERED
    elif event == "missed":
        call.ended_at = call.ended_at or at
        if call.outcome == Outcome.OFFERED:
            call.outcome = Outcome.MISSED
    elif event == "ended":
        call.ended_at = at
        if data["duration_seconds"] is not None:
            call.duration_seconds = data["duration_seconds"]
        elif call.answered_at is not None:
            call.duration_seconds = max(0, int((at - call.answered_at).total_seconds()))
        if call.outcome == Outcome.OFFERED:
            # Hung up before anyone answered: offered, not answered (R-HOT-6).
            call.outcome = Outcome.ABANDONED if is_hotline else Outcome.MISSED
    call.save()


def event_ingest(*, token: ApiToken, payload: Any) -> tuple[dict, bool]:
    """Record one event; returns (response body, whether it was new)."""
    data = parse_event(payload)
    allowed = (
        token.allow_hotline
        if data["line"] == Service.HOTLINE
        else token.allow_switchboard
    )
    if not allowed:
        raise TokenForbidden(
            _("This token may not post events for the %(line)s.")
            % {"line": Service(data["line"]).label}
        )
    try:
        with transaction.atomic():
            CallEvent.objects.create(
                token=token,
                system=token.system,
                line=data["line"],
                event=data["event"],
                external_id=data["call_id"],
                occurred_at=data["at"],
                payload=payload,
            )
            call, _created = _call_for(token, data)
            was_missed = call.outcome == "missed"
            _apply(call, data)
            if call.outcome == "missed" and not was_missed:
                _missed_to_return(call, data["line"])
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    except IntegrityError:
        call = _existing(token, data)
        return _body("duplicate", call, data["line"]), False
    return _body("recorded", call, data["line"]), True


def _missed_to_return(call, line: str) -> None:
    # R-SWB-3: a missed call is returned within the deadline, by whoever answers
    # the line at the time (the delegate when the agent is away, R-HOT-4).
    recipient = getattr(call, "agent", None) or getattr(call, "operator", None)
    recipient = recipient or answering_employee(line, call.started_at)
    if recipient is not None:
        missed_call_message(
            recipient=recipient,
            caller_number=call.caller_number,
            at=call.ended_at or call.started_at,
            hotline_call=call if isinstance(call, HotlineCall) else None,
            switchboard_call=call if isinstance(call, SwitchboardCall) else None,
        )


def _existing(token: ApiToken, data: dict):
    model = HotlineCall if data["line"] == Service.HOTLINE else SwitchboardCall
    return model.objects.filter(
        external_system=token.system, external_id=data["call_id"]
    ).first()


def _body(status: str, call, line: str) -> dict:
    body: dict[str, Any] = {"status": status, "line": line}
    if call is not None:
        body["call"] = {
            "id": call.pk,
            "call_id": call.external_id,
            "outcome": call.outcome,
            "started_at": timezone.localtime(call.started_at).isoformat(),
            "duration_seconds": call.duration_seconds,
        }
        if isinstance(call, HotlineCall):
            body["call"]["in_service_hours"] = call.in_service_hours
    return body
