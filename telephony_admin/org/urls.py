from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("departments/", views.departments, name="departments"),
    path("employees/", views.employees, name="employees"),
    path("employees/import/", views.staff_import_view, name="staff_import"),
]
