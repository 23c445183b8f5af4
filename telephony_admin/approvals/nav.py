from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import employee_of


def menu(user) -> list[NavSection]:
    if employee_of(user) is None:
        return []
    return [
        NavSection(
            key="approvals",
            label=_("Approvals"),
            icon="check2-square",
            items=[
                NavItem(_("Waiting for me"), "approvals:inbox"),
                NavItem(_("My requests"), "approvals:mine"),
                NavItem(_("Absences and delegates"), "approvals:absences"),
            ],
        )
    ]
