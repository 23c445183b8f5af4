"""Closed billing months (R-PRV-4) for the apps that may not import billing.

Billing owns the months and their closing. Long-distance requests (extensions) are
inputs of a month's findings, so deciding one whose call falls in a closed month
must be refused too; extensions cannot import billing ("nothing imports upwards"),
so billing registers its check here when it starts and extensions asks this module.
Without a registered check every month is open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

MonthCheck = Callable[[date], None]

_checks: list[MonthCheck] = []


def month_check_register(check: MonthCheck) -> None:
    """``check(day)`` raises ``PeriodClosed`` when ``day``'s month is closed."""
    if check not in _checks:
        _checks.append(check)


def ensure_days_open(*days: date | None) -> None:
    """Refuse (``PeriodClosed``) when any of these days lies in a closed month."""
    months = sorted({day.replace(day=1) for day in days if day is not None})
    for check in _checks:
        for month in months:
            check(month)
