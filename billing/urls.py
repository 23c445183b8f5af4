from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/export.xlsx", views.call_export, name="call_export"),
    path("imports/", views.import_list, name="imports"),
    path("imports/upload/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status.json", views.import_status, name="import_status"),
    path("unattributed/", views.unattributed_list, name="unattributed"),
    path(
        "unattributed/refresh/", views.unattributed_refresh, name="unattributed_refresh"
    ),
    path(
        "unattributed/<str:number>/",
        views.unattributed_resolve,
        name="unattributed_resolve",
    ),
    path("number-plan/", views.number_plan, name="number_plan"),
    path("number-plan/add/", views.number_rule_edit, name="rule_add"),
    path("number-plan/<int:pk>/", views.number_rule_edit, name="rule_edit"),
    path("number-plan/<int:pk>/stop/", views.number_rule_stop, name="rule_stop"),
]
