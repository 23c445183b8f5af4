from django.urls import path

from . import views, views_closing, views_findings, views_private, views_quotas

app_name = "deductions"
urlpatterns = [
    path("", views.statement_view, name="statement"),
    path("department/<int:pk>/", views.department_view, name="department"),
    path("quotas/", views_quotas.quota_plans, name="quota_plans"),
    path("quotas/<int:year>/", views_quotas.quota_plan_view, name="quota_plan"),
    path("quotas/<int:year>/month/", views_quotas.quota_month_view, name="quota_month"),
    path("findings/", views.findings_view, name="findings"),
    path("findings/run/", views.audit_run_view, name="audit_run"),
    path("findings/audit-status/", views.audit_status_view, name="audit_status"),
    path("findings/<int:pk>/", views.finding_view, name="finding"),
    path("findings/bulk/", views_findings.findings_bulk_view, name="findings_bulk"),
    path(
        "findings/<int:pk>/private/",
        views_findings.finding_private_view,
        name="finding_private",
    ),
    path("findings/notice/", views_findings.notice_view, name="notice"),
    path("calls/<int:pk>/private/", views.mark_private_view, name="mark_private"),
    path("private-calls/", views_private.private_calls_view, name="private_calls"),
    path(
        "private-calls/<int:pk>/cancel/",
        views_private.private_call_cancel_view,
        name="private_call_cancel",
    ),
    path("fines/", views_private.fines_view, name="fines"),
    path("fines/<int:pk>/delete/", views_private.fine_delete_view, name="fine_delete"),
    path("closing/", views_closing.closing_view, name="closing"),
    path("closing/<str:month>/export.xlsx", views_closing.export_view, name="export"),
    path("closing/<str:month>/close/", views_closing.close_view, name="close"),
    path(
        "closing/<str:month>/state.json",
        views_findings.closing_state_view,
        name="closing_state",
    ),
    path("closing/<str:month>/reopen/", views_closing.reopen_view, name="reopen"),
]
