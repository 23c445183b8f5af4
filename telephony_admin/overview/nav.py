from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import scope

from .figures import reports_for


def menu(user) -> list[NavSection]:
    items = []
    if scope(user, "management.view"):
        items.append(NavItem(_("Management home"), "overview:home"))
    if reports_for(user):
        items.append(NavItem(_("Report hub"), "overview:reports"))
    if not items:
        return []
    return [
        NavSection(key="overview", label=_("Reports"), icon="bar-chart", items=items)
    ]
