"""Writes of the switchboard and the hotline log: calls and messages (R-SWB-2/3/6, R-HOT-3).

Rosters are in ``rosters.py``, hotline health and answer rate in ``health.py``, the
events API in ``events_api.py``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from telephony_admin.approvals.services import head_approver_for
from telephony_admin.core import config
from telephony_admin.core.services import audit_record, notify
from telephony_admin.errors import DomainError, PermissionRefused
from telephony_admin.org.access import allows, employee_of, require
from telephony_admin.org.models import Employee, Role
from telephony_admin.workcal.calendar import (
    NoServiceTime,
    add_working_hours,
    is_working_time,
)

from .models import HotlineCall, Message, Source, SwitchboardCall


class CallcenterError(DomainError):
    """A switchboard or hotline rule refused the operation."""


def _local(dt: datetime) -> str:
    return date_format(timezone.localtime(dt), "Y-m-d H:i")


# --- switchboard ------------------------------------------------------------------


def switchboard_call_log(
    *,
    actor,
    outcome: str,
    caller_name: str = "",
    caller_organisation: str = "",
    caller_number: str = "",
    purpose: str = "",
    transferred_to: Employee | None = None,
    private_info_requested: bool = False,
    started_at: datetime | None = None,
    duration_seconds: int = 0,
) -> SwitchboardCall:
    """Log an incoming call at the switchboard (R-SWB-2).

    A caller asking for staff private information is refused and the log says so
    (R-SWB-6): the call is stored with ``private_info_requested`` set.
    """
    require(actor, "switchboard.log")
    Outcome = SwitchboardCall.Outcome
    if outcome not in Outcome.values or outcome == Outcome.OFFERED:
        raise CallcenterError(_("Choose what happened to the call."), field="outcome")
    if not (caller_name.strip() or caller_number.strip()):
        raise CallcenterError(
            _("Enter the caller's name or phone number."), field="caller_name"
        )
    if outcome in (Outcome.TRANSFERRED, Outcome.MESSAGE) and transferred_to is None:
        raise CallcenterError(
            _("Choose the person the call is for."), field="transferred_to"
        )
    if outcome not in (Outcome.TRANSFERRED, Outcome.MESSAGE):
        transferred_to = None
    now = timezone.now()
    started_at = started_at or now
    if started_at > now + timedelta(minutes=1):
        raise CallcenterError(
            _("A call cannot start in the future."), field="started_at"
        )
    with transaction.atomic():
        call = SwitchboardCall.objects.create(
            started_at=started_at,
            answered_at=started_at,
            ended_at=started_at + timedelta(seconds=duration_seconds),
            duration_seconds=max(0, duration_seconds),
            caller_name=caller_name.strip(),
            caller_organisation=caller_organisation.strip(),
            caller_number=caller_number.strip(),
            purpose=purpose.strip(),
            operator=employee_of(actor),
            outcome=outcome,
            transferred_to=transferred_to,
            private_info_requested=private_info_requested,
            source=Source.MANUAL,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="callcenter.switchboard_call_log",
            target=call,
            details={
                "outcome": outcome,
                "transferred_to": transferred_to.pk if transferred_to else None,
                "private_info_refused": private_info_requested,
            },
        )
    return call


# --- messages (R-SWB-3) -----------------------------------------------------------


def _return_deadline(start: datetime) -> datetime:
    """When a message taken at ``start`` must be returned (R-SWB-3: within 2 hours).

    By default the hours are the recipient's working hours (the working calendar): a
    message taken at 00:06 is due two working hours after the next opening, one taken
    on Friday evening on Monday morning. The setting ``callcenter.message_return_basis``
    set to "wall" counts every hour instead. A calendar without any service time
    ahead falls back to the wall clock rather than refusing the message.
    """
    minutes = config.get("callcenter.message_return_minutes")
    amount = timedelta(minutes=minutes)
    if config.get("callcenter.message_return_basis") == "wall":
        return start + amount
    try:
        return add_working_hours(start, amount)
    except NoServiceTime:
        return start + amount


def _message_url(message: Message) -> str:
    return reverse("callcenter:messages") + f"#message-{message.pk}"


def _message_create(
    *,
    actor,
    kind: str,
    recipient: Employee,
    caller_number: str,
    caller_name: str = "",
    caller_organisation: str = "",
    content: str = "",
    urgency: str = Message.Urgency.NORMAL,
    switchboard_call: SwitchboardCall | None = None,
    hotline_call: HotlineCall | None = None,
    at: datetime | None = None,
) -> Message:
    at = at or timezone.now()
    message = Message.objects.create(
        kind=kind,
        recipient=recipient,
        caller_name=caller_name.strip(),
        caller_organisation=caller_organisation.strip(),
        caller_number=caller_number.strip(),
        content=content.strip(),
        urgency=urgency,
        switchboard_call=switchboard_call,
        hotline_call=hotline_call,
        taken_by=actor,
        created_at=at,
        due_at=_return_deadline(at),
    )
    caller = message.caller_name or message.caller_number
    if kind == Message.Kind.MISSED_CALL:
        title = _("Missed call from %(caller)s: call back by %(due)s") % {
            "caller": caller,
            "due": _local(message.due_at),
        }
    else:
        title = _("Message from %(caller)s: call back by %(due)s") % {
            "caller": caller,
            "due": _local(message.due_at),
        }
    if urgency == Message.Urgency.URGENT:
        title = _("Urgent: %(title)s") % {"title": title}
    notify(
        recipients=[recipient],
        title=title,
        body=_("%(content)s\nNumber: %(number)s")
        % {"content": message.content, "number": message.caller_number},
        url=_message_url(message),
    )
    audit_record(
        actor=actor,
        action="callcenter.message_take",
        target=message,
        details={"kind": kind, "recipient": recipient.pk, "urgency": urgency},
    )
    return message


def message_take(
    *,
    actor,
    recipient: Employee,
    caller_number: str,
    caller_name: str = "",
    caller_organisation: str = "",
    content: str = "",
    urgency: str = Message.Urgency.NORMAL,
    switchboard_call: SwitchboardCall | None = None,
) -> Message:
    """Record a message (留言) for someone absent and tell them (R-SWB-3).

    With ``switchboard_call`` (a transfer nobody answered, R-SWB-1) that call's outcome
    becomes "message taken".
    """
    require(actor, "switchboard.log")
    if not caller_number.strip():
        raise CallcenterError(
            _("Enter the number to call back."), field="caller_number"
        )
    if urgency not in Message.Urgency.values:
        raise CallcenterError(_("Choose an urgency."), field="urgency")
    if not recipient.is_active:
        raise CallcenterError(
            _("%(name)s has left the company.") % {"name": recipient.name},
            field="recipient",
        )
    with transaction.atomic():
        if switchboard_call is not None:
            switchboard_call.outcome = SwitchboardCall.Outcome.MESSAGE
            switchboard_call.transferred_to = recipient
            switchboard_call.save(update_fields=["outcome", "transferred_to"])
        return _message_create(
            actor=actor,
            kind=Message.Kind.MESSAGE,
            recipient=recipient,
            caller_number=caller_number,
            caller_name=caller_name,
            caller_organisation=caller_organisation,
            content=content,
            urgency=urgency,
            switchboard_call=switchboard_call,
        )


def missed_call_message(
    *,
    recipient: Employee,
    caller_number: str,
    at: datetime,
    switchboard_call: SwitchboardCall | None = None,
    hotline_call: HotlineCall | None = None,
    actor=None,
) -> Message | None:
    """A missed call to return within the deadline (R-SWB-3); none without a number."""
    if not caller_number.strip():
        return None
    with transaction.atomic():
        return _message_create(
            actor=actor,
            kind=Message.Kind.MISSED_CALL,
            recipient=recipient,
            caller_number=caller_number,
            switchboard_call=switchboard_call,
            hotline_call=hotline_call,
            at=at,
        )


def message_mark_returned(*, actor, message: Message, note: str = "") -> Message:
    """The recipient (or the head it was escalated to) has called back (R-SWB-3)."""
    me = employee_of(actor)
    may = allows(actor, "messages.view", owner_id=message.recipient_id) or (
        me is not None and me.pk == message.escalated_to_id
    )
    if not may:
        raise PermissionRefused(_("Only the recipient may mark this message returned."))
    now = timezone.now()
    with transaction.atomic():
        changed = Message.objects.filter(
            pk=message.pk, returned_at__isnull=True
        ).update(returned_at=now, returned_by=actor, return_note=note.strip()[:500])
        if not changed:
            raise CallcenterError(_("This message was already marked returned."))
        message.refresh_from_db()
        audit_record(
            actor=actor,
            action="callcenter.message_return",
            target=message,
            details={"late": now > message.due_at},
        )
    return message


def _fallback_admins() -> list:
    return list(
        get_user_model().objects.filter(groups__name=Role.ADMIN, is_active=True)
    )


def messages_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind before the deadline, escalate after it; each at most once (R-SWB-3).

    A conditional UPDATE claims each reminder and escalation, so two workers running
    the sweep at once send each notification only once.
    """
    now = now or timezone.now()
    lead = timedelta(minutes=config.get("callcenter.message_reminder_minutes"))
    counts = {"reminded": 0, "escalated": 0}
    open_messages = Message.objects.filter(returned_at__isnull=True).select_related(
        "recipient__department"
    )
    for message in open_messages.filter(
        reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + lead
    ):
        with transaction.atomic():
            claimed = Message.objects.filter(
                pk=message.pk, reminded_at__isnull=True, returned_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            notify(
                recipients=[message.recipient],
                title=_("Reminder: call %(caller)s back by %(due)s")
                % {
                    "caller": message.caller_name or message.caller_number,
                    "due": _local(message.due_at),
                },
                body=message.content,
                url=_message_url(message),
            )
            counts["reminded"] += 1
    for message in open_messages.filter(escalated_at__isnull=True, due_at__lte=now):
        head = head_approver_for(message.recipient)
        with transaction.atomic():
            claimed = Message.objects.filter(
                pk=message.pk, escalated_at__isnull=True, returned_at__isnull=True
            ).update(escalated_at=now, escalated_to=head)
            if not claimed:
                continue
            notify(
                recipients=[head] if head else _fallback_admins(),
                title=_("Not returned in time: %(caller)s's call for %(name)s")
                % {
                    "caller": message.caller_name or message.caller_number,
                    "name": message.recipient.name,
                },
                body=_("Due %(due)s. Number: %(number)s\n%(content)s")
                % {
                    "due": _local(message.due_at),
                    "number": message.caller_number,
                    "content": message.content,
                },
                url=_message_url(message),
            )
            audit_record(
                actor=None,
                action="callcenter.message_escalate",
                target=message,
                details={"to": head.pk if head else None},
            )
            counts["escalated"] += 1
    return counts


# --- hotline log (R-HOT-3) --------------------------------------------------------


def hotline_call_log(
    *,
    actor,
    started_at: datetime,
    caller_number: str,
    content: str,
    outcome: str,
    caller_name: str = "",
    agent: Employee | None = None,
    duration_seconds: int = 0,
) -> HotlineCall:
    """Log a call on the 400 line (R-HOT-3).

    Whether it was in service hours comes from the working calendar (R-HOT-2); a call
    outside them, or logged well after it, is marked as entered afterwards. A missed
    call becomes a call-back to return within the deadline (R-SWB-3).
    """
    require(actor, "hotline.log")
    Outcome = HotlineCall.Outcome
    if outcome not in (Outcome.ANSWERED, Outcome.MISSED, Outcome.ABANDONED):
        raise CallcenterError(_("Choose what happened to the call."), field="outcome")
    now = timezone.now()
    if started_at > now + timedelta(minutes=1):
        raise CallcenterError(
            _("A call cannot start in the future."), field="started_at"
        )
    if outcome == Outcome.ANSWERED and not content.strip():
        raise CallcenterError(_("Write down what the caller said."), field="content")
    agent = agent or employee_of(actor)
    in_hours = is_working_time(started_at)
    late_after = timedelta(minutes=config.get("callcenter.hotline_late_entry_minutes"))
    with transaction.atomic():
        call = HotlineCall.objects.create(
            started_at=started_at,
            answered_at=started_at if outcome == Outcome.ANSWERED else None,
            ended_at=started_at + timedelta(seconds=max(0, duration_seconds)),
            duration_seconds=max(0, duration_seconds),
            caller_number=caller_number.strip(),
            caller_name=caller_name.strip(),
            content=content.strip(),
            agent=agent,
            outcome=outcome,
            in_service_hours=in_hours,
            entered_late=(not in_hours) or now - started_at > late_after,
            source=Source.MANUAL,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="callcenter.hotline_call_log",
            target=call,
            details={"outcome": outcome, "in_service_hours": in_hours},
        )
        if outcome == Outcome.MISSED and agent is not None:
            missed_call_message(
                recipient=agent,
                caller_number=call.caller_number,
                at=started_at,
                hotline_call=call,
                actor=actor,
            )
    return call
