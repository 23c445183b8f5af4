from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/", views.settings_page, name="settings"),
    path("audit/", views.audit_trail, name="audit"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/status.json", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
