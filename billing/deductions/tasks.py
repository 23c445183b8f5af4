"""Celery tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task(acks_late=True)
def audit_run_task(period_id: int) -> dict:
    """Audit a month after an import; idempotent (findings unique per call and rule)."""
    from .services.audits import audit_run

    return audit_run(period_id=period_id).created


def on_bill_imported(bill_import_id: int) -> None:
    """billing's post-import hook (after commit): queue the month's audits."""
    from billing.models import BillImport

    period_id = BillImport.objects.values_list("period_id", flat=True).get(
        pk=bill_import_id
    )
    audit_run_task.delay(period_id)
