from celery import shared_task

from .services import notification_send_due_emails


@shared_task
def notification_send_emails_task() -> int:
    return notification_send_due_emails()
