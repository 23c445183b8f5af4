"""Celery tasks: thin, idempotent wrappers around services."""

from celery import shared_task

from .services import class_changes_apply_due, ld_requests_mark_lapsed


@shared_task
def ld_requests_mark_lapsed_task() -> int:
    """R-LD-2: urgent calls placed before approval lapse after the deadline."""
    return ld_requests_mark_lapsed()


@shared_task
def class_changes_apply_due_task() -> int:
    """R-EXT-4: class changes approved with a future effective date take effect."""
    return class_changes_apply_due()
