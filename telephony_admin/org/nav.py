from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection

from .access import scope


def menu(user) -> list[NavSection]:
    if not scope(user, "org.edit"):
        return []
    return [
        NavSection(
            key="setup",
            label=_("Setup"),
            icon="gear",
            items=[
                NavItem(_("Departments"), "org:departments"),
                NavItem(_("Employees"), "org:employees"),
                NavItem(_("Import staff list"), "org:staff_import"),
                NavItem(_("Working calendar"), "workcal:calendar"),
                NavItem(_("Settings"), "core:settings"),
                NavItem(_("Audit trail"), "core:audit"),
                NavItem(_("Django admin"), "admin:index"),
            ],
        )
    ]
