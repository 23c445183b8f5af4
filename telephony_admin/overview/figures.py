"""The management home's figures and the report hub's links, gathered from the apps.

Each domain app may define an ``overview.py`` with

- ``figures(user, month) -> list[Figure]``: what the general manager or a department
  head reads on the management home, over the user's scope of that app's
  capability (roles.md), each linking to the page the figure comes from;
- ``reports(user) -> list[ReportLink]``: its monthly report pages the user may open,
  listed on the report hub with one month picker.

This module imports no domain app: it reads the plug-ins by name, as the home page
and the navbar do, so ``callcenter`` and ``complaints`` never import ``billing``
(docs/management-home.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse

OVERVIEW_MODULES = (
    "billing.overview",
    "billing.deductions.overview",
    "callcenter.complaints.overview",
    "callcenter.overview",
    "telephony_admin.approvals.overview",
)


@dataclass
class FigureRow:
    """One line under a figure (a waiting request, a rule, a person)."""

    text: str
    value: str = ""
    url: str = ""
    note: str = ""


@dataclass
class FigureGroup:
    """A titled list under a figure; ``empty_text`` when it has no rows."""

    title: str
    rows: list[FigureRow]
    empty_text: str = ""


@dataclass
class Chart:
    """A small Chart.js chart: labels and datasets ``{"label", "data", "type"}``."""

    labels: list[str]
    datasets: list[dict]


@dataclass
class Figure:
    key: str
    title: str
    value: str
    url: str
    note: str = ""
    tone: str = "secondary"  # Bootstrap colour: success, warning, danger, secondary
    groups: list[FigureGroup] = field(default_factory=list)
    chart: Chart | None = None
    order: int = 100
    wide: bool = False


@dataclass
class ReportLink:
    """A report page; ``month_param`` is the query parameter that picks its month
    ("month" for YYYY-MM, "year" for a page that shows a whole year)."""

    key: str
    title: str
    description: str
    url_name: str
    section: str
    month_param: str = "month"
    args: tuple = ()
    extra: dict = field(default_factory=dict)

    def url_for(self, month: date) -> str:
        params = dict(self.extra)
        if self.month_param == "year":
            params["year"] = f"{month:%Y}"
        elif self.month_param:
            params[self.month_param] = f"{month:%Y-%m}"
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = reverse(self.url_name, args=self.args)
        return f"{url}?{query}" if query else url


def _modules():
    for name in OVERVIEW_MODULES:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def figures_for(user, month: date) -> list[Figure]:
    result: list[Figure] = []
    for module in _modules():
        if hasattr(module, "figures"):
            result.extend(module.figures(user, month))
    return sorted(result, key=lambda f: f.order)


def reports_for(user) -> list[ReportLink]:
    result: list[ReportLink] = []
    for module in _modules():
        if hasattr(module, "reports"):
            result.extend(module.reports(user))
    return result


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def months_back(month: date, count: int) -> list[date]:
    """``count`` month starts ending with ``month``, oldest first."""
    months = [month.replace(day=1)]
    while len(months) < count:
        months.append(previous_month(months[-1]))
    return months[::-1]


def parse_month_param(text: str | None) -> date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None
