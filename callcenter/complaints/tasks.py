"""Celery tasks: thin, idempotent wrappers around the SLA sweep."""

import smtplib

from celery import shared_task

from .sla import sla_sweep


@shared_task(ignore_result=True)
def sla_sweep_task() -> int:
    """Every minute (see ``schedule.py``): warnings and breaches due now (R-CMP-3)."""
    return sla_sweep()


@shared_task(
    ignore_result=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def result_email_send_task(event_id: int) -> bool:
    """The result e-mailed to the customer, after the step committed; a mail server
    that is down is tried again (sent once: the event records when)."""
    from .mailing import result_email_send

    return result_email_send(event_id)
