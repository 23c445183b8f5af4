"""Celery tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task(acks_late=True)
def bill_import_run_task(bill_import_id: int) -> str:
    """Import (or check) a stored bill; a second delivery finds it claimed."""
    from .services import bill_import_run

    return bill_import_run(bill_import_id=bill_import_id).status


@shared_task(ignore_result=True)
def bill_imports_recover_task() -> list[int]:
    """Every two minutes (see ``schedule.py``): imports whose worker died, queued
    again."""
    from .services import bill_imports_recover

    return bill_imports_recover()
