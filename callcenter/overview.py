"""The management home's hotline answer rate (R-HOT-6: this month against the last);
the report hub's answer-rate and traffic pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telephony_admin.core import config
from telephony_admin.org.access import scope
from telephony_admin.overview.figures import Figure, ReportLink, previous_month

from .health import answer_rate_of_month

SECTION = gettext_lazy("Call center")


def _percent(rate) -> str:
    return "—" if rate.percent is None else f"{rate.percent}%"


def figures(user, month: date) -> list[Figure]:
    if not scope(user, "hotline.view"):
        return []
    now = answer_rate_of_month(month)
    before = answer_rate_of_month(previous_month(month))
    note = _("%(answered)s of %(offered)s calls answered; last month %(before)s") % {
        "answered": now.answered,
        "offered": now.offered,
        "before": _percent(before),
    }
    if now.percent is not None and before.percent is not None:
        change = now.percent - before.percent
        note += " (" + (f"+{change}" if change > 0 else f"{change}") + ")"
    if now.percent is None:
        tone = "secondary"
    elif now.below_target:
        tone = "danger"
    else:
        tone = "success"
    return [
        Figure(
            key="answer-rate",
            title=_("Hotline answer rate"),
            value=_percent(now),
            url=reverse("callcenter:answer_rate") + f"?month={month:%Y-%m}",
            note=note
            + " · "
            + _("target %(target)s%%")
            % {"target": config.get("callcenter.answer_rate_target")},
            tone=tone,
            order=30,
        )
    ]


def reports(user) -> list[ReportLink]:
    result = []
    if scope(user, "hotline.view"):
        result.append(
            ReportLink(
                key="answer-rate",
                title=_("Answer rate"),
                description=_("The hotline's offered and answered calls per day."),
                url_name="callcenter:answer_rate",
                section=str(SECTION),
            )
        )
    if scope(user, "switchboard.view") or scope(user, "hotline.view"):
        result.append(
            ReportLink(
                key="traffic",
                title=_("Traffic statistics"),
                description=_(
                    "Switchboard and hotline calls and talk hours of the month's year."
                ),
                url_name="callcenter:statistics",
                section=str(SECTION),
                month_param="year",
            )
        )
    return result
