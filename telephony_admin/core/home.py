"""Home-page panels: each app lists what waits for the user from its ``home.py``.

An app's ``home.py`` defines ``def panels(user) -> list[HomePanel]``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

HOME_MODULES = (
    "telephony_admin.approvals.home",
    "extensions.home",
    "billing.home",
    "billing.deductions.home",
    "callcenter.home",
    "callcenter.complaints.home",
)


@dataclass
class HomeRow:
    text: str
    url: str = ""
    badge: str = ""
    badge_class: str = "secondary"


@dataclass
class HomePanel:
    key: str
    title: str
    rows: list[HomeRow] = field(default_factory=list)
    empty_text: str = ""
    more_url: str = ""


def panels_for(user) -> list[HomePanel]:
    panels: list[HomePanel] = []
    for name in HOME_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        panels.extend(module.panels(user))
    return panels
