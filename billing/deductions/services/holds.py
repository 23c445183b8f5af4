"""Held findings (待确认): an audit cannot run away.

Long distance without the right (R-LD-4) and lapsed urgent requests (R-LD-2)
depend on the company's own set-up: a wrong class-of-service table or a missing
approval makes them by the thousand. When one audit's NEW findings of such a rule
are more than ``deductions.hold_share_percent`` of the month's calls AND more than
``deductions.hold_min_findings`` (so a small month is never held), they are stored
as held instead of charged: nobody is charged or told, the workbook leaves them
out, and the month cannot be closed until each is confirmed or waived
(``findings_bulk``). Both audit paths call ``hold_abnormal`` after inserting, so
they hold identically. Premium numbers (R-BIL-5) and the other rules are never held.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import BillingPeriod, CallRecord
from telephony_admin.core import config

from ..models import HOLDABLE, FindingStatus, FindingTotal, MonthAudit, Rule, Violation


def thresholds() -> tuple[Decimal, int]:
    """(share of the month's calls in %, count): held above both."""
    share = Decimal(str(config.get("deductions.hold_share_percent")))
    return share, int(config.get("deductions.hold_min_findings"))


def abnormal(count: int, calls: int, *, share: Decimal, minimum: int) -> bool:
    """More than ``minimum`` new findings AND more than ``share`` % of the calls."""
    return count > minimum and Decimal(count) * 100 > share * Decimal(calls)


def hold_abnormal(period: BillingPeriod, created: dict[str, int], since) -> dict:
    """Hold the new findings (since ``since``) of each set-up rule whose count is
    abnormal; returns and records (on ``MonthAudit.held``) why, per rule."""
    share, minimum = thresholds()
    calls = None
    held: dict[str, dict] = {}
    for rule in sorted(HOLDABLE):
        count = int(created.get(str(rule), 0))
        if count <= minimum:
            continue
        if calls is None:
            calls = CallRecord.objects.filter(period=period).count()
        if not abnormal(count, calls, share=share, minimum=minimum):
            continue
        changed = Violation.objects.filter(
            period=period,
            rule=rule,
            status=FindingStatus.CHARGED,
            created_at__gte=since,
        ).update(status=FindingStatus.HELD)
        held[str(rule)] = {
            "count": changed,
            "calls": calls,
            "share": str(
                (Decimal(count) * 100 / Decimal(calls or 1)).quantize(Decimal("0.1"))
            ),
            "share_limit": str(share),
            "count_limit": minimum,
            "at": timezone.now().isoformat(),
        }
    if held:
        state, _created = MonthAudit.objects.get_or_create(period=period)
        state.held = {**(state.held or {}), **held}
        MonthAudit.objects.filter(pk=state.pk).update(held=state.held)
    return held


@dataclass
class HoldReason:
    """Why a rule's findings of a month are held, for the pages."""

    rule: str
    waiting: int  # still held now
    count: int  # held by the audit
    calls: int
    share: str
    share_limit: str
    count_limit: int

    @property
    def label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def text(self) -> str:
        return _(
            "%(rule)s: one audit found %(count)s new findings, %(share)s%% of the "
            "month's %(calls)s calls; findings are held above %(share_limit)s%% of "
            "the calls and above %(count_limit)s findings. %(waiting)s still wait "
            "for a decision."
        ) % {
            "rule": self.label,
            "count": self.count,
            "share": self.share,
            "calls": self.calls,
            "share_limit": self.share_limit,
            "count_limit": self.count_limit,
            "waiting": self.waiting,
        }


def held_counts(period: BillingPeriod | int) -> dict[str, int]:
    """Held findings per rule now (from the month's totals)."""
    period_id = getattr(period, "pk", period)
    rows = (
        FindingTotal.objects.filter(period_id=period_id, status=FindingStatus.HELD)
        .values("rule")
        .annotate(n=Sum("count"))
    )
    return {row["rule"]: row["n"] for row in rows if row["n"]}


def held_count(period: BillingPeriod | int) -> int:
    return sum(held_counts(period).values())


def hold_reasons(period: BillingPeriod) -> list[HoldReason]:
    """The rules of the month with findings still held, and why they were held."""
    waiting = held_counts(period)
    if not waiting:
        return []
    state = MonthAudit.objects.filter(period=period).first()
    recorded = (state.held if state else None) or {}
    share, minimum = thresholds()
    reasons = []
    for rule, n in sorted(waiting.items()):
        why = recorded.get(rule, {})
        reasons.append(
            HoldReason(
                rule=rule,
                waiting=n,
                count=int(why.get("count", n)),
                calls=int(why.get("calls", 0)),
                share=str(why.get("share", "")),
                share_limit=str(why.get("share_limit", share)),
                count_limit=int(why.get("count_limit", minimum)),
            )
        )
    return reasons


def held_refusal(period: BillingPeriod) -> str | None:
    """Why a month with held findings cannot be closed, or None."""
    count = held_count(period)
    if not count:
        return None
    return _(
        "%(count)s findings of %(month)s are held for confirmation: confirm or "
        "waive each of them before closing the month."
    ) % {"count": count, "month": period}
