"""Errors of quotas, audits, private calls, fines and closing."""

from telephony_admin.errors import DomainError, PeriodClosed  # noqa: F401


class DeductionError(DomainError):
    """A rule of quotas or deductions refused the operation."""
