from django.urls import path

from .views import (
    applications,
    directory,
    faults,
    imports,
    lines,
    long_distance,
    printing,
)

app_name = "extensions"
urlpatterns = [
    path("", lines.line_list, name="list"),
    path("new/", lines.line_new, name="line_new"),
    path("<int:pk>/", lines.line_detail, name="line_detail"),
    path("<int:pk>/edit/", lines.line_edit, name="line_edit"),
    path("<int:pk>/assign/", lines.line_reassign, name="line_assign"),
    path("<int:pk>/class/", lines.line_class, name="line_class"),
    path("limits/", lines.limits, name="limits"),
    path("import/", imports.line_import, name="import"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_new, name="application_new"),
    path(
        "applications/<int:pk>/",
        applications.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:pk>/print/",
        printing.application_print,
        name="application_print",
    ),
    path("equipment/", applications.equipment_list, name="equipment"),
    path("equipment/new/", applications.equipment_new, name="equipment_new"),
    path("equipment/<int:pk>/", applications.equipment_detail, name="equipment_detail"),
    path("equipment/<int:pk>/print/", printing.equipment_print, name="equipment_print"),
    path("faults/", faults.fault_list, name="faults"),
    path("faults/new/", faults.fault_new, name="fault_new"),
    path("faults/<int:pk>/", faults.fault_detail, name="fault_detail"),
    path("long-distance/", long_distance.ld_list, name="ld_list"),
    path("long-distance/new/", long_distance.ld_new, name="ld_new"),
    path("long-distance/<int:pk>/", long_distance.ld_detail, name="ld_detail"),
    path("long-distance/<int:pk>/print/", printing.ld_print, name="ld_print"),
    path(
        "long-distance/<int:pk>/place-now/",
        long_distance.ld_place_now,
        name="ld_place_now",
    ),
    path("transfers/", long_distance.transfer, name="transfer"),
    path("directory/", directory.directory, name="directory"),
    path("directory/search/", directory.directory_search_json, name="directory_search"),
    path("directory/print/", directory.directory_print, name="directory_print"),
    path("directory/export.xlsx", directory.directory_export, name="directory_export"),
]
