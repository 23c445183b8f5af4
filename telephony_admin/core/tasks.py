from celery import shared_task

from .services import notification_send_due_emails


@shared_task
def notification_send_emails_task() -> int:
    return notification_send_due_emails()


@shared_task
def export_job_run_task(job_id: int) -> str | None:
    from .exports import export_job_run

    job = export_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def export_jobs_purge_task() -> int:
    from .exports import export_jobs_purge

    return export_jobs_purge()
