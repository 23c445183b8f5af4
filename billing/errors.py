"""Billing's domain errors."""

from telephony_admin.errors import DomainError, PeriodClosed  # noqa: F401


class BillingError(DomainError):
    """A billing rule refused the operation."""


class ImportRefused(BillingError):
    """The bill was refused as a whole (R-BIL-2): nothing of it was stored."""
