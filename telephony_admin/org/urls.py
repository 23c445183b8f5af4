from django.urls import path

from . import people_search, views

app_name = "org"
urlpatterns = [
    path("departments/", views.departments, name="departments"),
    path("employees/", views.employees, name="employees"),
    path("employees/import/", views.staff_import_view, name="staff_import"),
    path("people/search/", people_search.people_search, name="people_search"),
]
