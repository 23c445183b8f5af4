"""Celery tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task(acks_late=True)
def audit_run_task(period_id: int, user_id: int | None = None, force: bool = False):
    """Audit a month (queued by 立即稽核 or after an import). Idempotent: findings
    are unique per call and rule, and a month already current is left alone. A
    refusal (closed month) is recorded on the job, not retried."""
    from django.contrib.auth import get_user_model

    from telephony_admin.errors import DomainError

    from .services.audits import audit_month_run

    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        return audit_month_run(period_id=period_id, actor=actor, force=force).created
    except DomainError as exc:
        return {"refused": str(exc)}


def on_bill_imported(bill_import_id: int) -> None:
    """billing's post-import hook (after commit): queue the month's audit."""
    from billing.models import BillImport

    from .services.audits import audit_request

    bill_import = BillImport.objects.select_related("period").get(pk=bill_import_id)
    if bill_import.period.is_closed:
        return
    audit_request(actor=None, period=bill_import.period, after_import=True)


def audit_after_command(period_id: int) -> list[str]:
    """``manage.py import_bill``'s hook: audit the month now, report per rule."""
    from .services.audits import audit_month_run, audit_report

    return audit_report(audit_month_run(period_id=period_id))
