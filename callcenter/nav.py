from django.utils.translation import gettext as _

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import Scope, scope


def menu(user) -> list[NavSection]:
    items = []
    if scope(user, "switchboard.log"):
        items.append(NavItem(_("Switchboard console"), "callcenter:console"))
    if scope(user, "switchboard.view"):
        items.append(NavItem(_("Switchboard log"), "callcenter:switchboard_log"))
    if scope(user, "messages.view"):
        label = (
            _("Messages")
            if scope(user, "messages.view") == Scope.ALL
            else _("My messages")
        )
        items.append(NavItem(label, "callcenter:messages"))
    if scope(user, "hotline.view"):
        items.append(NavItem(_("400 hotline"), "callcenter:hotline"))
        items.append(NavItem(_("Answer rate"), "callcenter:answer_rate"))
        items.append(NavItem(_("Hotline health"), "callcenter:health"))
    if scope(user, "rosters.view") == Scope.ALL or scope(user, "rosters.edit"):
        items.append(NavItem(_("Duty roster"), "callcenter:roster"))
    elif scope(user, "rosters.view") and (
        scope(user, "switchboard.log") or scope(user, "hotline.log")
    ):
        items.append(NavItem(_("My shifts"), "callcenter:roster"))
    if scope(user, "switchboard.view") or scope(user, "hotline.view"):
        items.append(NavItem(_("Traffic statistics"), "callcenter:statistics"))
    if scope(user, "api_tokens.edit"):
        items.append(NavItem(_("Events API tokens"), "callcenter:api_tokens"))
    if not items:
        return []
    return [
        NavSection(
            key="callcenter", label=_("Call center"), icon="headset", items=items
        )
    ]
