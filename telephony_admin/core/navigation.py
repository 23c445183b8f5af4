"""Role-aware navigation: each app contributes a menu section from its ``nav.py``.

An app's ``nav.py`` defines ``def menu(user) -> list[NavSection]`` and asks
``telephony_admin.org.access`` what the user may see, so the menu never shows a page
that would answer 403.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

NAV_MODULES = (
    "telephony_admin.overview.nav",
    "telephony_admin.approvals.nav",
    "extensions.nav",
    "billing.nav",
    "billing.deductions.nav",
    "callcenter.nav",
    "callcenter.complaints.nav",
    "telephony_admin.org.nav",
)


@dataclass
class NavItem:
    label: str
    url_name: str
    icon: str = ""
    args: tuple = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


@dataclass
class NavSection:
    key: str
    label: str
    icon: str = ""
    items: list[NavItem] = field(default_factory=list)


def menu_for(user) -> list[NavSection]:
    sections: list[NavSection] = []
    if not user.is_authenticated:
        return sections
    for name in NAV_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for section in module.menu(user):
            items = []
            for item in section.items:
                try:
                    item.url  # noqa: B018  (skip items whose page is not wired yet)
                except NoReverseMatch:
                    continue
                items.append(item)
            if items:
                section.items = items
                sections.append(section)
    return sections
