from django.urls import path

from . import printing, views, views_replies, views_sign_off

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="new"),
    path("send/", views.send_many, name="send_many"),
    path("lookup/", views.lookup, name="lookup"),
    path("reports/", views.report, name="reports"),
    path("reports/export/", views.report_export, name="export"),
    path("templates/", views_replies.template_list, name="templates"),
    path("templates/new/", views_replies.template_edit, name="template_new"),
    path("templates/<int:pk>/", views_replies.template_edit, name="template_edit"),
    path(
        "templates/<int:pk>/active/",
        views_replies.template_active,
        name="template_active",
    ),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/sign-off/", views_sign_off.sign_off, name="sign_off"),
    path(
        "<int:pk>/print/registration/",
        printing.registration_print,
        name="print_registration",
    ),
    path("<int:pk>/print/handling/", printing.handling_print, name="print_handling"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
