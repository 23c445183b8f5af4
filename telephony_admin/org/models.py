"""Organisation: departments (a tree), employees, roles (R-ORG-1..3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """Roles of roles.md. Each (but department head) is a Django group of this name.

    The department head role is derived from being the head or deputy of a department.
    """

    ADMIN = "admin", _("Administration")
    DEPT_HEAD = "dept_head", _("Department head")
    EMPLOYEE = "employee", _("Employee")
    OPERATOR = "operator", _("Switchboard operator")
    CS_AGENT = "cs_agent", _("Customer-service agent")
    CS_HEAD = "cs_head", _("Customer-service head")
    HANDLER = "handler", _("Complaint handler")
    FINANCE = "finance", _("Finance")
    GM = "gm", _("General manager")


GROUP_ROLES = [r for r in Role if r not in (Role.DEPT_HEAD, Role.EMPLOYEE)]


class Department(models.Model):
    """部门. A tree; each has a head (负责人) and may have a deputy (R-ORG-1)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    deputy = models.ForeignKey(
        "Employee",
        verbose_name=_("deputy head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_departments",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="department_not_own_parent",
            )
        ]

    def __str__(self) -> str:
        return self.name


def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a Chinese name: 张三 -> ("zhangsan", "zs")."""
    # Imported here: its dictionaries take half a second to load, which every
    # process (web, worker, each management command) would pay at start.
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    full = "".join(syllables).lower().replace(" ", "")
    short = "".join(s[:1] for s in initials).lower().replace(" ", "")
    return full, short


class Employee(models.Model):
    """员工. Belongs to one department; may have a direct supervisor (R-ORG-1)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    number = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, db_index=True)
    pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    pinyin_initials = models.CharField(
        _("pinyin initials"), max_length=50, blank=True, db_index=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    is_manager = models.BooleanField(
        _("manager grade"),
        default=False,
        help_text=_("Counts as a manager for quota standards."),
    )
    office_phone = models.CharField(_("office phone"), max_length=30, blank=True)
    private_mobile = models.CharField(
        _("private mobile"),
        max_length=30,
        blank=True,
        help_text=_("Visible to administration and the employee only."),
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__sort_order", "number"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("pk")),
                name="employee_not_own_supervisor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    def save(self, *args, **kwargs) -> None:
        # Derived search keys, kept in step with the name wherever it is saved from.
        self.pinyin, self.pinyin_initials = pinyin_of(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pinyin", "pinyin_initials"}
        super().save(*args, **kwargs)
