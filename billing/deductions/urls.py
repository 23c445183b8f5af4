from django.urls import path

from . import views, views_findings

app_name = "deductions"
urlpatterns = [
    path("", views.statement_view, name="statement"),
    path("department/<int:pk>/", views.department_view, name="department"),
    path("quotas/", views.quota_plans, name="quota_plans"),
    path("quotas/<int:year>/", views.quota_plan_view, name="quota_plan"),
    path("quotas/<int:year>/month/", views.quota_month_view, name="quota_month"),
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
    path("private-calls/", views.private_calls_view, name="private_calls"),
    path(
        "private-calls/<int:pk>/cancel/",
        views.private_call_cancel_view,
        name="private_call_cancel",
    ),
    path("fines/", views.fines_view, name="fines"),
    path("fines/<int:pk>/delete/", views.fine_delete_view, name="fine_delete"),
    path("closing/", views.closing_view, name="closing"),
    path("closing/<str:month>/export.xlsx", views.export_view, name="export"),
    path("closing/<str:month>/close/", views.close_view, name="close"),
    path(
        "closing/<str:month>/state.json",
        views_findings.closing_state_view,
        name="closing_state",
    ),
    path("closing/<str:month>/reopen/", views.reopen_view, name="reopen"),
]
