from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import scope


def menu(user) -> list[NavSection]:
    items = []
    if scope(user, "calls.view"):
        items.append(NavItem(_("Call records"), "billing:calls"))
    if scope(user, "bills.import"):
        items += [
            NavItem(_("Import a bill"), "billing:import_upload"),
            NavItem(_("Bill imports"), "billing:imports"),
            NavItem(_("Unattributed calls"), "billing:unattributed"),
        ]
    if scope(user, "settings.edit"):
        items.append(NavItem(_("Number plan"), "billing:number_plan"))
    if not items:
        return []
    return [NavSection(key="billing", label=_("Billing"), icon="receipt", items=items)]
