from django.urls import path

from . import views

app_name = "workcal"

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("overrides/new/", views.override_create, name="override_create"),
    path("overrides/<int:pk>/", views.override_edit, name="override_edit"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
    path("seed/", views.seed_year, name="seed"),
]
