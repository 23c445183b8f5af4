from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from telephony_admin.core.navigation import NavItem, NavSection
from telephony_admin.org.access import Scope, scope


def menu(user) -> list[NavSection]:
    items = []
    if scope(user, "calls.view") >= Scope.DEPT:
        items.append(NavItem(_("Monthly statement"), "deductions:statement"))
    if scope(user, "calls.view"):
        items.append(NavItem(_("Audit findings"), "deductions:findings"))
    if scope(user, "private_calls.file") or scope(user, "private_calls.consent"):
        items.append(NavItem(_("Private calls"), "deductions:private_calls"))
    if scope(user, "quotas.propose") or scope(user, "quotas.approve"):
        items.append(NavItem(_("Quota plans"), "deductions:quota_plans"))
    if scope(user, "audits.decide"):
        items.append(NavItem(_("Fines"), "deductions:fines"))
    if scope(user, "deductions.export") or scope(user, "period.reopen"):
        items.append(NavItem(_("Deductions and closing"), "deductions:closing"))
    if not items:
        return []
    return [
        NavSection(
            key="deductions",
            label=pgettext("menu", "Deductions"),
            icon="cash-coin",
            items=items,
        )
    ]
