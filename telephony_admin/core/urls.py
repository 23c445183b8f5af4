from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/", views.settings_page, name="settings"),
    path("audit/", views.audit_trail, name="audit"),
]
