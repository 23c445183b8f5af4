"""Export jobs (导出任务): a large export built by a Celery task into a file.

An app registers each kind of export it offers (``export_kind_register``): the
capability that may request it and the function that writes the file. A request
creates an ``ExportJob`` (queued) and queues its task on commit; the task marks it
running, writes the file under ``MEDIA_ROOT/exports`` (to a temporary name, renamed
when complete), then done or failed. Progress goes to the cache while the job runs
(the writer may hold a long transaction), the final figures to the row. The
requester, or anyone whose scope of the kind's capability is the whole company, may
download it; files and rows are purged ``EXPORT_KEEP_DAYS`` after the request.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from telephony_admin.errors import DomainError
from telephony_admin.org.access import Scope, require, scope

from .models import ExportJob, ExportStatus
from .services import audit_record

log = logging.getLogger(__name__)

PROGRESS_KEY = "core.export.%s.rows"
# write(job, path, progress) writes the file and returns the rows written.
Writer = Callable[[ExportJob, Path, Callable[[int], None]], int]


@dataclass(frozen=True)
class ExportKind:
    key: str
    capability: str
    #: The writer, or its dotted path (imported when a job runs: an app's export
    #: code and its spreadsheet library stay out of every process's start).
    writer: Writer | str

    def write(self, job: ExportJob, path: Path, progress: Callable[[int], None]):
        writer = self.writer
        if isinstance(writer, str):
            writer = import_string(writer)
        return writer(job, path, progress)


KINDS: dict[str, ExportKind] = {}


def export_kind_register(*, key: str, capability: str, write: Writer | str) -> None:
    KINDS[key] = ExportKind(key, capability, write)


def exports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def inline_limit() -> int:
    """Up to this many rows an export is written at once in the response."""
    return settings.EXPORT_INLINE_MAX_ROWS


def export_job_visible(user, job: ExportJob) -> bool:
    """The requester, or a user whose scope of the kind's capability is everyone's."""
    kind = KINDS.get(job.kind)
    if kind is None or not getattr(user, "is_authenticated", False):
        return False
    if job.requested_by_id == user.pk:
        return scope(user, kind.capability) > Scope.NONE
    return scope(user, kind.capability) == Scope.ALL


def export_job_request(
    *,
    actor,
    kind: str,
    params: dict[str, Any],
    file_name: str,
    rows_total: int = 0,
) -> ExportJob:
    """Queue an export; the caller has already refused what can be refused up front."""
    spec = KINDS[kind]
    require(actor, spec.capability)
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind,
            params=params,
            requested_by=actor,
            file_name=file_name,
            rows_total=rows_total,
        )
        audit_record(
            actor=actor,
            action="core.export_requested",
            target=job,
            details={"kind": kind, "params": params, "rows": rows_total},
        )
        from .tasks import export_job_run_task

        pk = job.pk
        transaction.on_commit(lambda: export_job_run_task.delay(pk))
    return job


def export_job_progress(job: ExportJob) -> int:
    """Rows written so far (the cache while running, the row once finished)."""
    if job.status == ExportStatus.RUNNING:
        return max(job.rows_done, cache.get(PROGRESS_KEY % job.pk) or 0)
    return job.rows_done


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build a queued job's file; a job already taken (a second delivery) is left."""
    now = timezone.now()
    taken = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now
    )
    if not taken:
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    name = f"{job.pk}-{secrets.token_hex(8)}.xlsx"
    final = exports_dir() / name
    partial = final.with_suffix(".part")

    def progress(rows: int) -> None:
        cache.set(PROGRESS_KEY % job.pk, rows, 24 * 3600)

    try:
        rows = KINDS[job.kind].write(job, partial, progress)
        os.replace(partial, final)
    except DomainError as exc:
        return _failed(job, partial, exc.message)
    except Exception as exc:
        log.exception("export job %s failed", job.pk)
        return _failed(job, partial, f"{exc.__class__.__name__}: {exc}")
    finally:
        cache.delete(PROGRESS_KEY % job.pk)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        file_path=f"exports/{name}",
        rows_done=rows,
        rows_total=max(rows, job.rows_total),
        finished_at=timezone.now(),
    )
    audit_record(
        actor=job.requested_by,
        action="core.export_built",
        target=job,
        details={"kind": job.kind, "rows": rows},
    )
    job.refresh_from_db()
    return job


def _failed(job: ExportJob, partial: Path, error: str) -> ExportJob:
    partial.unlink(missing_ok=True)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    audit_record(
        actor=job.requested_by,
        action="core.export_failed",
        target=job,
        details={"kind": job.kind, "error": error[:500]},
    )
    job.refresh_from_db()
    return job


def export_job_file(job: ExportJob) -> Path | None:
    """The built file, or None (not built yet, failed, or purged)."""
    if job.status != ExportStatus.DONE or not job.file_path:
        return None
    path = Path(settings.MEDIA_ROOT) / job.file_path
    return path if path.is_file() else None


def export_job_downloaded(*, actor, job: ExportJob) -> None:
    audit_record(
        actor=actor,
        action="core.export_downloaded",
        target=job,
        details={"kind": job.kind},
    )


def export_jobs_purge(*, now: datetime | None = None) -> int:
    """Delete jobs requested more than ``EXPORT_KEEP_DAYS`` ago with their files,
    and stray files (an interrupted build) as old. Returns the jobs deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = list(ExportJob.objects.filter(created_at__lt=cutoff))
    root = Path(settings.MEDIA_ROOT)
    for job in old:
        if job.file_path:
            (root / job.file_path).unlink(missing_ok=True)
    kept = set(
        ExportJob.objects.exclude(pk__in=[j.pk for j in old]).values_list(
            "file_path", flat=True
        )
    )
    for path in exports_dir().iterdir():
        stale = path.stat().st_mtime < cutoff.timestamp()
        if stale and f"exports/{path.name}" not in kept:
            path.unlink(missing_ok=True)
    if old:
        ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
        audit_record(
            actor=None,
            action="core.exports_purged",
            details={"jobs": len(old), "before": cutoff.isoformat()},
        )
    return len(old)


def export_jobs_recent(user, *, kind: str, limit: int = 5) -> list[ExportJob]:
    """The user's latest jobs of a kind (the page that offers the export lists them)."""
    return list(
        ExportJob.objects.filter(kind=kind, requested_by=user).order_by("-pk")[:limit]
    )
