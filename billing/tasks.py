"""Celery tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task(acks_late=True)
def bill_import_run_task(bill_import_id: int) -> str:
    """Import (or check) a stored bill; a second delivery finds it claimed."""
    from .services import bill_import_run

    return bill_import_run(bill_import_id=bill_import_id).status
