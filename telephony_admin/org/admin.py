from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Employee


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "head", "deputy", "sort_order")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent", "head", "deputy")


@admin.register(Employee)
class EmployeeAdmin(SimpleHistoryAdmin):
    list_display = ("number", "name", "department", "title", "supervisor", "is_active")
    list_filter = ("department", "is_active", "is_manager")
    search_fields = ("number", "name", "pinyin", "pinyin_initials")
    autocomplete_fields = ("department", "supervisor", "user")
    readonly_fields = ("pinyin", "pinyin_initials")
