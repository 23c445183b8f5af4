from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import scope


def menu(user) -> list[NavSection]:
    items = [NavItem(_("Directory"), "extensions:directory")]
    if scope(user, "lines.view"):
        items.append(NavItem(_("Lines"), "extensions:list"))
    if scope(user, "requests.file"):
        items += [
            NavItem(_("Permission applications"), "extensions:applications"),
            NavItem(_("Long-distance requests"), "extensions:ld_list"),
            NavItem(_("Equipment requests"), "extensions:equipment"),
        ]
    if scope(user, "faults.report"):
        items.append(NavItem(_("Faults"), "extensions:faults"))
    if scope(user, "lines.edit"):
        items += [
            NavItem(_("Department limits"), "extensions:limits"),
            NavItem(_("Import line list"), "extensions:import"),
        ]
    if scope(user, "org.edit"):
        items.append(NavItem(_("Transfer an employee"), "extensions:transfer"))
    return [
        NavSection(key="extensions", label=_("Phones"), icon="telephone", items=items)
    ]
