from celery import shared_task

from .services import approval_send_reminders


@shared_task
def approval_send_reminders_task() -> int:
    return approval_send_reminders()
