"""Complaint workflow: one service per transition (R-CMP-1, R-CMP-4, R-CMP-5, R-CMP-7).

registered -> sent to the responsible department -> verified (founded) -> solved ->
returned to customer service -> customer told the result -> callback done -> closed
(signed off by the customer-service head). An unfounded case goes from verification
straight back to customer service, who explains it to the customer. Any open case may
wait for the customer (pausing its clocks) and resume; a closed one may be reopened.

Each transition changes the row with ``filter(pk=..., status__in=FROM).update(...)``
so two users cannot both win, and appends a ``ComplaintEvent`` (who, when, what, the
internal note apart from what the customer is told) and an audit record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from telephony_admin.core import config
from telephony_admin.core.services import audit_record
from telephony_admin.org.access import employee_of, require
from telephony_admin.org.models import Department

from . import mailing, sla
from . import permissions as perm
from .errors import ComplaintError, TransitionRefused
from .handoffs import handoff_notify
from .models import (
    ClockKind,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintSequence,
    Complexity,
    ContactChannel,
    ContactPurpose,
    CustomerContact,
    EventAction,
    FollowUpTask,
    Kind,
    Status,
    WaitingPeriod,
)

S = Status
# The explicit map of allowed transitions: action -> (from statuses, to status).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "send": ((S.REGISTERED,), S.SENT),
    "take_over": ((S.SENT, S.VERIFIED), None),
    "verify": ((S.SENT,), S.VERIFIED),
    "solve": ((S.VERIFIED,), S.SOLVED),
    "return": ((S.SOLVED,), S.RETURNED),
    "tell_result": ((S.RETURNED,), S.CUSTOMER_TOLD),
    "callback": ((S.CUSTOMER_TOLD,), S.CALLBACK_DONE),
    "sign_off": ((S.CALLBACK_DONE,), S.CLOSED),
    "reopen": ((S.CLOSED,), S.SENT),
    "wait": ((S.REGISTERED, S.SENT, S.VERIFIED, S.SOLVED, S.RETURNED), S.WAITING),
    "resume": ((S.WAITING,), None),
    "answer": ((S.REGISTERED,), S.CLOSED),
}


def allowed_from(action: str) -> tuple[str, ...]:
    return TRANSITIONS[action][0]


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _actor(user):
    employee = employee_of(user)
    if employee is None:
        raise perm.refuse()
    return employee


def _load(complaint_id: int, *, lock: bool = False) -> Complaint:
    qs = Complaint.objects.select_related("department", "agent")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get(pk=complaint_id)


def _transition(
    *,
    complaint: Complaint,
    action: str,
    event: str,
    actor,
    now: datetime,
    to_status: str | None = None,
    internal_note: str = "",
    customer_text: str = "",
    details: dict | None = None,
    **fields: Any,
) -> Complaint:
    """Conditionally move the case on and append its event; refuses a stale move."""
    from_statuses, default_to = TRANSITIONS[action]
    to_status = to_status or default_to or complaint.status
    updated = Complaint.objects.filter(
        pk=complaint.pk, status__in=from_statuses
    ).update(status=to_status, updated_at=now, **fields)
    if not updated:
        raise TransitionRefused(
            _("%(number)s is no longer in a state that allows this step.")
            % {"number": complaint.number}
        )
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        action=event,
        from_status=complaint.status,
        to_status=to_status,
        internal_note=internal_note,
        customer_text=customer_text,
        details=details or {},
    )
    complaint.refresh_from_db()
    audit_record(
        actor=actor,
        action=f"complaints.{action}",
        target=complaint,
        details={"to": to_status, **(details or {})},
    )
    # Whoever now holds the case hears of it (in the app and by e-mail).
    handoff_notify(complaint=complaint, action=action, actor=actor)
    return complaint


def _check_state(complaint: Complaint, action: str) -> None:
    if complaint.status not in allowed_from(action):
        raise TransitionRefused(
            _("%(number)s is no longer in a state that allows this step.")
            % {"number": complaint.number}
        )


# --- intake (R-CMP-1) --------------------------------------------------------------


def normalise_phone(phone: str) -> str:
    """Digits only (and a leading +), so a repeat caller is found however typed."""
    phone = phone.strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" + digits) if phone.startswith("+") else digits


def _next_number(year: int) -> str:
    """TS-2026-000123: one counter row per year, incremented under its row lock."""
    if not ComplaintSequence.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                ComplaintSequence.objects.create(year=year)
        except IntegrityError:
            pass  # another intake created the year's row first
    ComplaintSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = ComplaintSequence.objects.values_list("last", flat=True).get(year=year)
    return f"TS-{year}-{last:06d}"


@transaction.atomic
def complaint_register(
    *,
    user,
    customer_name: str,
    contact_phone: str,
    content: str,
    kind: str = Kind.COMPLAINT,
    complexity: str = "",
    channel: str = "hotline",
    unit: str = "",
    accepted_at: datetime | None = None,
    hotline_call_id: int | None = None,
    answer: str = "",
    email: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Register a case (投诉登记表) and start its clocks (R-CMP-1, R-CMP-2)."""
    require(user, "complaints.create")
    agent = _actor(user)
    now = _now(now)
    accepted_at = accepted_at or now
    if accepted_at > now + timedelta(minutes=1):
        raise ComplaintError(
            _("The acceptance time cannot be in the future."), field="accepted_at"
        )
    if kind == Kind.COMPLAINT and complexity not in Complexity.values:
        raise ComplaintError(
            _("Choose the complexity of the complaint."), field="complexity"
        )
    if kind != Kind.COMPLAINT:
        complexity = ""
    if not normalise_phone(contact_phone):
        raise ComplaintError(_("Enter the contact phone."), field="contact_phone")
    year = timezone.localtime(accepted_at).year
    complaint = Complaint.objects.create(
        number=_next_number(year),
        accepted_at=accepted_at,
        customer_name=customer_name.strip(),
        contact_phone=normalise_phone(contact_phone),
        email=email.strip(),
        content=content,
        kind=kind,
        complexity=complexity,
        channel=channel,
        unit=unit.strip(),
        agent=agent,
        hotline_call_id=hotline_call_id or None,
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=agent,
        action=EventAction.REGISTERED,
        to_status=Status.REGISTERED,
        details={"kind": kind, "complexity": complexity, "channel": channel},
    )
    sla.clocks_start(complaint=complaint, started_at=accepted_at, now=now)
    audit_record(
        actor=agent,
        action="complaints.register",
        target=complaint,
        details={"kind": kind, "complexity": complexity},
    )
    if answer and kind != Kind.COMPLAINT:
        # A consultation answered in the intake form was answered in the contact
        # itself, "at once" (R-CMP-2); a query's answer is measured to its recording.
        answered_at = accepted_at if kind == Kind.CONSULTATION else now
        complaint = complaint_answer(
            user=user,
            complaint_id=complaint.pk,
            answer=answer,
            answered_at=answered_at,
            now=now,
        )
    return complaint


@transaction.atomic
def complaint_answer(
    *,
    user,
    complaint_id: int,
    answer: str,
    answered_at: datetime | None = None,
    now: datetime | None = None,
) -> Complaint:
    """A consultation or query answered: measured against its answer clock (R-CMP-2).

    ``answered_at`` is when the customer heard the answer (default: now, when it is
    recorded); the history keeps the recording time.
    """
    complaint = _load(complaint_id, lock=True)
    perm.require_customer_service(user)
    if complaint.kind == Kind.COMPLAINT:
        raise ComplaintError(_("A complaint is handled by a department, not answered."))
    _check_state(complaint, "answer")
    actor, now = _actor(user), _now(now)
    answered_at = min(answered_at or now, now)
    channel, purpose = ContactChannel.PHONE, ContactPurpose.ANSWER
    _contact(complaint, actor, answered_at, channel, purpose, answer)
    sla.clocks_meet(complaint=complaint, kinds=[ClockKind.ANSWER], now=answered_at)
    return _transition(
        complaint=complaint,
        action="answer",
        event=EventAction.ANSWERED,
        actor=actor,
        now=now,
        customer_text=answer,
        result_text=answer,
        closed_at=now,
    )


# --- customer contacts (R-CMP-2: only a logged contact meets a first reply) --------


def _contact(complaint, actor, now, channel, purpose, summary) -> CustomerContact:
    contact = CustomerContact.objects.create(
        complaint=complaint,
        at=now,
        by=actor,
        channel=channel,
        purpose=purpose,
        summary=summary,
    )
    sla.clocks_meet(complaint=complaint, kinds=[ClockKind.FIRST_REPLY], now=now)
    # R-CMP-3: any update to the customer completes the agent's follow-up tasks.
    FollowUpTask.objects.filter(complaint=complaint, done_at__isnull=True).update(
        done_at=now, contact=contact
    )
    return contact


@transaction.atomic
def contact_log(
    *,
    user,
    complaint_id: int,
    summary: str,
    channel: str = ContactChannel.PHONE,
    purpose: str = ContactPurpose.UPDATE,
    now: datetime | None = None,
) -> CustomerContact:
    """Log a contact with the customer (first reply, progress update)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_any_side(user, complaint)
    if not complaint.is_open:
        raise ComplaintError(_("The case is closed; reopen it first."))
    actor, now = _actor(user), _now(now)
    contact = _contact(complaint, actor, now, channel, purpose, summary)
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        action=EventAction.CONTACT,
        customer_text=summary,
        details={"channel": channel, "purpose": purpose},
    )
    audit_record(actor=actor, action="complaints.contact", target=complaint)
    return contact


# --- routing and the department's steps (R-CMP-4) -----------------------------------


@transaction.atomic
def complaint_send(
    *,
    user,
    complaint_id: int,
    department_id: int,
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Send the handling form (投诉处理表) to the responsible department."""
    complaint = _load(complaint_id, lock=True)
    perm.require_customer_service(user)
    if complaint.kind != Kind.COMPLAINT:
        raise ComplaintError(_("Only complaints are sent to a department."))
    department = Department.objects.get(pk=department_id)
    return _transition(
        complaint=complaint,
        action="send",
        event=EventAction.SENT,
        actor=_actor(user),
        now=_now(now),
        internal_note=note,
        details={"department": department.name},
        department=department,
    )


@transaction.atomic
def complaint_take_over(
    *, user, complaint_id: int, note: str = "", now: datetime | None = None
) -> Complaint:
    """A serious case is taken over by the department manager (R-CMP-4)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_department_manager(user, complaint)
    actor = _actor(user)
    return _transition(
        complaint=complaint,
        action="take_over",
        event=EventAction.TAKEN_OVER,
        actor=actor,
        now=_now(now),
        internal_note=note,
        serious=True,
        assignee=actor,
    )


@transaction.atomic
def complaint_verify(
    *,
    user,
    complaint_id: int,
    founded: bool,
    explanation: str,
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The department verifies; an unfounded case returns with its explanation."""
    complaint = _load(complaint_id, lock=True)
    perm.require_department_side(user, complaint)
    if not explanation.strip():
        raise ComplaintError(_("Explain the verification."), field="explanation")
    actor = _actor(user)
    return _transition(
        complaint=complaint,
        action="verify",
        event=EventAction.VERIFIED,
        actor=actor,
        now=_now(now),
        to_status=Status.VERIFIED if founded else Status.RETURNED,
        internal_note=note,
        details={"founded": founded, "explanation": explanation},
        founded=founded,
        verification=explanation,
        assignee=complaint.assignee or actor,
    )


@transaction.atomic
def complaint_solve(
    *,
    user,
    complaint_id: int,
    findings: str,
    solution: str,
    note: str = "",
    return_now: bool = False,
    now: datetime | None = None,
) -> Complaint:
    """The department records its findings and solution (R-CMP-4), and with
    ``return_now`` returns the case to customer service in the same step."""
    complaint = _load(complaint_id, lock=True)
    perm.require_department_side(user, complaint)
    if complaint.serious:
        perm.require_department_manager(user, complaint)
    complaint = _transition(
        complaint=complaint,
        action="solve",
        event=EventAction.SOLVED,
        actor=_actor(user),
        now=_now(now),
        internal_note=note,
        findings=findings,
        solution=solution,
    )
    if return_now:
        complaint = complaint_return(user=user, complaint_id=complaint.pk, now=now)
    return complaint


@transaction.atomic
def complaint_return(
    *, user, complaint_id: int, note: str = "", now: datetime | None = None
) -> Complaint:
    """The handling form returns to customer service (R-CMP-4)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_department_side(user, complaint)
    return _transition(
        complaint=complaint,
        action="return",
        event=EventAction.RETURNED,
        actor=_actor(user),
        now=_now(now),
        internal_note=note,
    )


# --- customer service closes the loop (R-CMP-4, R-CMP-5) ---------------------------


@transaction.atomic
def complaint_tell_result(
    *,
    user,
    complaint_id: int,
    result: str,
    channel: str = ContactChannel.PHONE,
    note: str = "",
    template=None,
    send_email: bool = False,
    email: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The agent tells the customer the result; the resolution clocks stop. With
    ``send_email`` the text also goes to the customer's e-mail address (refused
    when they gave none), recorded in the history and sent after commit; ``email``
    is an address the customer gives now (kept on the case)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_customer_service(user)
    _check_state(complaint, "tell_result")
    details = {"template": template.name} if template else {}
    email = email.strip()
    if email and email != complaint.email:
        details["email"] = {"from": complaint.email, "to": email}
        complaint.email = email
    if send_email:
        mailing.ensure_can_email(complaint)
    actor, now = _actor(user), _now(now)
    _contact(complaint, actor, now, channel, ContactPurpose.RESULT, result)
    sla.clocks_meet(
        complaint=complaint,
        kinds=[ClockKind.RESOLUTION_TARGET, ClockKind.RESOLUTION_MAX],
        now=now,
    )
    complaint = _transition(
        complaint=complaint,
        action="tell_result",
        event=EventAction.CUSTOMER_TOLD,
        actor=actor,
        now=now,
        internal_note=note,
        customer_text=result,
        details=details,
        result_text=result,
        email=complaint.email,
    )
    if send_email:
        mailing.result_email_queue(
            complaint=complaint, actor=actor, text=result, template=template, now=now
        )
    return complaint


@transaction.atomic
def complaint_callback(
    *,
    user,
    complaint_id: int,
    satisfaction: int,
    comment: str = "",
    channel: str = ContactChannel.PHONE,
    script: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The callback visit (回访) records the customer's satisfaction (R-CMP-5);
    ``script`` is what the agent said (a callback template, edited)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_customer_service(user)
    if not 1 <= int(satisfaction) <= 5:
        raise ComplaintError(_("Satisfaction is from 1 to 5."), field="satisfaction")
    _check_state(complaint, "callback")
    actor, now = _actor(user), _now(now)
    # Stored without words, so the contact list reads the same in every language
    # (the purpose "Callback visit" says what the score is).
    summary = f"{int(satisfaction)}/5 {comment}".strip()
    _contact(complaint, actor, now, channel, ContactPurpose.CALLBACK, summary)
    return _transition(
        complaint=complaint,
        action="callback",
        event=EventAction.CALLBACK,
        actor=actor,
        now=now,
        customer_text=script or comment,
        details={"satisfaction": int(satisfaction)},
        satisfaction=int(satisfaction),
        satisfaction_comment=comment,
    )


@transaction.atomic
def complaint_sign_off(
    *, user, complaint_id: int, note: str = "", now: datetime | None = None
) -> Complaint:
    """The customer-service head (项目经理) signs off; closed and archived (R-CMP-5)."""
    complaint = _load(complaint_id, lock=True)
    require(user, "complaints.sign_off")
    actor, now = _actor(user), _now(now)
    _check_state(complaint, "sign_off")
    sla.clocks_cancel(complaint=complaint, now=now)
    return _transition(
        complaint=complaint,
        action="sign_off",
        event=EventAction.SIGNED_OFF,
        actor=actor,
        now=now,
        internal_note=note,
        signed_off_by=actor,
        signed_off_at=now,
        closed_at=now,
    )


@transaction.atomic
def complaint_reopen(
    *, user, complaint_id: int, reason: str, now: datetime | None = None
) -> Complaint:
    """Reopen a closed complaint (audited); it goes back to its department."""
    complaint = _load(complaint_id, lock=True)
    perm.require_customer_service(user)
    if complaint.kind != Kind.COMPLAINT or complaint.department_id is None:
        raise ComplaintError(_("Only a complaint handled by a department reopens."))
    if not reason.strip():
        raise ComplaintError(_("Give the reason for reopening."), field="reason")
    actor, now = _actor(user), _now(now)
    cycle = complaint.reopen_count + 1
    complaint = _transition(
        complaint=complaint,
        action="reopen",
        event=EventAction.REOPENED,
        actor=actor,
        now=now,
        internal_note=reason,
        details={"cycle": cycle},
        reopen_count=cycle,
        closed_at=None,
        signed_off_by=None,
        signed_off_at=None,
        satisfaction=None,
        satisfaction_comment="",
        founded=None,
    )
    sla.clocks_start(complaint=complaint, started_at=now, now=now, cycle=cycle)
    return complaint


# --- waiting for the customer (the only pause, R-CMP-3) ----------------------------


@transaction.atomic
def complaint_wait(
    *, user, complaint_id: int, reason: str, now: datetime | None = None
) -> Complaint:
    """Enter "waiting for customer" with who and why; running clocks pause."""
    complaint = _load(complaint_id, lock=True)
    perm.require_any_side(user, complaint)
    if not reason.strip():
        raise ComplaintError(_("Say what the customer is to provide."), field="reason")
    actor, now = _actor(user), _now(now)
    previous = complaint.status
    complaint = _transition(
        complaint=complaint,
        action="wait",
        event=EventAction.WAITING,
        actor=actor,
        now=now,
        internal_note=reason,
        status_before_wait=previous,
    )
    WaitingPeriod.objects.create(
        complaint=complaint, started_at=now, started_by=actor, reason=reason
    )
    sla.clocks_pause(complaint=complaint, now=now)
    return complaint


@transaction.atomic
def complaint_resume(
    *, user, complaint_id: int, note: str = "", now: datetime | None = None
) -> Complaint:
    """The customer answered: back to the previous step; due times move on."""
    complaint = _load(complaint_id, lock=True)
    perm.require_any_side(user, complaint)
    actor, now = _actor(user), _now(now)
    complaint = _transition(
        complaint=complaint,
        action="resume",
        event=EventAction.RESUMED,
        actor=actor,
        now=now,
        to_status=complaint.status_before_wait or Status.REGISTERED,
        internal_note=note,
        status_before_wait="",
    )
    WaitingPeriod.objects.filter(complaint=complaint, ended_at__isnull=True).update(
        ended_at=now, ended_by=actor
    )
    sla.clocks_resume(complaint=complaint, now=now)
    return complaint


@transaction.atomic
def complaint_set_complexity(
    *,
    user,
    complaint_id: int,
    complexity: str,
    reason: str,
    now: datetime | None = None,
) -> Complaint:
    """Change the complexity: resolution clocks recomputed, pauses kept (R-CMP-3)."""
    complaint = _load(complaint_id, lock=True)
    perm.require_any_side(user, complaint)
    if complaint.kind != Kind.COMPLAINT or not complaint.is_open:
        raise ComplaintError(_("Only an open complaint has a complexity to change."))
    if complexity not in Complexity.values:
        raise ComplaintError(_("Choose a complexity."), field="complexity")
    if complexity == complaint.complexity:
        raise ComplaintError(
            _("The complaint already has this complexity."), field="complexity"
        )
    actor, now = _actor(user), _now(now)
    old = complaint.complexity
    Complaint.objects.filter(pk=complaint.pk).update(
        complexity=complexity, updated_at=now
    )
    complaint.complexity = complexity
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        action=EventAction.COMPLEXITY,
        internal_note=reason,
        details={"from": old, "to": complexity},
    )
    sla.clocks_recompute(complaint=complaint, now=now)
    audit_record(
        actor=actor,
        action="complaints.complexity",
        target=complaint,
        details={"from": old, "to": complexity, "reason": reason},
    )
    return complaint


# --- notes and attachments (R-CMP-7) -----------------------------------------------


@transaction.atomic
def complaint_note(
    *, user, complaint_id: int, note: str, now: datetime | None = None
) -> ComplaintEvent:
    complaint = _load(complaint_id)
    perm.require_any_side(user, complaint)
    if not note.strip():
        raise ComplaintError(_("Write the note."), field="note")
    actor = _actor(user)
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        at=_now(now),
        actor=actor,
        action=EventAction.NOTE,
        internal_note=note,
    )
    audit_record(actor=actor, action="complaints.note", target=complaint)
    return event


def validate_attachment(upload: UploadedFile) -> None:
    """Size and type from the settings; refuses anything else."""
    max_mb = config.get("complaints.attachment_max_mb")
    if upload.size > max_mb * 1024 * 1024:
        raise ComplaintError(
            _("The file is larger than %(size)s MB.") % {"size": max_mb},
            field="file",
        )
    allowed = [
        e.lower().lstrip(".") for e in config.get("complaints.attachment_extensions")
    ]
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ComplaintError(
            _("Files of type “%(ext)s” are not accepted (allowed: %(allowed)s).")
            % {"ext": extension or "?", "allowed": ", ".join(allowed)},
            field="file",
        )


@transaction.atomic
def attachment_add(
    *, user, complaint_id: int, upload: UploadedFile, now: datetime | None = None
) -> ComplaintAttachment:
    complaint = _load(complaint_id)
    perm.require_any_side(user, complaint)
    validate_attachment(upload)
    actor, now = _actor(user), _now(now)
    name = Path(upload.name).name[:200]
    attachment = ComplaintAttachment(
        complaint=complaint,
        name=name,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=now,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        action=EventAction.ATTACHMENT,
        details={"name": name, "size": upload.size},
    )
    audit_record(
        actor=actor,
        action="complaints.attachment",
        target=complaint,
        details={"name": name},
    )
    return attachment
