from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import Scope, scope


def menu(user) -> list[NavSection]:
    items = []
    if scope(user, "complaints.create") > Scope.NONE:
        items.append(NavItem(_("New case"), "complaints:new"))
    if scope(user, "complaints.view") > Scope.NONE:
        items.append(NavItem(_("Complaint queues"), "complaints:queue"))
    if scope(user, "complaints.report") > Scope.NONE:
        items.append(NavItem(_("Complaint reports"), "complaints:reports"))
    if scope(user, "complaints.templates") > Scope.NONE:
        items.append(NavItem(_("Reply templates"), "complaints:templates"))
    if not items:
        return []
    return [
        NavSection(
            key="complaints",
            label=_("Complaints"),
            icon="chat-left-dots",
            items=items,
        )
    ]
