from django.urls import path

from . import printing, views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="new"),
    path("lookup/", views.lookup, name="lookup"),
    path("reports/", views.report, name="reports"),
    path("reports/export/", views.report_export, name="export"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path(
        "<int:pk>/print/registration/",
        printing.registration_print,
        name="print_registration",
    ),
    path("<int:pk>/print/handling/", printing.handling_print, name="print_handling"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
