from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telephony_admin.org.access import capability_required, scope

from . import audit_labels, config, exports
from .home import panels_for
from .models import AuditEvent, ExportJob, ExportStatus
from .selectors import notifications_visible
from .services import notification_mark_read
from .settings_form import SettingsForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"panels": panels_for(request.user)}
    if scope(request.user, "management.view"):
        # The general manager's and the heads' home opens on the management
        # overview; the usual panels follow (docs/management-home.md).
        from telephony_admin.overview.views import management_context

        context["management"] = management_context(request)
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with JSON when the database and the broker answer; 503 naming what failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001  (any failure means unhealthy)
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from telephony_admin.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {exc.__class__.__name__}"
    failed = [name for name, state in checks.items() if state != "ok"]
    status = 503 if failed else 200
    return JsonResponse(
        {"status": "fail" if failed else "ok", "checks": checks, "failed": failed},
        status=status,
    )


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    """What each of the user's roles does here, with its daily journeys."""
    from telephony_admin.org.access import roles_of

    from .help import help_for

    return render(
        request, "core/help.html", {"sections": help_for(roles_of(request.user))}
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_visible(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("pk")
    notification_mark_read(user=request.user, pk=int(pk) if pk else None)
    target = request.POST.get("next") or "core:notifications"
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("core:notifications")


@capability_required("settings.edit")
def settings_page(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for key, raw in form.cleaned_data.items():
            if raw != config.REGISTRY[key].render(config.get(key)):
                config.set_value(key, raw, actor=request.user)
                changed += 1
        messages.success(request, _("%(count)d setting(s) saved.") % {"count": changed})
        return redirect("core:settings")
    return render(request, "core/settings.html", {"form": form})


@capability_required("settings.edit")
def audit_trail(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related(
        "actor", "actor__employee", "target_type"
    )
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:
        event.action_label = audit_labels.action_label(event.action)
        event.detail_items = audit_labels.detail_items(event.action, event.details)
    actions = sorted(
        ((key, audit_labels.action_label(key)) for key in audit_labels.ACTIONS),
        key=lambda pair: pair[1],
    )
    return render(
        request,
        "core/audit.html",
        {"page": page, "action": action, "actions": actions},
    )


# --- Export jobs ----------------------------------------------------------------------


def _export_job(request: HttpRequest, pk: int) -> ExportJob:
    """The job if the user may see it (requester, or whole-company scope); else 404."""
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or not exports.export_job_visible(request.user, job):
        raise Http404
    return job


def _export_status(job: ExportJob) -> dict:
    done = exports.export_job_progress(job)
    total = job.rows_total
    percent = 100 if job.is_finished else (min(99, done * 100 // total) if total else 0)
    if job.status == ExportStatus.DONE:
        message = _("%(count)s rows written.") % {"count": job.rows_done}
    elif job.status == ExportStatus.FAILED:
        message = _("The export failed: %(error)s") % {"error": job.error}
    elif job.status == ExportStatus.RUNNING:
        message = _("%(done)s of %(total)s rows written…") % {
            "done": done,
            "total": total,
        }
    else:
        message = _("Waiting for a worker…")
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "finished": job.is_finished,
        "rows_done": done,
        "rows_total": total,
        "progress": percent,
        "message": message,
        "download_url": reverse("core:export_download", args=[job.pk])
        if job.status == ExportStatus.DONE
        else None,
    }


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _export_job(request, pk)
    context = {
        "job": job,
        "state": _export_status(job),
        "keep_days": settings.EXPORT_KEEP_DAYS,
    }
    return render(request, "core/export_job.html", context)


@login_required
def export_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Small JSON for the progress bar (polled while the Celery task runs)."""
    return JsonResponse(_export_status(_export_job(request, pk)))


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _export_job(request, pk)
    path = exports.export_job_file(job)
    if path is None:
        raise Http404
    exports.export_job_downloaded(actor=request.user, job=job)
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
