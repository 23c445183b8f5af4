"""The result e-mailed to a customer who gave an address (issue 15).

Recorded in the case's history (``EventAction.EMAILED``, with the address, subject
and text) and audited in the same transaction as the step; the mail itself goes
through Django's mail after commit (a Celery task), so a step rolled back sends
nothing and a slow mail server never holds the case's row lock.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from telephony_admin.core.services import audit_record

from .errors import ComplaintError
from .models import Complaint, ComplaintEvent, EventAction, ReplyTemplate
from .replies import case_values, fill


def result_subject(complaint: Complaint, template: ReplyTemplate | None, actor) -> str:
    if template is not None and template.subject.strip():
        return fill(template.subject, case_values(complaint, agent=actor))
    return _("Your complaint %(number)s") % {"number": complaint.number}


def ensure_can_email(complaint: Complaint) -> None:
    if not complaint.email:
        raise ComplaintError(
            _(
                "The customer gave no e-mail address: the result cannot be "
                "e-mailed. Tell it by phone, or untick the e-mail box."
            ),
            field="send_email",
        )


def result_email_queue(
    *,
    complaint: Complaint,
    actor,
    text: str,
    template: ReplyTemplate | None,
    now: datetime,
) -> ComplaintEvent:
    """Record and audit the e-mail now; send it once the transaction commits."""
    ensure_can_email(complaint)
    subject = result_subject(complaint, template, actor)
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=actor,
        action=EventAction.EMAILED,
        customer_text=text,
        details={
            "to": complaint.email,
            "subject": subject,
            "template": template.name if template else "",
        },
    )
    audit_record(
        actor=actor,
        action="complaints.email_result",
        target=complaint,
        details={"to": complaint.email, "subject": subject},
    )
    transaction.on_commit(lambda: _queue(event.pk))
    return event


def _queue(event_id: int) -> None:
    from .tasks import result_email_send_task

    result_email_send_task.delay(event_id)


def result_email_send(event_id: int) -> bool:
    """Send the recorded e-mail once (``details.sent_at`` marks it sent)."""
    from django.utils import timezone

    with transaction.atomic():
        event = (
            ComplaintEvent.objects.select_for_update()
            .filter(pk=event_id, action=EventAction.EMAILED)
            .first()
        )
        if event is None or event.details.get("sent_at"):
            return False
        send_mail(
            subject=event.details["subject"],
            message=event.customer_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[event.details["to"]],
        )
        event.details = {**event.details, "sent_at": timezone.now().isoformat()}
        event.save(update_fields=["details"])
    return True
