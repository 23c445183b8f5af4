"""Celery tasks: thin, idempotent wrappers around the services (beat in schedule.py)."""

from celery import shared_task

from .health import answer_rate_report, hotline_quiet_check
from .services import messages_sweep


@shared_task
def messages_sweep_task() -> dict:
    """Reminders and escalations of messages not yet returned (R-SWB-3)."""
    return messages_sweep()


@shared_task
def hotline_quiet_check_task() -> bool:
    """Ask for a test dial when the hotline has been quiet (R-HOT-5)."""
    return hotline_quiet_check() is not None


@shared_task
def answer_rate_report_task() -> int:
    """Report a day or month below the answer-rate target (R-HOT-6)."""
    return len(answer_rate_report())
